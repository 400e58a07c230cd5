"""The vocabulary: every role, party, step type, meeting type, modality, verdict and outcome,
defined once, each with its names beside it; and the Chinese numerals of article labels.

The ids are the public contract: rule conditions are type-checked against them, actions are
validated against them, and the explanation, the reference page and the reports name them from
the tables here. A new role, body or step goes here (and nowhere else), with its Chinese name.
In a Chinese name, "区（市）" stands for the jurisdiction's own level (`LEVEL_ZH`).
"""

from __future__ import annotations

from typing import Literal, TypeAlias, get_args

# --- who ------------------------------------------------------------------------------------
Role: TypeAlias = Literal[
    "head",  # 区长 / 市长
    "executive_deputy",  # 常务副区长 / 常务副市长
    "deputy",  # 副区长 / 副市长
    "secretary_general",  # 秘书长 (hegang)
    "deputy_secretary_general",  # 副秘书长 (hegang)
    "party_group_member",  # 党组成员
    "office_director",  # 政府办公室主任
    "office_deputy_director",  # 办公室副主任 (xiangshan)
    "researcher",  # 调研员 (xiangshan)
    "urban_management_commissioner",  # 城管专员 (xiangshan)
    "department_head",  # 部门主要负责人
    "department_deputy",  # 部门分管负责同志
    "township_head",  # 街道/镇/乡主要负责人; hegang: 县区政府主要负责人
    "justice_bureau",  # 司法局 / 法制办
    "staff",
]

# Parties that are not a role a person acts in: bodies, and people named by their relation to the act.
Body: TypeAlias = Literal[
    "portfolio_deputy",  # 分管副区长/副市长: the deputy in charge of the actor's unit
    "other_leaders",  # 政府其他领导同志
    "government",  # 区政府 / 市政府 (as a body)
    "government_office",  # 政府办公室
    "executive_meeting",  # 政府常务会议
    "plenary_meeting",  # 政府全体会议
    "party_committee",  # 区委 / 市委
    "party_group",  # 政府党组
    "upper_government",  # 上级政府 (市政府 / 省政府)
    "congress_standing_committee",  # 人大常委会
    "related_departments",  # 有关部门 / 相关部门
    "unit_principal",  # the actor's unit's principal (主要负责人)
    "inspection_office",  # 督查室
    "organization_department",  # 组织部门
    "discipline_inspection",  # 纪检监察机关
    "foreign_affairs_office",  # 外事部门
    "public",  # 公众 / 社会各方面 (public participation, hearings)
    "experts",  # 专家 / 研究、咨询机构 (expert argument)
    "presider",  # 会议主持人: whoever presides over the meeting in question
    "legal_unit",  # the actor's unit's own legal office (部门法制（法治）机构)
    "enterprises",  # 企业和行业协会商会 (hearing enterprises)
    "unit_leadership",  # the actor's unit's leadership as a body (部门集体讨论决定)
]

# Who an approval, a notice or a report goes to, or who does a review: any role, or a body.
# A Literal of Literals is their union (PEP 586), still one enumeration for the condition
# type-checker, pydantic and the JSON schemas: roles first, then bodies.
Party: TypeAlias = Literal[Role, Body]

ROLE_ZH: dict[str, str] = {
    "head": "区（市）长",
    "executive_deputy": "常务副区（市）长",
    "deputy": "副区（市）长",
    "secretary_general": "秘书长",
    "deputy_secretary_general": "副秘书长",
    "party_group_member": "党组成员",
    "office_director": "区（市）政府办公室主任",
    "office_deputy_director": "区（市）政府办公室副主任",
    "researcher": "调研员",
    "urban_management_commissioner": "城管专员",
    "department_head": "部门主要负责人",
    "department_deputy": "部门分管负责同志",
    "township_head": "街道、镇、乡主要负责人",
    "justice_bureau": "司法局（法制办）",
    "staff": "工作人员",
}
BODY_ZH: dict[str, str] = {
    "portfolio_deputy": "分管副区（市）长",
    "other_leaders": "区（市）政府其他领导同志",
    "government": "区（市）政府",
    "government_office": "区（市）政府办公室",
    "executive_meeting": "区（市）政府常务会议",
    "plenary_meeting": "区（市）政府全体会议",
    "party_committee": "区（市）委",
    "party_group": "区（市）政府党组",
    "upper_government": "上级政府",
    "congress_standing_committee": "区（市）人大常委会",
    "related_departments": "有关部门",
    "unit_principal": "本单位主要负责人",
    "inspection_office": "督查室",
    "organization_department": "组织部门",
    "discipline_inspection": "纪检监察机关",
    "foreign_affairs_office": "外事部门",
    "public": "社会公众",
    "experts": "专家",
    "presider": "会议主持人",
    "legal_unit": "本单位法制机构",
    "enterprises": "企业和行业协会商会",
    "unit_leadership": "本单位领导班子",
}
PARTY_ZH: dict[str, str] = {**ROLE_ZH, **BODY_ZH}

Level: TypeAlias = Literal["district", "city", "county", "province"]
LEVEL_ZH: dict[str, str] = {"district": "区", "city": "市", "county": "县", "province": "省"}

# --- what is done ---------------------------------------------------------------------------
StepType: TypeAlias = Literal[
    "approval",  # 批准 / 同意 / 审批
    "notice",  # 报告 / 通报 / 告知 (before the act)
    "review",  # 审核 / 审阅 / 审定
    "legality_review",  # 合法性审查 / 审核
    "signature",  # 签发 / 签字
    "countersign",  # 会签
    "consultation",  # 征求意见 / 协商
    "entrustment",  # 委托 (acting for someone)
    "request",  # 请示 / 申请 (filing the request itself)
    "report",  # 报告 after the act (书面报告, 总结报告)
    "report_back",  # 销假 / 返回后报告
    "filing",  # 备案
    "public_participation",  # 公众参与
    "expert_argument",  # 专家论证
    "risk_assessment",  # 风险评估
    "stability_risk_assessment",  # 社会稳定风险评估
    "fair_competition_review",  # 公平竞争审查
    "enterprise_hearing",  # 听取企业意见
    "collective_decision",  # 集体讨论决定
    "minutes",  # 会议纪要
    "external_procedure",  # a procedure kept outside the text (区委请假报备制度…)
    "exception_grounds",  # the grounds recorded for departing from an in-principle norm
    "publication",  # 公布 / 向社会公开
]
STEP_ZH: dict[str, str] = {
    "approval": "批准",
    "notice": "事先报告",
    "review": "审核",
    "legality_review": "合法性审查",
    "signature": "签发",
    "countersign": "会签",
    "consultation": "征求意见",
    "entrustment": "委托",
    "request": "请示",
    "report": "事后报告",
    "report_back": "销假报告",
    "filing": "备案",
    "public_participation": "公众参与",
    "expert_argument": "专家论证",
    "risk_assessment": "风险评估",
    "stability_risk_assessment": "社会稳定风险评估",
    "fair_competition_review": "公平竞争审查",
    "enterprise_hearing": "听取企业意见",
    "collective_decision": "集体讨论决定",
    "minutes": "会议纪要",
    "external_procedure": "按有关制度办理",
    "exception_grounds": "载明例外理由",
    "publication": "向社会公布",
}

MeetingType: TypeAlias = Literal[
    "plenary",  # 全体会议
    "executive",  # 常务会议
    "head_office",  # 区长/市长办公会议
    "topical",  # 专题会议
    "head_regular",  # 区长工作例会
    "special_coordination",  # 专项协调办公会议
    "district_wide",  # 部门召开的全区性会议
    "study",  # 学习会
    "party_group",  # 党组会议
]
MEETING_ZH: dict[str, str] = {
    "plenary": "全体会议",
    "executive": "常务会议",
    "head_office": "区（市）长办公会议",
    "topical": "专题会议",
    "head_regular": "区（市）长工作例会",
    "special_coordination": "专项协调办公会议",
    "district_wide": "部门召开的全区性会议",
    "study": "学习会",
    "party_group": "党组会议",
}

# --- how binding a rule is, and what the engine answers ----------------------------------------
Modality: TypeAlias = Literal["must", "shall", "in_principle", "may"]
Verdict: TypeAlias = Literal["allowed", "conditional", "denied"]
Outcome: TypeAlias = Literal[
    "violated",  # the rule is broken: denies (must/shall) or holds the act back (in principle)
    "pending",  # a step the rule requires is not done yet: conditional, with an obligation
    "undetermined",  # the action lacks a fact the rule reads: conditional, `missing` says which
    "satisfied",  # the rule applies and its requirement is met
    "permitted",  # a permissive rule (可) applies
    "excepted",  # an in-principle norm not met, with the grounds recorded
    "obligation",  # a duty that follows the act (a report after return): open, not blocking
]
# Why a decision is conditional: facts to ask for, steps to get done, grounds to record.
Need: TypeAlias = Literal["missing_facts", "pending_steps", "exception_grounds"]
# The value of a condition in three-valued logic.
Truth: TypeAlias = Literal["true", "false", "unknown"]

# Their names, by language ("zh", "en"), as an explanation prints them.
NAMES: dict[str, dict[str, str]] = {
    "zh": {
        # Verdict
        "allowed": "准许",
        "conditional": "附条件准许：办妥下列事项后方可",
        "denied": "不予准许",
        # Truth
        "true": "成立",
        "false": "不成立",
        "unknown": "无法判断（所需事实未提供）",
        # Outcome
        "violated": "违反本条规定",
        "pending": "尚未办理",
        "undetermined": "事实不全，无法认定",
        "satisfied": "已办理，符合规定",
        "permitted": "准许",
        "excepted": "已载明例外理由",
        "obligation": "事后须办理",
        # Modality
        "must": "必须",
        "shall": "应当",
        "in_principle": "原则上",
        "may": "可以",
        # Need
        "missing_facts": "补充事实",
        "pending_steps": "办理前置手续",
        "exception_grounds": "载明不按原则办理的例外理由",
    },
    "en": {
        "allowed": "allowed",
        "conditional": "conditional: allowed once the steps below are done",
        "denied": "denied",
        "true": "holds",
        "false": "does not hold",
        "unknown": "unknown (a fact it needs is not given)",
        "violated": "violated",
        "pending": "pending: not done yet",
        "undetermined": "undetermined: facts missing",
        "satisfied": "satisfied",
        "permitted": "permitted",
        "excepted": "excepted: grounds recorded",
        "obligation": "a duty that follows the act",
        "must": "must",
        "shall": "shall",
        "in_principle": "in principle",
        "may": "may",
        "missing_facts": "facts to give",
        "pending_steps": "steps to get done",
        "exception_grounds": "grounds to record for departing from an in-principle rule",
    },
}

# INVARIANT: every id above has its name (tests/test_vocab.py).
NAMED: dict[str, tuple[object, dict[str, str]]] = {
    "role": (Role, ROLE_ZH),
    "body": (Body, BODY_ZH),
    "step": (StepType, STEP_ZH),
    "meeting": (MeetingType, MEETING_ZH),
    "level": (Level, LEVEL_ZH),
    **{
        k: (t, NAMES["zh"])
        for k, t in (
            ("modality", Modality),
            ("verdict", Verdict),
            ("outcome", Outcome),
            ("need", Need),
            ("truth", Truth),
        )
    },
}


def ids(enumeration: object) -> tuple[str, ...]:
    """The ids of one of the enumerations above, in order."""
    return tuple(str(v) for v in get_args(enumeration))


# --- Chinese numerals ---------------------------------------------------------------------------
DIGITS = "零一二三四五六七八九"


def numeral(n: int) -> str:
    """1 → 一, 10 → 十, 23 → 二十三, 60 → 六十, 105 → 一百零五 (0…999)."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    text = DIGITS[hundreds] + "百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else DIGITS[tens]) + "十"
    elif hundreds and units:
        text += "零"
    return text + (DIGITS[units] if units else "")


def article_zh(n: int) -> str:
    """62 → 第六十二条."""
    return f"第{numeral(n)}条"

"""The actions the engine judges: one pydantic model per kind, a discriminated union on `kind`.

An action is a proposed or recorded act: a kind, a jurisdiction, a date, an actor, and the facts the
rules of that kind read. A fact that an action does not give is `None`: rules that need it say so in
the decision instead of passing (see `_condition`, three-valued logic).

The kind names, the role ids and the enumerated values below are the public contract: rule conditions
are type-checked against them when a rulebook is loaded.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

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

# Who an approval, a notice or a report goes to, or who does a review: any role, or a body.
Party: TypeAlias = Literal[
    "head",
    "executive_deputy",
    "deputy",
    "secretary_general",
    "deputy_secretary_general",
    "party_group_member",
    "office_director",
    "office_deputy_director",
    "researcher",
    "urban_management_commissioner",
    "department_head",
    "department_deputy",
    "township_head",
    "justice_bureau",
    "staff",
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


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Actor(_Model):
    """Who acts: a canonical role, and optionally the unit and the portfolio (分管) they hold."""

    role: Role
    unit: str | None = None
    name: str | None = None
    in_charge_of: tuple[str, ...] = ()


class Step(_Model):
    """A step already done (or scheduled) that a rule may require: an approval, a notice, a review…"""

    step: StepType
    party: Party
    date: dt.date | None = Field(None, description="The day the step was done.")
    written: bool | None = None
    rule: str | None = Field(None, description="The rule this step answers, for exception grounds.")
    note: str | None = None


Jurisdiction: TypeAlias = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


UNKNOWN = "unknown"


class _Action(_Model):
    """The fields every kind has. Any optional fact may be given as `"unknown"`: the same as leaving it
    out, so a caller who does not know a value never has to guess one."""

    id: str | None = Field(None, max_length=200, description="The caller's id for this action.")
    jurisdiction: Jurisdiction
    date: dt.date = Field(description="The day of the act: departure, signing, meeting, reply…")
    as_of: dt.date | None = Field(
        None, description="The day the check stands; steps due before it and not done are late."
    )
    actor: Actor
    steps: tuple[Step, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _unknown_is_not_given(cls, data: Any) -> Any:
        if isinstance(data, dict) and UNKNOWN in data.values():
            fields = cls.model_fields
            return {k: (None if v == UNKNOWN and k in fields and not fields[k].is_required() else v)
                    for k, v in data.items()}
        return data


# --- 1. leaving the jurisdiction -------------------------------------------------------------
class LeaveJurisdiction(_Action):
    """Leaving the district or city (离区, 离营, 离阜, 离开本市; 出国（境）)."""

    kind: Literal["leave_jurisdiction"]
    destination: Literal["in_province", "out_of_province", "abroad"] | None = None
    purpose: Literal["official", "personal", "vacation", "study"] | None = None
    return_date: dt.date | None = None
    head_away: bool | None = Field(None, description="The head (区长/市长) is away at the same time.")
    executive_deputy_away: bool | None = None
    ab_partner_away: bool | None = Field(None, description="The actor's AB-role partner is away.")
    request_contents: (
        tuple[
            Literal[
                "traveller",  # 外出人员
                "reason",  # 事由
                "times",  # 出发及返回时间
                "place",  # 地点
                "contact",  # 联系方式
                "acting_person",  # 外出期间主持工作的同志
                "supporting_documents",  # 外出事由的相关文件
            ],
            ...,
        ]
        | None
    ) = Field(None, description="What the leave request states (请假报告内容).")
    itinerary_changed: bool | None = Field(None, description="行程有变: the trip changed while away.")
    attends_upper_meeting: bool | None = Field(
        None, description="The trip is to attend an upper-level meeting or activity (参加上级的会议、活动)."
    )
    leaves_city: bool | None = Field(
        None, description="离市: a district official's trip also leaves the city the district belongs to."
    )
    leads_delegation: bool | None = Field(None, description="率团出访: the traveller leads a delegation.")


# --- 2. signing documents ----------------------------------------------------------------
Issuer: TypeAlias = Literal["government", "government_office", "department", "joint", "township"]
DocType: TypeAlias = Literal[
    "decision_order",  # 决定、命令
    "normative",  # 行政规范性文件
    "upward_request",  # 上行文：请示
    "upward_report",  # 上行文：报告
    "motion_to_congress",  # 提请人大及其常委会审议的议案
    "personnel_appointment",  # 人事任免
    "outbound_travel_approval",  # 出国（境）审批
    "letter_to_government",  # 与其他政府的函
    "routine",  # 日常工作 / 一般性公文
    "meeting_minutes",  # 会议纪要
    "briefing",  # 简报
    "directive",  # 指示性公文
    "reply",  # 批复
    "notice",  # 通知
    "plan",  # 规划 / 计划
    "routine_approval",  # 例行批准手续
]


class SignDocument(_Action):
    """Signing or issuing (签发) a document."""

    kind: Literal["sign_document"]
    issuer: Issuer
    doc_type: DocType
    in_portfolio: bool | None = Field(None, description="The matter is in the signer's portfolio.")
    head_away: bool | None = None
    entrusted_by_head: bool | None = None
    important: bool | None = Field(None, description="重要的 / 重大: left to judgement by the text.")
    involves_departments: bool | None = Field(None, description="涉及多个部门.")
    recipient: (
        Literal[
            "party_committee",  # 市委 / 区委
            "congress",  # 人大及其常委会
            "upper_government",  # 上级政府 (省政府 / 市政府)
            "upper_government_leader",  # 上级政府领导同志 (e.g. reporting on matters they assigned)
            "upper_government_department",  # 上级政府有关部门
            "other_government",  # 其他政府
            "lower_level",  # 下级政府、部门
            "government",  # 本级政府 (a department or township writing to the 区政府/市政府)
        ]
        | None
    ) = Field(None, description="To whom the document goes.")
    department_matter: bool | None = Field(
        None, description="属部门职权范围内事务: the department could issue it itself."
    )
    restates_law: bool | None = Field(None, description="法律、行政法规已作出明确规定的事项.")
    lacks_substance: bool | None = Field(None, description="没有实质内容、可发可不发.")
    minutes_of: (
        Literal[
            "plenary", "executive", "head_office", "topical", "head_regular",
            "special_coordination", "district_wide", "study", "party_group",
        ]
        | None
    ) = Field(None, description="For meeting minutes: the meeting they record.")
    meeting_date: dt.date | None = Field(None, description="For meeting minutes: the day of the meeting they record.")
    signer_presided: bool | None = Field(
        None, description="The signer presided over the meeting recorded."
    )
    decided_at: (
        Literal[
            "plenary", "executive", "head_office", "topical", "head_regular",
            "special_coordination", "district_wide", "study", "party_group",
        ]
        | None
    ) = Field(None, description="The meeting that decided the matter the document issues.")
    subject: Role | None = Field(
        None, description="Whose case the document decides (whose trip abroad…)."
    )
    several_portfolios: bool | None = Field(None, description="涉及多位领导同志分管范围.")
    legal_matters: bool | None = Field(
        None, description="涉及部门职责协调、权益处置或其他法律事务 (e.g. in meeting minutes)."
    )
    on_behalf_of_government: bool | None = Field(
        None, description="The office's document speaks for the government (代表政府颁布政策、部署工作、回复意见)."
    )
    entrusted: bool | None = Field(
        None, description="The signer signs on entrustment (委托) by the one competent to sign."
    )
    urgent: bool | None = Field(None, description="紧急事项.")
    wide_scope: bool | None = Field(None, description="涉及面广: left to judgement by the text.")
    government_approved: bool | None = Field(
        None, description="A department's document the government (a leader) approved (报经政府同意)."
    )
    states_government_consent: bool | None = Field(
        None, description="The text states “经区政府同意” or the like."
    )
    conveys_government_decision: bool | None = Field(
        None, description="The document conveys a matter the government has decided (传达政府决策事项)."
    )


# --- 3. submitting documents -------------------------------------------------------------
class SubmitDocument(_Action):
    """A department or township submitting a document to the government (报送公文)."""

    kind: Literal["submit_document"]
    genre: Literal["request", "report", "letter", "other"]
    to_leader_personally: bool | None = None
    matters: int | None = Field(None, ge=1, description="How many matters the document raises (一文一事).")
    report_contains_request: bool | None = None
    skips_level: bool | None = None
    level_skip_approved: bool | None = None
    addressees: int | None = Field(None, ge=1)
    assigned_by_leader: bool | None = Field(None, description="领导同志交办事项.")
    classification: Literal["none", "secret", "confidential", "top_secret"] | None = Field(
        None, description="密级: secret 秘密, confidential 机密, top_secret 绝密."
    )
    emergency: bool | None = None
    foreign_affairs: bool | None = None
    signed_by: Role | None = None
    involves_other_departments: bool | None = None
    consulted: bool | None = None
    disagreements_listed: bool | None = None
    reviewed_by_office: bool | None = None
    disagreement: bool | None = Field(
        None, description="The departments concerned disagree (有分歧)."
    )
    important: bool | None = Field(None, description="重大事项 / 重要: left to judgement by the text.")
    direct_delivery_required: bool | None = Field(
        None, description="必须直接报送: the classified item must go to the leader directly."
    )
    unresolved_disagreement: bool | None = Field(
        None, description="部门之间有分歧, 协商后仍不能取得一致意见."
    )
    party_committee_draft: bool | None = Field(
        None,
        description="A draft for a party-committee meeting or a joint party-government document, mainly on "
        "government duties and drafted by a government department (拟提请区委审议或联合发文的文件稿).",
    )


# --- 4. replying to a consultation -----------------------------------------------------------
class ReplyToConsultation(_Action):
    """A department's reply to a countersign or consultation request (会签 / 征求意见).

    `date` is the day of the reply; leave `replied` false to ask what silence means by `as_of`.
    """

    kind: Literal["reply_to_consultation"]
    requested_on: dt.date
    replied: bool | None = None
    category: Literal[
        "land_planning", "project", "normative", "executive_meeting", "other"
    ] | None = None
    urgent: bool | None = None
    lead_deadline: dt.date | None = Field(
        None, description="A deadline the lead unit set (另有时限要求)."
    )
    agreed_deadline: dt.date | None = Field(
        None, description="A later deadline agreed with the lead unit."
    )


# --- 5. convening meetings -------------------------------------------------------------------
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


class ConveneMeeting(_Action):
    """Convening or presiding over a meeting. The actor is the convener."""

    kind: Literal["convene_meeting"]
    meeting: MeetingType
    presider: Role | None = None
    entrusted_by_head: bool | None = None
    members_total: int | None = Field(None, ge=0)
    members_present: int | None = Field(None, ge=0)
    topics_set_by: Party | None = None
    legal_matters: bool | None = Field(None, description="议题涉及法律事务.")
    legality_reviewed: bool | None = None
    organizer_unit: str | None = None
    same_unit_meetings_this_year: int | None = Field(
        None, ge=0, description="District-wide meetings this unit already held this year."
    )
    minutes_issued_on: dt.date | None = None
    within_budget: bool | None = None
    in_portfolio: bool | None = Field(
        None, description="The matter is in the convener's portfolio (按照分工)."
    )
    issues_documents: bool | None = Field(
        None, description="The meeting decided documents to be issued."
    )
    documents_issued_on: dt.date | None = None
    meetings_this_year: int | None = Field(
        None, ge=0, description="Meetings of this type the government already held this year."
    )
    deputies_involved: int | None = Field(None, ge=0, description="涉及几位副区长/副市长.")
    convener_ranks_first: bool | None = Field(
        None, description="The convener ranks first among the deputies involved (排名靠前)."
    )
    in_name_of: Literal["government", "government_office", "department"] | None = Field(
        None, description="In whose name the meeting is called."
    )
    department_matter: bool | None = Field(None, description="应由部门召开的会议.")
    invites_lower_government_heads: bool | None = Field(
        None, description="邀请县区政府 / 镇街负责人出席."
    )
    meetings_this_month: int | None = Field(
        None, ge=0, description="Meetings of this type already held this calendar month."
    )
    legality_review_failed: bool | None = Field(
        None, description="The legality review found the topic materials unlawful (经审核不合法)."
    )
    leader_attends: bool | None = Field(
        None, description="A government leader (政府分管领导同志) attends the meeting."
    )
    hosts_upper_meeting: bool | None = Field(
        None,
        description="A provincial or city-wide meeting held locally at a department's arrangement "
        "(在本地召开的全省全市性会议).",
    )
    needs_minutes: bool | None = Field(
        None, description="The meeting is to have minutes (需要形成会议纪要的)."
    )


# --- 6. absence from a meeting ---------------------------------------------------------------
class RequestMeetingAbsence(_Action):
    """Asking leave from a government meeting (请假)."""

    kind: Literal["request_meeting_absence"]
    meeting: MeetingType
    reason: Literal[
        "upper_meeting",  # 参加省、市以及区委重要会议及活动
        "official_trip",  # 因公出访或出差
        "emergency",  # 处置重大突发事件
        "health",  # 个人身体健康
        "other",
    ]
    asked: Party | None = None
    written: bool | None = None
    substitute: Role | None = None
    substitute_related_to_topic: bool | None = None
    brings_deputies: bool | None = None
    special_reason: bool | None = Field(None, description="特殊原因: left to judgement by the text.")


# --- 7. major decisions ----------------------------------------------------------------------
class MajorDecision(_Action):
    """A major administrative decision (重大行政决策). Procedures done are recorded as steps."""

    kind: Literal["major_decision"]
    decided_at: MeetingType | None = None
    affects_enterprises: bool | None = None
    affects_stability: bool | None = None
    affects_market: bool | None = Field(None, description="涉及市场主体经济活动 (公平竞争审查).")
    government_contract: bool | None = None
    public_interest: bool | None = Field(None, description="涉及群众切身利益.")
    involves_departments: bool | None = Field(None, description="涉及相关部门 (other departments' remit).")
    involves_lower_governments: bool | None = Field(
        None, description="涉及县区 / 镇街 (the lower-level governments concerned)."
    )
    confidential: bool | None = Field(None, description="依法需要保密 (not to be published).")


# --- 8. normative documents ------------------------------------------------------------------
class IssueNormativeDocument(_Action):
    """Making an administrative normative document (行政规范性文件)."""

    kind: Literal["issue_normative_document"]
    issuer: Literal["government", "government_office", "department", "internal_unit", "joint"]
    contains: tuple[
        Literal["licence", "penalty", "enforcement", "fee", "duty_increase", "right_reduction"], ...
    ] | None = None
    asked_government_first: bool | None = None
    with_interpretation: bool | None = None
    involves_departments: bool | None = Field(
        None, description="涉及两个以上部门职权范围的事项."
    )
    confidential: bool | None = Field(None, description="依法需要保密 (not to be published).")
    government_approved: bool | None = Field(
        None, description="A department's document issued after the government approved it."
    )
    important: bool | None = Field(None, description="重要的 / 重大: left to judgement by the text.")
    with_opinion_response_plan: bool | None = Field(
        None, description="Submitted with a plan for handling public opinion (舆情应对方案)."
    )
    public_interest: bool | None = Field(
        None, description="涉及公众权益、社会关注度高或重要涉外事项: left to judgement by the text."
    )


# --- 9. speeches ----------------------------------------------------------------------------
class PublishSpeech(_Action):
    """Publishing a speech or an article (发表讲话或文章)."""

    kind: Literal["publish_speech"]
    on_behalf_of_government: bool
    undecided_major_issue: bool | None = None
    contradicts_decision: bool | None = Field(
        None, description="与政府决定相违背的言论 (before the decision is remade)."
    )


# --- 10. greetings and inscriptions -----------------------------------------------------------
class SendGreetingOrInscription(_Action):
    """Congratulatory letters and telegrams, inscriptions, prefaces, books."""

    kind: Literal["send_greeting_or_inscription"]
    form: Literal["greeting_letter", "greeting_telegram", "inscription", "preface", "book"]
    special_need: bool | None = None
    published: bool | None = Field(None, description="公开发表.")
    for_lower_level: bool | None = Field(
        None, description="For a department's or a grassroots unit's meeting or event (为部门和基层的会议活动)."
    )


# --- 11. events ---------------------------------------------------------------------------
class AttendEvent(_Action):
    """Ceremonies, ribbon-cuttings, festivals, scenic spots, receptions, gifts and banquets."""

    kind: Literal["attend_event"]
    event: Literal[
        "ceremony",  # 庆典
        "ribbon_cutting",  # 剪彩、奠基
        "festival",  # 节会
        "forum",  # 论坛
        "scenic_spot",  # 风景名胜区
        "reception",  # 公务接待
        "banquet",  # 宴请
        "gift",  # 送礼
        "award",  # 评比表彰
        "department_meeting",  # 部门的工作会议
    ]
    public_funds: bool | None = None
    organized_by: Literal["government", "department", "enterprise", "upper_level", "other"] | None = Field(
        None, description="Who organizes the event (由部门和企事业单位组织的…); enterprise covers 企事业单位."
    )
    accepting: bool | None = Field(
        None, description="Receiving a gift or banquet offered by others (接受送礼和宴请), not giving one."
    )
    within_rules: bool | None = Field(
        None, description="按规定: the act keeps to the applicable rules (not 违反规定)."
    )
    work_need: bool | None = Field(None, description="工作需要: the visit is needed for the work.")
    own_department: bool | None = Field(
        None, description="The leader also heads the department holding the meeting (兼任部门负责同志)."
    )


# --- 12. inspections -------------------------------------------------------------------------
class ConductInspection(_Action):
    """Supervision and inspection (督查). `date` is the day the item is assigned or started."""

    kind: Literal["conduct_inspection"]
    in_name_of: Literal["government", "government_office", "department"]
    complexity: Literal["simple", "complex"] | None = None
    completed_on: dt.date | None = None
    urgent_important: bool | None = Field(
        None, description="重要紧急工作事项: its deadline is the one the inspection notice sets."
    )
    on_site: bool | None = Field(None, description="实地督查.")
    all_townships: bool | None = Field(None, description="覆盖全部镇街 (全覆盖).")
    cross_department: bool | None = Field(None, description="跨部门督查.")
    approved: bool | None = Field(None, description="The inspection was approved (经批准).")
    notice_to_townships: bool | None = Field(None, description="向镇街及其办公室下发督查通知.")
    unified_deployment: bool | None = Field(
        None, description="Deployed as a whole by the party committee and the government (统一部署要求)."
    )


# --- 13. duties to report --------------------------------------------------------------------
class ReportMatter(_Action):
    """A duty to report. `date` is the day of the event that triggers it; the report itself is a step."""

    kind: Literal["report_matter"]
    matter: Literal[
        "major_matter",  # 重大事项
        "emergency",  # 重大突发事件
        "outside_meeting",  # 参加省、市会议后
        "upper_documents",  # 上级部门文件
        "major_information",  # 重大信息
        "return_from_trip",  # 出访 / 外出返回
        "data_to_upper_departments",  # 向上级部门上报重要数据、报表、工作事项
        "task_completed",  # 交办事项办理完毕 (批示件、会议议定事项)
        "supervision_findings",  # 监督中发现的问题的整改情况
    ]
    written: bool | None = None
    to: Party | None = None
    important: bool | None = Field(None, description="重要事项 / 重大情况: left to judgement by the text.")
    on_behalf_of_government: bool | None = Field(
        None, description="A department reports or briefs on the government's behalf (代表政府汇报或通报)."
    )


# --- 14. briefings and directives ------------------------------------------------------------
class IssueBriefing(_Action):
    """Issuing a briefing (简报)."""

    kind: Literal["issue_briefing"]
    issuer: Literal["government", "government_office", "department", "internal_unit", "coordination_body"]
    briefing_kinds_held: int | None = Field(None, ge=0, description="Kinds of briefing the issuer already has.")
    lacks_substance: bool | None = Field(None, description="没有实质内容、可发可不发.")
    to_leader_personally: bool | None = Field(
        None, description="Sent straight to a leader in person (直接报送领导同志本人)."
    )


class IssueDirective(_Action):
    """A department issuing a directive document to townships (向镇街/县区发指令性公文)."""

    kind: Literal["issue_directive"]
    issuer: Literal["department", "internal_unit", "coordination_body"]
    to: Literal["townships", "departments"]
    authorized_by_government: bool | None = None
    required_by_law: bool | None = Field(None, description="法律法规明确规定: the law itself provides for it.")


# --- 15. contracts --------------------------------------------------------------------------
class SignContract(_Action):
    """Signing a contract, agreement or covenant (合同、协议、合约). `date` is the day of signing."""

    kind: Literal["sign_contract"]
    in_name_of: Literal["government", "government_office", "department"] | None = Field(
        None, description="In whose name the contract is signed (以区政府/市政府名义)."
    )
    legal_matters: bool | None = Field(None, description="涉及法律方面: the contract binds the government in law.")
    major: bool | None = Field(
        None, description="A major cooperation project, disposal of large state assets or the like (重大合作项目…)."
    )


Action = Annotated[
    LeaveJurisdiction
    | SignDocument
    | SubmitDocument
    | ReplyToConsultation
    | ConveneMeeting
    | RequestMeetingAbsence
    | MajorDecision
    | IssueNormativeDocument
    | PublishSpeech
    | SendGreetingOrInscription
    | AttendEvent
    | ConductInspection
    | ReportMatter
    | IssueBriefing
    | IssueDirective
    | SignContract,
    Field(discriminator="kind"),
]

ACTION_ADAPTER: TypeAdapter[Action] = TypeAdapter(Action)

# INVARIANT: every member of the union has a `kind` Literal with exactly one value.
ACTION_MODELS: dict[str, type[_Action]] = {
    model.model_fields["kind"].annotation.__args__[0]: model  # type: ignore[union-attr]
    for model in _Action.__subclasses__()
}

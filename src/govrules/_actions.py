"""The actions the engine judges: one pydantic model per kind, a discriminated union on `kind`.

An action is a proposed or recorded act: a kind, a jurisdiction, a date, an actor, and the facts the
rules of that kind read. A fact that an action does not give is `None`: rules that need it say so in
the decision instead of passing (see `_lang.condition`, three-valued logic).

The kind names and the enumerated values below, with the roles, parties, steps and meeting types
of the vocabulary (`_vocab`), are the public contract: rule conditions are type-checked against them
when a rulebook is loaded.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from ._vocab import MeetingType, Party, Role, StepType

# Facts that are steps: done by someone, on a day, they are given in `steps` (read by a rule's
# `require`), never as a yes/no field. These fields were removed from the models; an action or a
# condition that still names one is told which step to give instead.
STEP_FIELDS: dict[str, StepType] = {
    "entrusted_by_head": "entrustment",
    "entrusted": "entrustment",
    "approved": "approval",
    "government_approved": "approval",
    "level_skip_approved": "approval",
    "asked_government_first": "request",
    "authorized_by_government": "approval",
    "legality_reviewed": "legality_review",
    "consulted": "consultation",
    "reviewed_by_office": "review",
}


def step_field_message(name: str) -> str:
    """What to say to a caller (or a rule author) who gives a step as a yes/no field."""
    return f"`{name}` is a step: give it in `steps` as {{step: {STEP_FIELDS[name]}, party: …, date: …}}"


class _Model(BaseModel):
    # defer_build: each validator is built on its first validation, not at import (start-up): a check
    # whose actions are plain JSON (`fast_action`) or a load from the cache validates none. Safe under
    # threads from pydantic 2.14 on, whose `model_rebuild` holds a lock (pydantic#13438: before it, a
    # model built on first use by two threads at once could be validated by its parent's validator).
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


class Actor(_Model):
    """Who acts: a canonical role, and optionally the unit and the portfolio (分管) they hold."""

    role: Role = Field(
        description="The actor's role (head 区长/市长, deputy 副区长/副市长…); each rulebook gives the local titles.",
        json_schema_extra={"zh": "行为人职务（规范角色：区长、副区长、部门主要负责人等）"},
    )
    unit: str | None = Field(
        None,
        description="The actor's unit as the texts name it (区财政局, 某街道办事处, hegang: 某县区政府).",
        json_schema_extra={"zh": "行为人所在单位（部门、街道、县区政府）"},
    )
    name: str | None = Field(
        None, description="The actor's name, for the record.", json_schema_extra={"zh": "行为人姓名（备查）"}
    )
    in_charge_of: tuple[str, ...] = Field(
        (),
        description="What the actor's portfolio (分管) covers: the units or areas of work they are in charge of.",
        json_schema_extra={"zh": "行为人分管的部门或工作"},
    )


class Step(_Model):
    """A step already done (or scheduled) that a rule may require: an approval, a notice, a review…"""

    step: StepType = Field(
        description="What was done: approval 批准, notice 事前报告/通报, review 审核, legality_review 合法性审查, "
        "signature 签发, countersign 会签, filing 备案, report_back 销假…",
        json_schema_extra={"zh": "程序类型：批准、报告、审核、合法性审查、签发、会签、征求意见、备案、销假等"},
    )
    party: Party = Field(
        description="Who the step goes to or who does it: a role, or a body (government_office, portfolio_deputy…).",
        json_schema_extra={"zh": "程序的对象或办理者：批准人、报告对象、审核机关等"},
    )
    date: dt.date | None = Field(
        None,
        description="The day the step was done (or is scheduled); an undated step never counts as done.",
        json_schema_extra={"zh": "办理（或预定）日期"},
    )
    written: bool | None = Field(
        None, description="The step was done in writing (书面请示、书面报告).", json_schema_extra={"zh": "是否书面办理"}
    )
    rule: str | None = Field(
        None,
        description="For exception_grounds only: the id of the rule whose in-principle norm the grounds depart from.",
        json_schema_extra={"zh": "例外理由所针对的规则编号（仅用于 exception_grounds）"},
    )
    note: str | None = Field(
        None, description="Free text for the record (文号, summary…).", json_schema_extra={"zh": "备注（文号、摘要等）"}
    )


Jurisdiction: TypeAlias = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


UNKNOWN = "unknown"


class _Action(_Model):
    """The fields every kind has. Any optional fact may be given as `"unknown"`: the same as leaving it
    out, so a caller who does not know a value never has to guess one."""

    id: str | None = Field(
        None,
        max_length=200,
        description="The caller's id for this action.",
        json_schema_extra={"zh": "调用方为本行为所编的标识"},
    )
    jurisdiction: Jurisdiction = Field(
        description="Whose work rules apply: a rulebook's jurisdiction id (qianjin, zhanqian, qinghemen, hegang…).",
        json_schema_extra={"zh": "适用哪一级政府的工作规则（辖区标识）"},
    )
    date: dt.date = Field(
        description="The day of the act (departure, signing, meeting, reply…); the rules in force that day apply.",
        json_schema_extra={"zh": "行为日期（出发、签发、开会、答复等之日），据此确定适用的规则版本"},
    )
    as_of: dt.date | None = Field(
        None,
        description="The day the check stands; steps due before it and not done are late.",
        json_schema_extra={"zh": "核查日期：在此之前到期而未办的程序即为逾期"},
    )
    actor: Actor = Field(
        description="Who acts: their role, unit and portfolio (分管).",
        json_schema_extra={"zh": "行为人：职务、单位、分管范围"},
    )
    steps: tuple[Step, ...] = Field(
        (),
        description="The procedures done or scheduled for this act (批准、报告、审核、会签…), with party and date.",
        json_schema_extra={"zh": "已办（或预定）的程序：批准、报告、审核、会签等，各注明对象和日期"},
    )

    @model_validator(mode="before")
    @classmethod
    def _unknown_is_not_given(cls, data: Any) -> Any:
        if isinstance(data, dict) and UNKNOWN in data.values():
            fields = cls.model_fields
            return {
                k: (None if v == UNKNOWN and k in fields and not fields[k].is_required() else v)
                for k, v in data.items()
            }
        return data


# --- 1. leaving the jurisdiction -------------------------------------------------------------
class LeaveJurisdiction(_Action):
    """Leaving the district or city (离区, 离营, 离阜, 离开本市; 出国（境）)."""

    kind: Literal["leave_jurisdiction"] = Field(
        description="The kind of action: `leave_jurisdiction`.",
        json_schema_extra={"zh": "行为类型：外出（离区、离市、出国（境））"},
    )
    destination: Literal["in_province", "out_of_province", "abroad"] | None = Field(
        None,
        description="Where to: in_province 省内, out_of_province 省外, abroad 出国（境）.",
        json_schema_extra={"zh": "外出去向：省内、省外、出国（境）"},
    )
    purpose: Literal["official", "personal", "vacation", "study"] | None = Field(
        None,
        description="Why: official 因公 (出访、出差、会议), personal 因私, vacation 休假, study 外出学习.",
        json_schema_extra={"zh": "外出事由：因公、因私、休假、外出学习"},
    )
    return_date: dt.date | None = Field(
        None,
        description="The day the traveller is back (返回); follow-ups such as 销假 are counted from it.",
        json_schema_extra={"zh": "返回日期（销假、返回后报告的时限自此起算）"},
    )
    head_away: bool | None = Field(
        None,
        description="The head (区长/市长) is away at the same time.",
        json_schema_extra={"zh": "区长（市长）同时不在"},
    )
    executive_deputy_away: bool | None = Field(
        None,
        description="The executive deputy (常务副区长/常务副市长) is away at the same time.",
        json_schema_extra={"zh": "常务副区长（常务副市长）同时不在"},
    )
    ab_partner_away: bool | None = Field(
        None,
        description="The actor's AB-role partner (互为AB角的另一方) is away at the same time.",
        json_schema_extra={"zh": "互为AB角的另一方同时不在"},
    )
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
    ) = Field(
        None,
        description="What the leave request states (请假报告内容): traveller 外出人员, reason 事由, "
        "times 出发及返回时间, place 地点, contact 联系方式, acting_person 外出期间主持工作的同志, "
        "supporting_documents 外出事由的相关文件.",
        json_schema_extra={"zh": "请假报告内容：外出人员、事由、出发返回时间、地点、联系方式、代为主持工作者、附件"},
    )
    itinerary_changed: bool | None = Field(
        None, description="行程有变: the trip changed while away.", json_schema_extra={"zh": "外出期间行程有变"}
    )
    attends_upper_meeting: bool | None = Field(
        None,
        description="The trip is to attend an upper-level meeting or activity (参加上级的会议、活动).",
        json_schema_extra={"zh": "外出参加上级的会议、活动"},
    )
    leaves_city: bool | None = Field(
        None,
        description="离市 (离营, 离阜): a district official's trip also leaves the city the district belongs to.",
        json_schema_extra={"zh": "离市（离营、离阜）：区里人员外出并离开所在市"},
    )
    leads_delegation: bool | None = Field(
        None, description="率团出访: the traveller leads a delegation.", json_schema_extra={"zh": "率团出访"}
    )


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

    kind: Literal["sign_document"] = Field(
        description="The kind of action: `sign_document`.", json_schema_extra={"zh": "行为类型：签发公文"}
    )
    issuer: Issuer = Field(
        description="In whose name the document goes out: government 区/市政府, government_office 政府办公室, "
        "department 部门, joint 部门联合, township 街道/镇/乡 (hegang: 县区政府).",
        json_schema_extra={"zh": "发文机关：政府、政府办公室、部门、部门联合、街道（镇、乡）"},
    )
    doc_type: DocType = Field(
        description="The kind of document (文种): decision_order 决定、命令, normative 行政规范性文件, "
        "upward_request 请示, upward_report 报告, routine 日常公文, routine_approval 例行批准手续…",
        json_schema_extra={"zh": "文种：决定命令、规范性文件、请示、报告、议案、人事任免、出国审批、函、会议纪要等"},
    )
    in_portfolio: bool | None = Field(
        None,
        description="The matter is in the signer's portfolio (分管范围).",
        json_schema_extra={"zh": "所涉事项属签发人分管范围"},
    )
    head_away: bool | None = Field(
        None,
        description="The head (区长/市长) is away (离开本地、外出) when the document is signed.",
        json_schema_extra={"zh": "签发时区长（市长）离开本地、外出"},
    )
    important: bool | None = Field(
        None,
        description="An important document (重要文件, e.g. 事关全局): left to judgement by the text.",
        json_schema_extra={"zh": "重要公文（如事关全局），由文本留待判断"},
    )
    involves_departments: bool | None = Field(
        None,
        description="涉及多个部门: the document concerns several departments.",
        json_schema_extra={"zh": "内容涉及多个部门"},
    )
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
    ) = Field(
        None,
        description="To whom the document goes: party_committee 区委/市委, congress 人大, upper_government 上级政府, "
        "upper_government_leader 上级政府领导同志, lower_level 下级, government 本级政府…",
        json_schema_extra={"zh": "主送机关：党委、人大、上级政府（及其领导、部门）、其他政府、下级、本级政府"},
    )
    department_matter: bool | None = Field(
        None,
        description="属部门职权范围内事务: the department could issue it itself or jointly.",
        json_schema_extra={"zh": "属部门职权范围内事务，应由部门自行发文或联合发文"},
    )
    restates_law: bool | None = Field(
        None,
        description="法律、法规已作出明确规定: the document only repeats what law or a current document provides.",
        json_schema_extra={"zh": "法律法规已有明确规定或现行文件已有部署，仍拟制发"},
    )
    lacks_substance: bool | None = Field(
        None,
        description="没有实质内容、可发可不发: the document has no real content.",
        json_schema_extra={"zh": "没有实质内容、可发可不发"},
    )
    minutes_of: MeetingType | None = Field(
        None,
        description="For meeting minutes: the type of meeting they record (executive 常务会议, topical 专题会议…).",
        json_schema_extra={"zh": "会议纪要所记录的会议类型"},
    )
    meeting_date: dt.date | None = Field(
        None,
        description="For meeting minutes: the day of the meeting they record.",
        json_schema_extra={"zh": "会议纪要所记录会议的召开日期"},
    )
    signer_presided: bool | None = Field(
        None,
        description="The signer convened or presided over the meeting the minutes record (会议召集人、主持人).",
        json_schema_extra={"zh": "签发人是所记录会议的召集人或主持人"},
    )
    decided_at: MeetingType | None = Field(
        None,
        description="The meeting that decided the matter the document issues (e.g. executive: 经常务会议决定的事项).",
        json_schema_extra={"zh": "文件所涉事项经何种会议决定"},
    )
    subject: Role | None = Field(
        None,
        description="Whose case the document decides, by role (e.g. whose trip abroad: 出国审批).",
        json_schema_extra={"zh": "审批公文所涉人员的职务（如出国审批的对象）"},
    )
    several_portfolios: bool | None = Field(
        None,
        description="涉及多位领导同志分管范围: the content reaches other leaders' portfolios.",
        json_schema_extra={"zh": "内容涉及多位政府领导同志的分管范围"},
    )
    legal_matters: bool | None = Field(
        None,
        description="涉及部门职责协调、权益处置或其他法律事务 (e.g. in meeting minutes).",
        json_schema_extra={"zh": "涉及部门职责协调、权益处置或其他法律事务"},
    )
    on_behalf_of_government: bool | None = Field(
        None,
        description="The office's document speaks for the government (代表政府颁布政策、部署工作、回复意见).",
        json_schema_extra={"zh": "政府办公室代表政府颁布政策、部署工作、回复意见的公文"},
    )
    urgent: bool | None = Field(
        None, description="紧急事项: the document deals with an urgent matter.", json_schema_extra={"zh": "紧急事项"}
    )
    wide_scope: bool | None = Field(
        None,
        description="涉及面广: the document reaches widely; left to judgement by the text.",
        json_schema_extra={"zh": "涉及面广，由文本留待判断"},
    )
    states_government_consent: bool | None = Field(
        None,
        description="The text states “经区政府同意” or the like.",
        json_schema_extra={"zh": "文中注明“经区政府同意”等字样"},
    )
    conveys_government_decision: bool | None = Field(
        None,
        description="The document conveys a matter the government has decided (传达政府决策事项).",
        json_schema_extra={"zh": "是否传达政府决策事项"},
    )


# --- 3. submitting documents -------------------------------------------------------------
class SubmitDocument(_Action):
    """A department or township submitting a document to the government (报送公文)."""

    kind: Literal["submit_document"] = Field(
        description="The kind of action: `submit_document`.", json_schema_extra={"zh": "行为类型：向政府报送公文"}
    )
    genre: Literal["request", "report", "letter", "other"] = Field(
        description="The genre (文种): request 请示, report 报告, letter 函, other 其他.",
        json_schema_extra={"zh": "文种：请示、报告、函、其他"},
    )
    to_leader_personally: bool | None = Field(
        None,
        description="Sent straight to a government leader in person (直接向领导同志个人报送).",
        json_schema_extra={"zh": "直接向政府领导同志个人报送"},
    )
    matters: int | None = Field(
        None,
        ge=1,
        description="How many matters the document raises (一文一事).",
        json_schema_extra={"zh": "公文所涉事项数（一文一事）"},
    )
    report_contains_request: bool | None = Field(
        None,
        description="报告夹带请示事项: a report also asks for instructions.",
        json_schema_extra={"zh": "报告夹带请示事项"},
    )
    skips_level: bool | None = Field(
        None,
        description="越级行文: the document bypasses the level above the submitter.",
        json_schema_extra={"zh": "越级行文"},
    )
    addressees: int | None = Field(
        None,
        ge=1,
        description="How many bodies the document is addressed to; more than one is 多头报送.",
        json_schema_extra={"zh": "主送机关数（多于一个即多头报送）"},
    )
    assigned_by_leader: bool | None = Field(
        None,
        description="领导同志交办事项: a matter a government leader assigned.",
        json_schema_extra={"zh": "政府领导同志交办事项"},
    )
    classification: Literal["none", "secret", "confidential", "top_secret"] | None = Field(
        None,
        description="密级: none 非密, secret 秘密, confidential 机密, top_secret 绝密.",
        json_schema_extra={"zh": "密级：非密、秘密、机密、绝密"},
    )
    emergency: bool | None = Field(
        None,
        description="重大突发事件: the document concerns a major emergency.",
        json_schema_extra={"zh": "涉及重大突发事件"},
    )
    foreign_affairs: bool | None = Field(
        None,
        description="紧急敏感涉外事项: an urgent, sensitive foreign-affairs matter.",
        json_schema_extra={"zh": "紧急敏感涉外事项"},
    )
    signed_by: Role | None = Field(
        None,
        description="Who signed (签发) the document for the submitting unit, by role.",
        json_schema_extra={"zh": "报送单位的公文签发人职务"},
    )
    involves_other_departments: bool | None = Field(
        None,
        description="涉及其他部门职权: the matter touches other departments' remit.",
        json_schema_extra={"zh": "涉及其他部门职权"},
    )
    disagreements_listed: bool | None = Field(
        None,
        description="各方理据已列明: the parties' reasons are set out, with a proposal (提出办理建议).",
        json_schema_extra={"zh": "已列明各方理据并提出办理建议"},
    )
    disagreement: bool | None = Field(
        None, description="The departments concerned disagree (有分歧).", json_schema_extra={"zh": "部门之间有分歧"}
    )
    important: bool | None = Field(
        None,
        description="重大事项: a major matter, for the head to approve; left to judgement by the text.",
        json_schema_extra={"zh": "重大事项（报区长审批），由文本留待判断"},
    )
    direct_delivery_required: bool | None = Field(
        None,
        description="必须直接报送: the classified matter must go to the leader directly.",
        json_schema_extra={"zh": "必须直接报送领导同志的密级事项"},
    )
    unresolved_disagreement: bool | None = Field(
        None,
        description="部门之间有分歧, 协商后仍不能取得一致意见: no agreement after consultation.",
        json_schema_extra={"zh": "协商后仍不能取得一致意见"},
    )
    party_committee_draft: bool | None = Field(
        None,
        description="A draft for a party-committee meeting or a joint party-government document, "
        "mainly on government duties and drafted by a government department (拟提请区委审议或联合发文的文件稿).",
        json_schema_extra={"zh": "拟提请区委审议或联合发文、主要涉及政府职责并由政府部门牵头起草的文件稿"},
    )


# --- 4. replying to a consultation -----------------------------------------------------------
class ReplyToConsultation(_Action):
    """A department's reply to a countersign or consultation request (会签 / 征求意见).

    `date` is the day of the reply; leave `replied` false to ask what silence means by `as_of`.
    """

    kind: Literal["reply_to_consultation"] = Field(
        description="The kind of action: `reply_to_consultation`.",
        json_schema_extra={"zh": "行为类型：答复会签或征求意见"},
    )
    requested_on: dt.date = Field(
        description="The day the lead unit asked for the opinion or countersignature (征求意见 / 送会签).",
        json_schema_extra={"zh": "主办部门征求意见或送会签之日"},
    )
    replied: bool | None = Field(
        None,
        description="The department replied (已回复); false asks whether silence counts as no objection by `as_of`.",
        json_schema_extra={"zh": "已回复（未回复时，按核查日期判断是否视为无不同意见）"},
    )
    category: Literal["land_planning", "project", "normative", "executive_meeting", "other"] | None = Field(
        None,
        description="The kind of document: land_planning 土地规划类, project 项目类, normative 规范性文件, "
        "executive_meeting 拟提交常务会议研究类, other 其他.",
        json_schema_extra={"zh": "公文类别：土地规划类、项目类、规范性文件、拟提交常务会议研究类、其他"},
    )
    urgent: bool | None = Field(
        None, description="紧急: the lead unit marked the request urgent.", json_schema_extra={"zh": "紧急件"}
    )
    own_deadline_set: bool | None = Field(
        None,
        description="Whether the lead unit set a deadline of its own (主办部门另有时限要求): false, the standard "
        "deadline applies; true, give it as `lead_deadline` (giving `lead_deadline` alone says true). Not given: "
        "asked, never read as none set.",
        json_schema_extra={"zh": "主办部门是否另有时限要求（否：适用一般时限；是：以 lead_deadline 给出）"},
    )
    lead_deadline: dt.date | None = Field(
        None,
        description="The deadline the lead unit set (主办部门另有时限要求); giving it says `own_deadline_set: true`.",
        json_schema_extra={"zh": "主办部门另行要求的回复时限"},
    )
    agreed_deadline: dt.date | None = Field(
        None,
        description="A later deadline agreed with the lead unit (特殊情况商定回复时限).",
        json_schema_extra={"zh": "特殊情况下与主办部门商定的回复时限"},
    )

    @model_validator(mode="before")
    @classmethod
    def _lead_deadline_says_one_was_set(cls, data: Any) -> Any:
        """`lead_deadline` given is a deadline set: `own_deadline_set` follows, and may not say otherwise."""
        if isinstance(data, dict) and data.get("lead_deadline") not in (None, UNKNOWN):
            if data.get("own_deadline_set") is False:
                raise ValueError("`own_deadline_set: false` with a `lead_deadline`: say one or the other")
            if data.get("own_deadline_set") in (None, UNKNOWN):
                return {**data, "own_deadline_set": True}
        return data


# --- 5. convening meetings -------------------------------------------------------------------
class ConveneMeeting(_Action):
    """Convening or presiding over a meeting. The actor is the convener."""

    kind: Literal["convene_meeting"] = Field(
        description="The kind of action: `convene_meeting`.", json_schema_extra={"zh": "行为类型：召集、主持会议"}
    )
    meeting: MeetingType = Field(
        description="The type of meeting: plenary 全体会议, executive 常务会议, head_office 区长/市长办公会议, "
        "topical 专题会议, head_regular 区长工作例会, district_wide 部门召开的全区性会议…",
        json_schema_extra={"zh": "会议类型：全体会议、常务会议、区长（市长）办公会议、专题会议、工作例会、全区性会议"},
    )
    presider: Role | None = Field(
        None,
        description="Who presides (主持), by role; the actor is the convener (召集).",
        json_schema_extra={"zh": "会议主持人职务（行为人为召集人）"},
    )
    members_total: int | None = Field(
        None,
        ge=0,
        description="How many members the meeting has (组成人员总数), for the quorum.",
        json_schema_extra={"zh": "会议组成人员总数（计算法定人数）"},
    )
    members_present: int | None = Field(
        None,
        ge=0,
        description="How many members attend (出席人数); 半数以上 includes exactly half.",
        json_schema_extra={"zh": "出席的组成人员人数"},
    )
    topics_set_by: Party | None = Field(
        None, description="Who settled the topics on the agenda (议题由谁确定).", json_schema_extra={"zh": "议题确定人"}
    )
    legal_matters: bool | None = Field(
        None,
        description="议题涉及法律事务 (法规规章、规范性文件…): a topic involves legal matters.",
        json_schema_extra={"zh": "议题涉及法律事务"},
    )
    organizer_unit: str | None = Field(
        None,
        description="The unit that runs the meeting (主办部门), for district-wide meetings.",
        json_schema_extra={"zh": "会议主办单位（部门）"},
    )
    same_unit_meetings_this_year: int | None = Field(
        None,
        ge=0,
        description="District-wide meetings this unit already held this year.",
        json_schema_extra={"zh": "本单位本年已召开的全区性会议次数"},
    )
    minutes_issued_on: dt.date | None = Field(
        None,
        description="The day the minutes were issued (会议纪要印发之日).",
        json_schema_extra={"zh": "会议纪要印发日期"},
    )
    within_budget: bool | None = Field(
        None,
        description="会议经费纳入预算管理: the meeting's costs are in the budget.",
        json_schema_extra={"zh": "会议经费已纳入预算管理"},
    )
    in_portfolio: bool | None = Field(
        None,
        description="The matter is in the convener's portfolio (按照分工).",
        json_schema_extra={"zh": "所议事项属召集人分管范围（按照分工）"},
    )
    issues_documents: bool | None = Field(
        None,
        description="The meeting decided documents to be issued (讨论通过决定印发的文件).",
        json_schema_extra={"zh": "会议讨论通过决定印发文件"},
    )
    documents_issued_on: dt.date | None = Field(
        None,
        description="The day the documents the meeting decided were issued (印发之日).",
        json_schema_extra={"zh": "会议决定印发的文件的印发日期"},
    )
    meetings_this_year: int | None = Field(
        None,
        ge=0,
        description="Meetings of this type the government already held this year.",
        json_schema_extra={"zh": "本年已召开的同类会议次数"},
    )
    deputies_involved: int | None = Field(
        None,
        ge=0,
        description="涉及几位副区长/副市长: how many deputies' portfolios the matter reaches.",
        json_schema_extra={"zh": "所涉事项涉及的副区长（副市长）人数"},
    )
    convener_ranks_first: bool | None = Field(
        None,
        description="The convener ranks first among the deputies involved (排名靠前).",
        json_schema_extra={"zh": "召集人在所涉副区长（副市长）中排名靠前"},
    )
    in_name_of: Literal["government", "government_office", "department"] | None = Field(
        None,
        description="In whose name it is called: government 政府, government_office 政府办公室, department 部门.",
        json_schema_extra={"zh": "会议以谁的名义召开：政府、政府办公室、部门"},
    )
    department_matter: bool | None = Field(
        None,
        description="应由部门召开的会议: a meeting for a department to hold itself.",
        json_schema_extra={"zh": "应由部门召开的会议"},
    )
    invites_lower_government_heads: bool | None = Field(
        None,
        description="邀请县区政府 / 镇街负责人出席 (xiangshan: also the departments' principals).",
        json_schema_extra={"zh": "邀请县区政府、镇街（及各部门）负责人出席"},
    )
    meetings_this_month: int | None = Field(
        None,
        ge=0,
        description="Meetings of this type already held this calendar month.",
        json_schema_extra={"zh": "本月已召开的同类会议次数"},
    )
    legality_review_failed: bool | None = Field(
        None,
        description="The legality review found the topic materials unlawful (经审核不合法).",
        json_schema_extra={"zh": "经合法性审核认定议题材料不合法"},
    )
    leader_attends: bool | None = Field(
        None,
        description="A government leader (政府分管领导同志) attends the meeting.",
        json_schema_extra={"zh": "政府（分管）领导同志出席会议"},
    )
    hosts_upper_meeting: bool | None = Field(
        None,
        description="A provincial or city-wide meeting a department arranges locally (在本地召开全省全市性会议).",
        json_schema_extra={"zh": "部门安排在本地召开全省、全市性会议"},
    )
    needs_minutes: bool | None = Field(
        None,
        description="The meeting is to have minutes (需要形成会议纪要的).",
        json_schema_extra={"zh": "是否需要形成会议纪要"},
    )


# --- 6. absence from a meeting ---------------------------------------------------------------
class RequestMeetingAbsence(_Action):
    """Asking leave from a government meeting (请假)."""

    kind: Literal["request_meeting_absence"] = Field(
        description="The kind of action: `request_meeting_absence`.",
        json_schema_extra={"zh": "行为类型：不能出席政府会议而请假"},
    )
    meeting: MeetingType = Field(
        description="The meeting to be missed (plenary 全体会议, executive 常务会议…).",
        json_schema_extra={"zh": "拟请假不出席的会议类型"},
    )
    reason: Literal[
        "upper_meeting",  # 参加省、市以及区委重要会议及活动
        "official_trip",  # 因公出访或出差
        "emergency",  # 处置重大突发事件
        "health",  # 个人身体健康
        "other",
    ] = Field(
        description="Why: upper_meeting 参加上级或区委重要会议活动, official_trip 因公出访或出差, "
        "emergency 处置重大突发事件, health 个人身体健康, other 其他.",
        json_schema_extra={"zh": "请假事由：参加上级重要会议活动、因公出访出差、处置重大突发事件、身体健康、其他"},
    )
    asked: Party | None = Field(
        None, description="Whom the leave was asked of (向谁请假).", json_schema_extra={"zh": "请假对象"}
    )
    written: bool | None = Field(
        None, description="The leave was asked in writing (书面请假).", json_schema_extra={"zh": "书面请假"}
    )
    substitute: Role | None = Field(
        None,
        description="Who attends in the actor's place (代会 / 替会), by role.",
        json_schema_extra={"zh": "代为出席人员的职务"},
    )
    substitute_related_to_topic: bool | None = Field(
        None,
        description="The substitute is related to the topics (与议题相关).",
        json_schema_extra={"zh": "代会人员与议题相关"},
    )
    brings_deputies: bool | None = Field(
        None,
        description="The unit's leader brings deputies or other staff along (带副职或其他工作人员).",
        json_schema_extra={"zh": "参会负责人带副职或其他工作人员"},
    )
    special_reason: bool | None = Field(
        None,
        description="特殊原因: a special reason excuses the absence; left to judgement by the text.",
        json_schema_extra={"zh": "有特殊原因，由文本留待判断"},
    )
    sends_substitute: bool | None = Field(
        None,
        description="Someone else attends in the absent member's place (由他人代替出席会议).",
        json_schema_extra={"zh": "是否由他人代替出席会议"},
    )


# --- 7. major decisions ----------------------------------------------------------------------
class MajorDecision(_Action):
    """A major administrative decision (重大行政决策). Procedures done are recorded as steps."""

    kind: Literal["major_decision"] = Field(
        description="The kind of action: `major_decision`.", json_schema_extra={"zh": "行为类型：重大行政决策"}
    )
    decided_at: MeetingType | None = Field(
        None,
        description="The meeting that decided it: plenary 全体会议, executive 常务会议…",
        json_schema_extra={"zh": "决策经何种会议讨论决定"},
    )
    affects_enterprises: bool | None = Field(
        None,
        description="与企业生产经营活动密切相关: closely bears on enterprises (听取企业意见).",
        json_schema_extra={"zh": "与企业生产经营活动密切相关"},
    )
    affects_stability: bool | None = Field(
        None,
        description="容易引发社会稳定问题: liable to cause social-stability problems.",
        json_schema_extra={"zh": "容易引发社会稳定问题"},
    )
    affects_market: bool | None = Field(
        None,
        description="涉及市场主体经济活动: bears on market actors' economic activity (公平竞争审查).",
        json_schema_extra={"zh": "涉及市场主体经济活动"},
    )
    government_contract: bool | None = Field(
        None,
        description="The decision is a contract or agreement in the government's name (以政府名义签订合同、协议).",
        json_schema_extra={"zh": "以政府名义签订合同、协议"},
    )
    public_interest: bool | None = Field(
        None,
        description="涉及重大公共利益和公众权益 / 群众切身利益: bears on major public interests.",
        json_schema_extra={"zh": "涉及重大公共利益、公众权益或群众切身利益"},
    )
    involves_departments: bool | None = Field(
        None,
        description="涉及相关部门: touches other departments' remit (to be consulted).",
        json_schema_extra={"zh": "涉及相关部门（应充分协商）"},
    )
    involves_lower_governments: bool | None = Field(
        None,
        description="涉及县区 / 镇街: concerns the lower-level governments (to be consulted first).",
        json_schema_extra={"zh": "涉及县区、镇街（应事先征求意见）"},
    )
    confidential: bool | None = Field(
        None, description="依法需要保密: not to be published.", json_schema_extra={"zh": "依法需要保密（不予公布）"}
    )


# --- 8. normative documents ------------------------------------------------------------------
class IssueNormativeDocument(_Action):
    """Making an administrative normative document (行政规范性文件)."""

    kind: Literal["issue_normative_document"] = Field(
        description="The kind of action: `issue_normative_document`.",
        json_schema_extra={"zh": "行为类型：制发行政规范性文件"},
    )
    issuer: Literal["government", "government_office", "department", "internal_unit", "joint"] = Field(
        description="Who makes it: government 政府, government_office 政府办公室, department 部门, "
        "internal_unit 部门内设机构, joint 部门联合.",
        json_schema_extra={"zh": "制发机关：政府、政府办公室、部门、部门内设机构、部门联合"},
    )
    contains: (
        tuple[Literal["licence", "penalty", "enforcement", "fee", "duty_increase", "right_reduction"], ...] | None
    ) = Field(
        None,
        description="What it sets: licence 行政许可, penalty 行政处罚, enforcement 行政强制, fee 收费, "
        "duty_increase 增加义务, right_reduction 减损权益.",
        json_schema_extra={"zh": "文件设定的事项：行政许可、行政处罚、行政强制、收费、增加义务、减损权益"},
    )
    with_interpretation: bool | None = Field(
        None,
        description="Policy interpretation materials (政策解读材料) go with the document.",
        json_schema_extra={"zh": "一并报送、同步发布政策解读材料"},
    )
    involves_departments: bool | None = Field(
        None,
        description="涉及两个以上部门职权范围: the matter lies in the remit of two or more departments.",
        json_schema_extra={"zh": "涉及两个以上部门职权范围的事项"},
    )
    confidential: bool | None = Field(
        None, description="依法需要保密: not to be published.", json_schema_extra={"zh": "依法需要保密（不予公布）"}
    )
    important: bool | None = Field(
        None,
        description="重要 / 可能产生较大影响: an important document, likely to have wide effects; left to judgement.",
        json_schema_extra={"zh": "重要文件（出台后可能产生较大影响），由文本留待判断"},
    )
    with_opinion_response_plan: bool | None = Field(
        None,
        description="Submitted with a plan for handling public opinion (舆情应对方案).",
        json_schema_extra={"zh": "同时报送舆情应对方案"},
    )
    public_interest: bool | None = Field(
        None,
        description="涉及公众权益、社会关注度高或重要涉外事项: a matter of public concern; "
        "left to judgement by the text.",
        json_schema_extra={"zh": "涉及公众权益、社会关注度高或重要涉外事项，由文本留待判断"},
    )


# --- 9. speeches ----------------------------------------------------------------------------
class PublishSpeech(_Action):
    """Publishing a speech or an article (发表讲话或文章)."""

    kind: Literal["publish_speech"] = Field(
        description="The kind of action: `publish_speech`.", json_schema_extra={"zh": "行为类型：发表讲话或文章"}
    )
    on_behalf_of_government: bool = Field(
        description="The speech or article speaks for the government (代表政府发表), not in a personal capacity.",
        json_schema_extra={"zh": "代表政府发表（而非个人发表）"},
    )
    undecided_major_issue: bool | None = Field(
        None,
        description="涉及未经政府研究决定的重大问题: it touches major issues the government has not decided yet.",
        json_schema_extra={"zh": "涉及未经政府研究决定的重大问题及事项"},
    )
    contradicts_decision: bool | None = Field(
        None,
        description="与政府决定相违背: it contradicts a government decision that has not been remade.",
        json_schema_extra={"zh": "有与政府决定相违背的言论（在重新作出决定前）"},
    )


# --- 10. greetings and inscriptions -----------------------------------------------------------
class SendGreetingOrInscription(_Action):
    """Congratulatory letters and telegrams, inscriptions, prefaces, books."""

    kind: Literal["send_greeting_or_inscription"] = Field(
        description="The kind of action: `send_greeting_or_inscription`.",
        json_schema_extra={"zh": "行为类型：发贺信贺电、题词题字、作序、出书"},
    )
    form: Literal["greeting_letter", "greeting_telegram", "inscription", "preface", "book"] = Field(
        description="greeting_letter 贺信, greeting_telegram 贺电, inscription 题词、题字, preface 作序, book 出书.",
        json_schema_extra={"zh": "形式：贺信、贺电、题词题字、作序、出书"},
    )
    special_need: bool | None = Field(
        None, description="因特殊需要: a special need justifies it.", json_schema_extra={"zh": "因特殊需要"}
    )
    published: bool | None = Field(None, description="公开发表: it is published.", json_schema_extra={"zh": "公开发表"})
    for_lower_level: bool | None = Field(
        None,
        description="For a department's or a grassroots unit's meeting or event (为部门和基层的会议活动).",
        json_schema_extra={"zh": "为部门和基层的会议活动"},
    )


# --- 11. events ---------------------------------------------------------------------------
class AttendEvent(_Action):
    """Ceremonies, ribbon-cuttings, festivals, scenic spots, receptions, gifts and banquets."""

    kind: Literal["attend_event"] = Field(
        description="The kind of action: `attend_event`.",
        json_schema_extra={"zh": "行为类型：出席庆典等活动、公务接待、送礼宴请"},
    )
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
    ] = Field(
        description="What kind: ceremony 庆典, ribbon_cutting 剪彩、奠基, festival 节会, forum 论坛, "
        "scenic_spot 到风景名胜区, reception 公务接待, banquet 宴请, gift 送礼, award 评比表彰, "
        "department_meeting 部门工作会议.",
        json_schema_extra={"zh": "活动：庆典、剪彩奠基、节会、论坛、风景名胜区、接待、宴请、送礼、评比表彰、部门会议"},
    )
    public_funds: bool | None = Field(
        None, description="Paid with public funds (用公款).", json_schema_extra={"zh": "使用公款"}
    )
    organized_by: Literal["government", "department", "enterprise", "upper_level", "other"] | None = Field(
        None,
        description="Who organizes it: government 政府, department 部门, enterprise 企事业单位, upper_level 上级…",
        json_schema_extra={"zh": "活动组织者：政府、部门、企事业单位、上级、其他"},
    )
    accepting: bool | None = Field(
        None,
        description="Receiving a gift or banquet offered by others (接受送礼和宴请), not giving one.",
        json_schema_extra={"zh": "接受他人送礼、宴请（而非送出）"},
    )
    within_rules: bool | None = Field(
        None,
        description="按规定: the act keeps to the applicable rules (not 违反规定).",
        json_schema_extra={"zh": "符合规定（未违反规定）"},
    )
    work_need: bool | None = Field(
        None, description="工作需要: the visit is needed for the work.", json_schema_extra={"zh": "工作需要"}
    )
    own_department: bool | None = Field(
        None,
        description="The leader also heads the department holding the meeting (兼任部门负责同志).",
        json_schema_extra={"zh": "领导同志兼任该部门负责同志，参加本部门会议"},
    )


# --- 12. inspections -------------------------------------------------------------------------
class ConductInspection(_Action):
    """Supervision and inspection (督查). `date` is the day the item is assigned or started."""

    kind: Literal["conduct_inspection"] = Field(
        description="The kind of action: `conduct_inspection`.", json_schema_extra={"zh": "行为类型：开展督查"}
    )
    in_name_of: Literal["government", "government_office", "department"] = Field(
        description="In whose name it is done: government 政府, government_office 政府办公室, department 部门.",
        json_schema_extra={"zh": "以谁的名义督查：政府、政府办公室、部门"},
    )
    complexity: Literal["simple", "complex"] | None = Field(
        None,
        description="simple 一般事项 (7天之内办结) or complex 复杂事项 (1个月内有结果).",
        json_schema_extra={"zh": "事项繁简：一般事项（7天内办结）、复杂事项（1个月内有结果）"},
    )
    completed_on: dt.date | None = Field(
        None, description="The day the item was finished (办结).", json_schema_extra={"zh": "办结日期"}
    )
    urgent_important: bool | None = Field(
        None,
        description="重要紧急工作事项: its deadline is the one the inspection notice sets.",
        json_schema_extra={"zh": "重要紧急工作事项（时限以督查通知为准）"},
    )
    on_site: bool | None = Field(
        None, description="实地督查: the inspection is on site.", json_schema_extra={"zh": "实地督查"}
    )
    all_townships: bool | None = Field(
        None,
        description="覆盖全部镇街 (全覆盖): it covers every township.",
        json_schema_extra={"zh": "覆盖各镇街（全覆盖）"},
    )
    cross_department: bool | None = Field(
        None, description="跨部门督查: it covers other departments.", json_schema_extra={"zh": "跨部门督查"}
    )
    notice_to_townships: bool | None = Field(
        None,
        description="Sends an inspection notice to the townships and their offices (向镇街下发督查通知).",
        json_schema_extra={"zh": "向各镇街及其办公室下发督查通知"},
    )
    unified_deployment: bool | None = Field(
        None,
        description="Deployed as a whole by the party committee and the government (统一部署要求).",
        json_schema_extra={"zh": "区委、区政府统一部署要求"},
    )


# --- 13. duties to report --------------------------------------------------------------------
class ReportMatter(_Action):
    """A duty to report. `date` is the day of the event that triggers it; the report itself is a step."""

    kind: Literal["report_matter"] = Field(
        description="The kind of action: `report_matter`.", json_schema_extra={"zh": "行为类型：报告事项"}
    )
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
    ] = Field(
        description="What is reported: major_matter 重大事项, emergency 重大突发事件, outside_meeting 参加省市会议后, "
        "upper_documents 上级部门文件, major_information 重大信息, task_completed 交办事项办结…",
        json_schema_extra={"zh": "报告事项：重大事项、突发事件、参加上级会议、上级文件、重大信息、交办事项等"},
    )
    written: bool | None = Field(
        None, description="The report is made in writing (书面报告).", json_schema_extra={"zh": "书面报告"}
    )
    to: Party | None = Field(
        None, description="To whom the report goes (报告对象).", json_schema_extra={"zh": "报告对象"}
    )
    important: bool | None = Field(
        None,
        description="重要事项 / 重大情况: left to judgement by the text.",
        json_schema_extra={"zh": "重要事项、重大情况，由文本留待判断"},
    )
    on_behalf_of_government: bool | None = Field(
        None,
        description="A department reports or briefs on the government's behalf (代表政府汇报或通报).",
        json_schema_extra={"zh": "是否代表政府汇报或通报"},
    )


# --- 14. briefings and directives ------------------------------------------------------------
class IssueBriefing(_Action):
    """Issuing a briefing (简报)."""

    kind: Literal["issue_briefing"] = Field(
        description="The kind of action: `issue_briefing`.", json_schema_extra={"zh": "行为类型：编发简报"}
    )
    issuer: Literal["government", "government_office", "department", "internal_unit", "coordination_body"] = Field(
        description="Who issues it: government 政府, government_office 政府办公室, department 部门, "
        "internal_unit 内设机构（下属单位）, coordination_body 议事协调机构.",
        json_schema_extra={"zh": "编发单位：政府、政府办公室、部门、部门内设机构（下属单位）、议事协调机构"},
    )
    briefing_kinds_held: int | None = Field(
        None,
        ge=0,
        description="Kinds of briefing the issuer already sends the government.",
        json_schema_extra={"zh": "本单位已向政府报送的简报种类数"},
    )
    lacks_substance: bool | None = Field(
        None,
        description="没有实质内容、可发可不发: the briefing has no real content.",
        json_schema_extra={"zh": "没有实质内容、可发可不发"},
    )
    to_leader_personally: bool | None = Field(
        None,
        description="Sent straight to a leader in person (直接报送领导同志本人).",
        json_schema_extra={"zh": "直接报送领导同志本人"},
    )
    new_kind: bool | None = Field(
        None,
        description="The briefing starts a further kind of briefing (新创办一种简报), not another issue of one the "
        "issuer has.",
        json_schema_extra={"zh": "是否新创办一种简报（而非已有简报的又一期）"},
    )


class IssueDirective(_Action):
    """A department issuing a directive document to townships (向镇街/县区发指令性公文)."""

    kind: Literal["issue_directive"] = Field(
        description="The kind of action: `issue_directive`.", json_schema_extra={"zh": "行为类型：发布指令性公文"}
    )
    issuer: Literal["department", "internal_unit", "coordination_body"] = Field(
        description="Who issues it: department 部门, internal_unit 内设机构, coordination_body 议事协调机构.",
        json_schema_extra={"zh": "发文单位：部门、部门内设机构、议事协调机构"},
    )
    to: Literal["townships", "departments"] = Field(
        description="To whom: townships 镇街 (街道、乡镇; hegang: 县区), departments 部门.",
        json_schema_extra={"zh": "发往：镇街（县区）或部门"},
    )
    required_by_law: bool | None = Field(
        None,
        description="法律法规明确规定: the law itself provides for it.",
        json_schema_extra={"zh": "法律法规明确规定"},
    )


# --- 15. contracts --------------------------------------------------------------------------
class SignContract(_Action):
    """Signing a contract, agreement or covenant (合同、协议、合约). `date` is the day of signing."""

    kind: Literal["sign_contract"] = Field(
        description="The kind of action: `sign_contract`.", json_schema_extra={"zh": "行为类型：签订合同、协议"}
    )
    in_name_of: Literal["government", "government_office", "department"] | None = Field(
        None,
        description="In whose name it is signed: government 以政府名义, government_office 政府办公室, department 部门.",
        json_schema_extra={"zh": "以谁的名义签订：政府、政府办公室、部门"},
    )
    legal_matters: bool | None = Field(
        None,
        description="涉及法律方面: a government act with legal effect (合约、合同、协议等涉及法律方面的政府行为).",
        json_schema_extra={"zh": "涉及法律方面的政府行为"},
    )
    major: bool | None = Field(
        None,
        description="重大合作项目 (含招商引资), 大宗国有资产处置 or the like.",
        json_schema_extra={"zh": "重大合作项目（含招商引资项目）、大宗国有资产处置等"},
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

_adapter: TypeAdapter[Action] | None = None
_adapter_lock = threading.Lock()


def action_adapter() -> TypeAdapter[Action]:
    """The validator of any action (the union by `kind`): built on first use, once, under a lock.
    Building it builds every action model's validator, which a check of plain JSON never needs."""
    global _adapter
    if _adapter is None:
        with _adapter_lock:
            if _adapter is None:
                _adapter = TypeAdapter(Action)
    return _adapter


if TYPE_CHECKING:
    ACTION_ADAPTER: TypeAdapter[Action]  # `action_adapter()`, by its old name
else:

    def __getattr__(name: str) -> Any:
        if name == "ACTION_ADAPTER":
            return action_adapter()
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# INVARIANT: every member of the union has a `kind` Literal with exactly one value.
ACTION_MODELS: dict[str, type[_Action]] = {
    model.model_fields["kind"].annotation.__args__[0]: model  # type: ignore[union-attr]
    for model in _Action.__subclasses__()
}

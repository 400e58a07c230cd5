"""The events of a government's records, as `govrules audit` reads them: one model per type, a
discriminated union on `type`. Every event has an id, a jurisdiction, a date and an actor; an event
that answers or follows another names it in `ref` (minutes → the meeting, a reply → the request)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from .._actions import Actor, Jurisdiction, _Model
from .._vocab import MeetingType


class _Event(_Model):
    id: str = Field(min_length=1, max_length=200)
    jurisdiction: Jurisdiction
    date: dt.date
    actor: Actor
    note: str | None = None


class _Answer(_Event):
    ref: str = Field(min_length=1, max_length=200, description="The id of the event this answers.")


class MeetingHeld(_Event):
    """A meeting held. District-wide meetings name the department that ran them."""

    type: Literal["meeting_held"]
    meeting: MeetingType
    organizer_unit: str | None = None
    members_present: int | None = Field(None, ge=0)
    members_total: int | None = Field(None, ge=0)
    needs_minutes: bool | None = Field(None, description="The meeting is to have minutes (需要形成会议纪要的).")
    decided_documents: bool | None = Field(
        None, description="The meeting decided documents to be issued (讨论通过决定印发的文件)."
    )
    documents: int | None = Field(
        None, ge=1, le=1000, description="How many documents it decided to issue (one meeting, several documents)."
    )
    legal_matters: bool | None = Field(None, description="Its topics raised legal matters (涉及法律事务).")
    decisions_to_publish: bool | None = Field(
        None, description="It decided matters to be made public (讨论决定的事项, 除依法需要保密的外)."
    )
    ref: str | None = Field(
        None, max_length=200, description="The request to hold it, for a meeting held on request (报送请示)."
    )


class MinutesIssued(_Answer):
    """Minutes of a meeting (`ref`) issued."""

    type: Literal["minutes_issued"]


class DecidedDocumentSent(_Answer):
    """A document decided at a meeting (`ref`) sent to the government office."""

    type: Literal["decided_document_sent"]


class DecidedDocumentIssued(_Answer):
    """A document decided at a meeting (`ref`) issued."""

    type: Literal["decided_document_issued"]


class LeaveRequested(_Event):
    """A request to leave the jurisdiction filed (请假)."""

    type: Literal["leave_requested"]
    departure: dt.date | None = None
    destination: Literal["in_province", "out_of_province", "abroad"] | None = None


class Departed(_Answer):
    """A departure under a leave request (`ref`)."""

    type: Literal["departed"]


class Returned(_Answer):
    """A return from a departure under a leave request (`ref`)."""

    type: Literal["returned"]
    upper_meeting: bool | None = Field(
        None, description="The trip was to a meeting or activity of the upper level (参加上级的会议、活动)."
    )
    delegation: bool | None = Field(None, description="The trip was an official visit heading a delegation (率团出访).")


class LeaveClosed(_Answer):
    """Leave closed after a return (`ref`: the `returned` event) (销假), or, `written`, the written report
    after the return from an upper-level meeting (返回后要形成书面报告)."""

    type: Literal["leave_closed"]
    written: bool | None = None


class CountersignRequested(_Event):
    """A countersign or consultation request sent to a department (会签 / 征求意见)."""

    type: Literal["countersign_requested"]
    category: Literal["land_planning", "project", "normative", "executive_meeting", "other"] = "other"
    to_unit: str | None = None
    own_deadline: dt.date | None = Field(
        None, description="A reply deadline the requesting department set itself (除主办部门另有时限要求外)."
    )


class CountersignReplied(_Answer):
    """A reply to a countersign request (`ref`)."""

    type: Literal["countersign_replied"]


class DocumentSubmitted(_Event):
    """A document submitted to the government."""

    type: Literal["document_submitted"]
    genre: Literal["request", "report", "letter", "other"] = "other"


class DocumentSigned(_Answer):
    """A submitted document (`ref`) signed."""

    type: Literal["document_signed"]


class InspectionAssigned(_Event):
    """An inspection item (督办事项) assigned."""

    type: Literal["inspection_assigned"]
    complexity: Literal["simple", "complex"]


class InspectionCompleted(_Answer):
    """An inspection item (`ref`) completed."""

    type: Literal["inspection_completed"]


class OutsideMeetingAttended(_Event):
    """Attendance at a provincial or city meeting (全省全市性会议, 省政府专题会议)."""

    type: Literal["outside_meeting_attended"]
    level: Literal["provincial", "city"]


class OutsideMeetingReported(_Answer):
    """The written report after an outside meeting (`ref`)."""

    type: Literal["outside_meeting_reported"]
    written: bool | None = None


class TripReported(_Answer):
    """The report on an official visit (出访报告, 出访工作总结报告) after the return (`ref`: the `returned` event)."""

    type: Literal["trip_reported"]


class LegalityOpinionGiven(_Answer):
    """The justice bureau's legality opinion on a meeting (`ref`) or its draft minutes (合法性审核意见)."""

    type: Literal["legality_opinion_given"]


class UpperDocumentReceived(_Event):
    """A document received from the upper-level counterpart department (上级对口部门的公文)."""

    type: Literal["upper_document_received"]
    urgent: bool | None = Field(
        None,
        description="It concerns key work or matters to be carried out promptly (重点工作或需要抓紧落实的重要事项).",
    )


class UpperDocumentForwarded(_Answer):
    """An upper-level document (`ref`) forwarded to the government (转报区政府)."""

    type: Literal["upper_document_forwarded"]


class PlanMade(_Event):
    """A yearly plan made: of meetings (年度会议计划) or of inspections (督促检查考核年度计划)."""

    type: Literal["plan_made"]
    plan: Literal["meetings", "inspection"]
    for_year: int | None = Field(None, ge=1949, le=2200)


class NormativeDocumentIssued(_Event):
    """An administrative normative document issued (行政规范性文件印发)."""

    type: Literal["normative_document_issued"]
    issuer: Literal["government", "government_office", "department"]


class NormativeDocumentFiled(_Answer):
    """A normative document (`ref`) filed for the record (备案)."""

    type: Literal["normative_document_filed"]


class DecisionsPublished(_Answer):
    """The matters a meeting (`ref`) decided made public (公布)."""

    type: Literal["decisions_published"]


Event = Annotated[
    MeetingHeld
    | MinutesIssued
    | DecidedDocumentSent
    | DecidedDocumentIssued
    | LeaveRequested
    | Departed
    | Returned
    | LeaveClosed
    | CountersignRequested
    | CountersignReplied
    | DocumentSubmitted
    | DocumentSigned
    | InspectionAssigned
    | InspectionCompleted
    | OutsideMeetingAttended
    | OutsideMeetingReported
    | TripReported
    | LegalityOpinionGiven
    | UpperDocumentReceived
    | UpperDocumentForwarded
    | PlanMade
    | NormativeDocumentIssued
    | NormativeDocumentFiled
    | DecisionsPublished,
    Field(discriminator="type"),
]

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


def _models(cls: type[_Event]) -> list[type[_Event]]:
    return [m for sub in cls.__subclasses__() for m in (sub, *_models(sub))]


# INVARIANT: every concrete event model has a `type` Literal with exactly one value.
EVENT_MODELS: dict[str, type[_Event]] = {
    m.model_fields["type"].annotation.__args__[0]: m  # type: ignore[union-attr]
    for m in _models(_Event)
    if "type" in m.model_fields
}

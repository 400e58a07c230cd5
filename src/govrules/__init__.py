"""govrules: the work rules of Chinese local governments as a YAML rulebook, and an engine that
judges proposed actions against it, citing the article each answer rests on.

    >>> import govrules
    >>> engine = govrules.load()
    >>> decision = engine.evaluate({"kind": "leave_jurisdiction", "jurisdiction": "qinghemen",
    ...                             "date": "2026-03-09", "actor": {"role": "deputy"}})
    >>> decision.verdict in ("allowed", "conditional", "denied")
    True
"""

from ._actions import (
    Action,
    Actor,
    AttendEvent,
    ConductInspection,
    ConveneMeeting,
    IssueBriefing,
    IssueDirective,
    IssueNormativeDocument,
    LeaveJurisdiction,
    MajorDecision,
    PublishSpeech,
    ReplyToConsultation,
    ReportMatter,
    RequestMeetingAbsence,
    SendGreetingOrInscription,
    SignContract,
    SignDocument,
    Step,
    SubmitDocument,
)
from ._audit import AuditFinding, AuditReport, LogProblem, audit, audit_file
from ._calendar import WorkCalendar
from ._decision import Assumption, Decision, FactUse, Finding, Obligation, TraceEntry
from ._engine import Engine, load, parse_action
from ._errors import ActionError, Diagnostic, GovrulesError, RulebookError
from ._events import Event

__all__ = [
    "Action",
    "ActionError",
    "Assumption",
    "Actor",
    "AttendEvent",
    "AuditFinding",
    "AuditReport",
    "ConductInspection",
    "ConveneMeeting",
    "Decision",
    "Diagnostic",
    "Engine",
    "Event",
    "FactUse",
    "Finding",
    "GovrulesError",
    "IssueBriefing",
    "IssueDirective",
    "IssueNormativeDocument",
    "LeaveJurisdiction",
    "LogProblem",
    "MajorDecision",
    "Obligation",
    "PublishSpeech",
    "ReplyToConsultation",
    "ReportMatter",
    "RequestMeetingAbsence",
    "RulebookError",
    "SendGreetingOrInscription",
    "SignContract",
    "SignDocument",
    "Step",
    "SubmitDocument",
    "TraceEntry",
    "WorkCalendar",
    "audit",
    "audit_file",
    "load",
    "parse_action",
]

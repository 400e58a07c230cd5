"""govrules: the work rules of Chinese local governments as a YAML rulebook, and an engine that
judges proposed actions against it, citing the article each answer rests on.

    >>> import govrules
    >>> engine = govrules.load()
    >>> decision = engine.evaluate({"kind": "leave_jurisdiction", "jurisdiction": "qinghemen",
    ...                             "date": "2026-03-09", "actor": {"role": "deputy"}})
    >>> decision.verdict in ("allowed", "conditional", "denied")
    True
"""

# The public names are loaded on first use (PEP 562), so that `import govrules._cli` (and so
# `govrules --help`) does not import the engine, the models or the holiday data. Type checkers
# and IDEs see the imports below; at run time `__getattr__` does them.

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from ._audit.api import (
        audit,
        audit_date,
        audit_file,
        audit_records,
    )
    from ._audit.events import (
        CountersignReplied,
        CountersignRequested,
        DecidedDocumentIssued,
        DecidedDocumentSent,
        DecisionsPublished,
        Departed,
        DocumentSigned,
        DocumentSubmitted,
        Event,
        InspectionAssigned,
        InspectionCompleted,
        LeaveClosed,
        LeaveRequested,
        LegalityOpinionGiven,
        MeetingHeld,
        MinutesIssued,
        NormativeDocumentFiled,
        NormativeDocumentIssued,
        OutsideMeetingAttended,
        OutsideMeetingReported,
        PlanMade,
        Returned,
        TripReported,
        UpperDocumentForwarded,
        UpperDocumentReceived,
    )
    from ._audit.report import (
        AuditFinding,
        AuditPeriod,
        AuditReport,
        LogProblem,
    )
    from ._calendar import (
        WorkCalendar,
    )
    from ._decision import (
        Assumption,
        Decision,
        FactUse,
        Finding,
        Obligation,
        TraceEntry,
    )
    from ._engine import (
        Engine,
        load,
        parse_action,
    )
    from ._errors import (
        ActionError,
        Diagnostic,
        GovrulesError,
        RulebookError,
    )
    from ._explain import (
        explain,
    )
    from ._info import (
        ArticleInfo,
        AuditCheckInfo,
        RulebookVersion,
        RuleInfo,
    )
    from ._vocab import (
        Outcome,
        Verdict,
    )

    __version__: str

_MODULES: dict[str, tuple[str, ...]] = {  # where each public name is defined
    "_actions": (
        "Action",
        "Actor",
        "AttendEvent",
        "ConductInspection",
        "ConveneMeeting",
        "IssueBriefing",
        "IssueDirective",
        "IssueNormativeDocument",
        "LeaveJurisdiction",
        "MajorDecision",
        "PublishSpeech",
        "ReplyToConsultation",
        "ReportMatter",
        "RequestMeetingAbsence",
        "SendGreetingOrInscription",
        "SignContract",
        "SignDocument",
        "Step",
        "SubmitDocument",
    ),
    "_audit.api": (
        "audit",
        "audit_date",
        "audit_file",
        "audit_records",
    ),
    "_audit.events": (
        "Event",
        "CountersignReplied",
        "CountersignRequested",
        "DecidedDocumentIssued",
        "DecidedDocumentSent",
        "DecisionsPublished",
        "Departed",
        "DocumentSigned",
        "DocumentSubmitted",
        "InspectionAssigned",
        "InspectionCompleted",
        "LeaveClosed",
        "LeaveRequested",
        "LegalityOpinionGiven",
        "MeetingHeld",
        "MinutesIssued",
        "NormativeDocumentFiled",
        "NormativeDocumentIssued",
        "OutsideMeetingAttended",
        "OutsideMeetingReported",
        "PlanMade",
        "Returned",
        "TripReported",
        "UpperDocumentForwarded",
        "UpperDocumentReceived",
    ),
    "_audit.report": (
        "AuditFinding",
        "AuditPeriod",
        "AuditReport",
        "LogProblem",
    ),
    "_calendar": ("WorkCalendar",),
    "_decision": (
        "Assumption",
        "Decision",
        "FactUse",
        "Finding",
        "Obligation",
        "TraceEntry",
    ),
    "_engine": (
        "Engine",
        "load",
        "parse_action",
    ),
    "_errors": (
        "ActionError",
        "Diagnostic",
        "GovrulesError",
        "RulebookError",
    ),
    "_explain": ("explain",),
    "_info": (
        "ArticleInfo",
        "AuditCheckInfo",
        "RuleInfo",
        "RulebookVersion",
    ),
    "_vocab": (
        "Outcome",
        "Verdict",
    ),
}
# INVARIANT: every name of `_MODULES`, and only those, is in `__all__` (tests/test_exports.py).
_HOME = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [
    "Action",
    "ActionError",
    "Actor",
    "ArticleInfo",
    "Assumption",
    "AttendEvent",
    "AuditCheckInfo",
    "AuditFinding",
    "AuditPeriod",
    "AuditReport",
    "ConductInspection",
    "ConveneMeeting",
    "CountersignReplied",
    "CountersignRequested",
    "DecidedDocumentIssued",
    "DecidedDocumentSent",
    "Decision",
    "DecisionsPublished",
    "Departed",
    "Diagnostic",
    "DocumentSigned",
    "DocumentSubmitted",
    "Engine",
    "Event",
    "FactUse",
    "Finding",
    "GovrulesError",
    "InspectionAssigned",
    "InspectionCompleted",
    "IssueBriefing",
    "IssueDirective",
    "IssueNormativeDocument",
    "LeaveClosed",
    "LeaveJurisdiction",
    "LeaveRequested",
    "LegalityOpinionGiven",
    "LogProblem",
    "MajorDecision",
    "MeetingHeld",
    "MinutesIssued",
    "NormativeDocumentFiled",
    "NormativeDocumentIssued",
    "Obligation",
    "Outcome",
    "OutsideMeetingAttended",
    "OutsideMeetingReported",
    "PlanMade",
    "PublishSpeech",
    "ReplyToConsultation",
    "ReportMatter",
    "RequestMeetingAbsence",
    "Returned",
    "RuleInfo",
    "RulebookError",
    "RulebookVersion",
    "SendGreetingOrInscription",
    "SignContract",
    "SignDocument",
    "Step",
    "SubmitDocument",
    "TraceEntry",
    "TripReported",
    "UpperDocumentForwarded",
    "UpperDocumentReceived",
    "Verdict",
    "WorkCalendar",
    "__version__",
    "audit",
    "audit_date",
    "audit_file",
    "audit_records",
    "explain",
    "load",
    "parse_action",
]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("govrules")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree without metadata
        return "0+unknown"


if not TYPE_CHECKING:  # hidden from type checkers, so that a misspelt name is still an error

    def __getattr__(name: str) -> Any:
        if name == "__version__":
            value = globals()["__version__"] = _version()
            return value
        from importlib import import_module

        module = _HOME.get(name)
        if module is None:
            if name.startswith("_") and not name.startswith("__"):  # a private module, as before: govrules._audit
                try:
                    return import_module(f"govrules.{name}")
                except ModuleNotFoundError:
                    pass
            raise AttributeError(f"module 'govrules' has no attribute {name!r}")

        mod = import_module(f"govrules.{module}")
        for other in _MODULES[module]:  # all of the module's public names at once, shown as govrules'
            value = getattr(mod, other)
            if isinstance(value, type) or (callable(value) and hasattr(value, "__code__")):
                value.__module__ = "govrules"
            globals()[other] = value
        return globals()[name]


def __dir__() -> list[str]:
    return sorted({*__all__, *(n for n in globals() if n.startswith("__"))})

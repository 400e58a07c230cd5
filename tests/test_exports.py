"""The public face of govrules, pinned (httpx's tests/test_exported_members.py): the names, where
they say they live, the types public methods return, the error codes, and what a caller's type
checker sees."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import govrules
from govrules._errors import CODES

SRC = Path(govrules.__file__).resolve().parent


def _mypy_env() -> dict[str, str]:
    """A checkout (editable install) is found through MYPYPATH; an installed wheel, in site-packages
    (mypy refuses site-packages on MYPYPATH), through its py.typed."""
    return {"PATH": "", **({"MYPYPATH": str(SRC.parent)} if SRC.parent.name == "src" else {})}


EXPECTED = [
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


def test_all_is_pinned() -> None:
    assert govrules.__all__ == EXPECTED


def test_every_exported_name_resolves_and_says_it_is_govrules() -> None:
    for name in govrules.__all__:
        value = getattr(govrules, name)
        if isinstance(value, type) or (callable(value) and hasattr(value, "__code__")):
            assert value.__module__ == "govrules", name
    assert isinstance(govrules.__version__, str) and govrules.__version__
    assert set(dir(govrules)) >= set(govrules.__all__)
    assert not [n for n in dir(govrules) if not n.startswith("_") and n not in govrules.__all__]
    with pytest.raises(AttributeError):
        govrules.Enigne  # noqa: B018


def test_pickled_decisions_come_back(mini: govrules.Engine) -> None:
    import pickle

    d = mini.evaluate(
        {
            "kind": "leave_jurisdiction",
            "jurisdiction": "mini",
            "date": "2026-03-09",
            "actor": {"role": "deputy"},
            "destination": "abroad",
            "head_away": False,
        }
    )
    assert pickle.loads(pickle.dumps(d)) == d


def test_public_methods_return_public_types(engine: govrules.Engine) -> None:
    (version, *_) = engine.versions("qinghemen")
    assert type(version) is govrules.RulebookVersion
    assert version.key.startswith("qinghemen@") and version.articles[0].number == 1
    in_force = engine.version_for("qinghemen", dt.date(2026, 3, 9))
    assert type(in_force) is govrules.RulebookVersion and in_force.in_force(dt.date(2026, 3, 9))
    assert engine.version_for("qinghemen", dt.date(2026, 3, 9)) is in_force  # built once
    rules = list(engine.rules())
    assert rules and all(type(r) is govrules.RuleInfo for r in rules)
    by_id = {r.id: r for r in rules}
    for a in version.articles:
        assert all(type(r) is govrules.RuleInfo and r.article == a.number for r in a.rules)
        assert all(by_id[r.id].effect == r.effect for r in a.rules)


def test_findings_say_what_they_do(mini: govrules.Engine) -> None:
    base = {
        "kind": "leave_jurisdiction",
        "jurisdiction": "mini",
        "date": "2026-03-09",
        "actor": {"role": "deputy"},
        "destination": "in_province",
        "head_away": False,
    }
    denied = mini.evaluate({**base, "as_of": "2026-03-08"})
    assert denied.verdict == "denied" and any(f.denies and f.breaches for f in denied.findings)
    held = mini.evaluate(base)
    assert held.verdict == "conditional" and all(not f.denies for f in held.findings)
    assert {f.need for f in held.findings if f.holds_back} == set(held.conditional_on)


# --- error codes: one registry ---------------------------------------------------------------------
EMITTED = re.compile(r'"([EC][0-9]{3})"')


def test_every_emitted_error_code_is_registered_once_and_every_registered_one_is_emitted() -> None:
    emitted: set[str] = set()
    for path in SRC.rglob("*.py"):
        if path.name != "_errors.py":
            emitted |= set(EMITTED.findall(path.read_text(encoding="utf-8")))
    assert emitted - set(CODES) == set(), "register these codes in src/govrules/_errors.py"
    assert set(CODES) - emitted == set(), "registered, but no longer emitted"
    assert all(title and title == title.strip() for title in CODES.values())


def test_the_reference_page_lists_every_code() -> None:
    from govrules._reference import reference

    page = reference()
    assert all(f"| `{code}` |" in page for code in CODES)


# --- a caller's type checker ---------------------------------------------------------------------
CALLER = """
import datetime as dt

import govrules

engine: govrules.Engine = govrules.load()
decision: govrules.Decision = engine.evaluate(
    {"kind": "leave_jurisdiction", "jurisdiction": "qinghemen", "date": "2026-03-09", "actor": {"role": "deputy"}}
)
verdict: govrules.Verdict = decision.verdict
for f in decision.findings:
    outcome: govrules.Outcome = f.outcome
    blocks: bool = f.denies or f.holds_back or f.breaches
    due: dt.date | None = f.due
for o in decision.obligations:
    step: str = o.step
    parties: tuple[str, ...] = o.party
for t in decision.trace or ():
    weighed: govrules.Outcome | None = t.outcome
version: govrules.RulebookVersion = engine.version_for("qinghemen", dt.date(2026, 3, 9))
rules: list[govrules.RuleInfo] = [r for r in engine.rules() if r.jurisdiction == version.jurisdiction]
articles: tuple[govrules.ArticleInfo, ...] = version.articles
text: str = govrules.explain(engine, {"kind": "leave_jurisdiction", "jurisdiction": "qinghemen",
                                     "date": "2026-03-09", "actor": {"role": "deputy"}})
grounds = govrules.Obligation(rule="qinghemen.x", article=1, step="exception_grounds")
print(govrules.__version__, len(rules), len(articles), text[:10], grounds.due)
"""
MISTAKES = """
import govrules

govrules.Enigne
n: int = govrules.load().evaluate({}).verdict
"""


@pytest.mark.parametrize("plugin", [False, True], ids=["plain mypy", "pydantic plugin"])
def test_a_callers_script_type_checks_strictly(tmp_path: Path, plugin: bool) -> None:
    pytest.importorskip("mypy")
    (tmp_path / "caller.py").write_text(CALLER, encoding="utf-8")
    (tmp_path / "mistakes.py").write_text(MISTAKES, encoding="utf-8")
    config = tmp_path / "mypy.ini"
    config.write_text(
        textwrap.dedent(f"""\
        [mypy]
        strict = True
        {"plugins = pydantic.mypy" if plugin else ""}
        [mypy-govrules.*]
        ignore_errors = True
        """),
        encoding="utf-8",
    )  # as for an installed package: the caller's errors only
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(config),
            "--cache-dir",
            str(tmp_path / "cache"),
            "--no-error-summary",
            "caller.py",
            "mistakes.py",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=_mypy_env(),
        timeout=300,
    )
    errors = [line for line in proc.stdout.splitlines() if ": error:" in line]
    assert [e for e in errors if e.startswith("caller.py")] == []
    assert len([e for e in errors if e.startswith("mistakes.py")]) == 2, proc.stdout


def test_the_package_is_typed() -> None:
    assert (SRC / "py.typed").is_file()

"""The audit's report: its public models, and stage 4, which turns a backend's matches into findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from .encoding import Kind, Match

if TYPE_CHECKING:
    from .log import Check, Log

FindingKind = Literal["late", "missing", "consent", "excess", "gap", "open"]
Backend = Literal["rete", "python"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class AuditFinding(_Out):
    """A breach, or a fact the rules attach to time (consent by silence, an open obligation, a finding
    of an in-principle duty), with its article."""

    check: str
    jurisdiction: str
    article: int
    label: str
    topic: str
    modality: Literal["must", "shall", "in_principle", "may"]
    kind: FindingKind
    events: tuple[str, ...]  # the trigger first, then the event that answered it late, if any
    on: dt.date  # the day the finding stands: the late answer, the day after the due date…
    due: dt.date | None = None
    since: dt.date | None = None  # a gap: the first day of the period, or of the run of days, without
    age_days: int | None = None  # an open obligation: days from its trigger to the audit date
    outstanding: int | None = None  # answers still missing (one meeting, several documents)
    breach: bool  # must/shall broken; consent, open obligations and in-principle findings are not
    message_zh: str
    message_en: str
    citation_zh: str
    provenance: str = "bundled"  # where the check comes from: the rulebook shipped with govrules, or a file's path


class LogProblem(_Out):
    """An event that could not be used, or that refers to an event the log does not hold."""

    line: int | None = None
    event: str | None = None
    message: str


class AuditPeriod(_Out):
    """A period of a frequency check: judged, or partial (the log starts inside it, or it ends after
    the audit date) and so not judged. For a cadence (每两周), the span of the log."""

    check: str
    jurisdiction: str
    start: dt.date
    end: dt.date
    judged: bool
    held: int  # triggers in it


class AuditReport(_Out):
    """What an audit found in a log of events as it stood on `as_of`."""

    as_of: dt.date
    events: int
    backend: Backend  # which engine matched: durable-rules' Rete network, or plain Python
    findings: tuple[AuditFinding, ...]
    problems: tuple[LogProblem, ...]
    periods: tuple[AuditPeriod, ...] = ()

    @property
    def breaches(self) -> tuple[AuditFinding, ...]:
        return tuple(f for f in self.findings if f.breach)


def build_report(matches: Iterable[Match], log: Log, problems: list[LogProblem], backend: Backend) -> AuditReport:
    """The report of a linked log from its matches (either backend's: they are the same set)."""
    entries = log.entries
    findings: list[AuditFinding] = []
    windows: dict[int, list[tuple[int, int]]] = {}
    for m in matches:
        n, x, y = m.check, m.first, m.second
        c = log.checks[n]
        chk = c.audit.check
        due: dt.date | None = None
        since: dt.date | None = None
        age = outstanding = None
        events: tuple[str, ...] = ()
        kind: FindingKind
        if m.kind == Kind.WINDOW:
            windows.setdefault(n, []).append((x, y))
            continue
        if m.kind == Kind.GAP:
            kind, since, on = "gap", dt.date.fromordinal(x), dt.date.fromordinal(y)
        else:
            trigger = entries[x]
            events = (trigger.id,)
            a = trigger.triggers[n].value if trigger.triggers and n in trigger.triggers else -1
            due = dt.date.fromordinal(a) if a >= 0 and c.form in ("within", "ahead") else None
            if m.kind == Kind.LATE:
                kind = "late"
                events, on = (
                    (trigger.id, entries[y].id),
                    dt.date.fromordinal(entries[y].day if c.form == "within" else trigger.day),
                )
            elif m.kind == Kind.EXCESS:
                kind, events, on = "excess", (trigger.id, entries[y].id), dt.date.fromordinal(trigger.day)
            elif m.kind == Kind.OPEN:
                kind, on, age = "open", log.as_of, log.as_of.toordinal() - trigger.day
            elif c.form == "ahead":
                kind, on = "missing", dt.date.fromordinal(trigger.day)
            else:
                assert due is not None and trigger.triggers is not None
                kind = "consent" if chk.silence == "consent" else "missing"
                on = due if kind == "consent" else due + dt.timedelta(days=1)
                count = trigger.triggers[n].answers
                if count > 1:
                    outstanding = count - log.answered.get((n, x), 0)
        findings.append(_finding(c, kind, events, on, due, since, age, outstanding))
    for n, spans in windows.items():  # a run of empty windows is one gap, on the day the first ends
        spans.sort()
        for i, (s, e) in enumerate(spans):
            if i == 0 or spans[i - 1][0] != s - 1:
                findings.append(
                    _finding(log.checks[n], "gap", (), dt.date.fromordinal(e), None, dt.date.fromordinal(s), None, None)
                )
    findings.sort(key=lambda f: (f.on, f.jurisdiction, f.check, f.events))
    problems.sort(key=lambda p: (p.line or 0, p.event or "", p.message))
    periods = []
    for n, start, last, judged in log.periods:
        c = log.checks[n]
        freq = c.audit.check.frequency
        assert freq is not None
        held = log.in_period.get((n, start), 0) if not freq.every_days else len(log.members.get(n, ()))
        periods.append(
            AuditPeriod(
                check=c.audit.check.id,
                jurisdiction=c.audit.jurisdiction,
                start=dt.date.fromordinal(start),
                end=dt.date.fromordinal(last),
                judged=judged,
                held=held,
            )
        )
    return AuditReport(
        as_of=log.as_of,
        events=len(entries),
        backend=backend,
        findings=tuple(findings),
        problems=tuple(problems),
        periods=tuple(periods),
    )


def _finding(
    c: Check,
    kind: FindingKind,
    events: tuple[str, ...],
    on: dt.date,
    due: dt.date | None,
    since: dt.date | None,
    age: int | None,
    outstanding: int | None,
) -> AuditFinding:
    chk = c.audit.check
    return AuditFinding(
        check=chk.id,
        jurisdiction=c.audit.jurisdiction,
        article=c.audit.article.number,
        label=c.audit.article.label,
        topic=chk.topic,
        modality=chk.modality,
        kind=kind,
        events=events,
        on=on,
        due=due,
        since=since,
        age_days=age,
        outstanding=outstanding,
        breach=kind not in ("consent", "open") and chk.modality in ("must", "shall"),
        message_zh=chk.message.zh,
        message_en=chk.message.en,
        citation_zh=c.audit.citation_zh,
        provenance=c.audit.provenance,
    )

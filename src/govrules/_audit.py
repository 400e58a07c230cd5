"""Audit a log of events over time: duties that only show across events (minutes never issued, a
reply that never came, a second district-wide meeting in a year, a month without its meetings).

The checks are written in the rulebook, next to their articles (`audits:`; see AuditCheck). Three
stages, in one direction:

1. read: each event is validated, judged against the conditions of every check (our compiled
   conditions) and kept as a small record (`_Rec`): its date as an ordinal, which checks it
   triggers with the due date our calendar computes, which it may answer. The models are dropped.
2. link (`_Log`): the records sorted by date; refs resolved to positions; each answer ranked among
   the answers of its trigger; problems of the log (unknown refs, an answer dated before what it
   answers) found; the periods of frequency checks laid out, judged or partial.
3. match, by one of two backends that return the same raw matches: the Rete network of durable-rules
   (`rete`: joins and negations, run in worker processes by `_durable`) where it is installed, else
   plain Python (`python`, the reference). `_report` turns the matches into findings.

Event dates, never the wall clock, drive time: `as_of` is the day the audit stands.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, ValidationError

from . import _durable
from ._calendar import WorkCalendar, _last_published_year
from ._engine import Engine, _explain
from ._errors import ActionError, Diagnostic
from ._events import EVENT_ADAPTER, EVENT_MODELS, Event
from ._files import MAX_LINE, InputError, lines, open_regular
from ._lang.compiled import CompiledAudit, Version
from ._lang.document import iter_documents

# `auto` runs durable-rules' Rete network up to this many events, plain Python beyond. Its networks
# are bounded (see _jobs) and its workers replaced as they grow (durable-rules keeps about 9 KB of
# every fact until its process ends), but it costs about 1.5x the CPU of plain Python: on 2 shared
# cores 500,000 events took 30 s and 667 MiB in all; 1,000,000 took 51 s and 939 MiB on a quiet
# machine, 64 s on a busy one, where plain Python took 24.5 s and 715 MiB.
# See docs/rule-language.md ("Backends").
RETE_AUTO_EVENTS = 500_000

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
    as_of: dt.date
    events: int
    backend: Backend  # which engine matched: durable-rules' Rete network, or plain Python
    findings: tuple[AuditFinding, ...]
    problems: tuple[LogProblem, ...]
    periods: tuple[AuditPeriod, ...] = ()

    @property
    def breaches(self) -> tuple[AuditFinding, ...]:
        return tuple(f for f in self.findings if f.breach)


# --- reading logs -----------------------------------------------------------------------------
def read_events(path: str) -> Iterator[tuple[int, Any, str | None]]:
    """(line, data, error) for each event of a JSON Lines or YAML file. Only a regular file is read
    (a FIFO or a device is refused before anything is read from it); JSON Lines stream, each line
    bounded; a YAML file is bounded in size before it is read. A record that cannot be read is one
    error, and the records after it are still read."""
    if Path(path).suffix not in (".jsonl", ".ndjson", ".json"):
        yield from _read_yaml(path)
        return
    try:
        fh = open_regular(path)
    except InputError as exc:
        yield 0, None, str(exc)
        return
    empty = True
    with fh:
        try:
            for n, line in lines(fh):
                if line is None:
                    empty = False
                    yield n, None, f"line longer than {MAX_LINE} bytes"
                elif line.strip():
                    empty = False
                    yield n, line, None  # validated from the JSON text itself in _read
        except OSError as exc:
            yield 0, None, f"cannot read: {exc.strerror}"
            return
    if empty:
        yield 0, None, "empty file: no events"


def _json_value(line: bytes) -> tuple[Any, str | None]:
    try:
        return json.loads(line), None
    except UnicodeDecodeError:
        return None, "invalid JSON: not UTF-8 text"
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON: {exc}"
    except RecursionError:
        return None, "invalid JSON: nesting too deep"
    except ValueError:  # Python reads no integer of more than 4,300 digits
        return None, "invalid JSON: a number too long to read"


def _read_yaml(path: str) -> Iterator[tuple[int, Any, str | None]]:
    empty = True
    for doc in iter_documents(path):
        empty = False
        if isinstance(doc, Diagnostic):
            yield doc.line, None, f"{doc.code}: {doc.message}"
            continue
        data = doc.data.get("events") if isinstance(doc.data, dict) else doc.data
        base = ("events",) if isinstance(doc.data, dict) else ()
        if data is None:
            continue
        for i, d in enumerate(data if isinstance(data, list) else [data]):
            yield doc.where((*base, i))[0], d, None
    if empty:
        yield 0, None, "empty file: no events"


# --- 1. read ------------------------------------------------------------------------------------
CheckForm = Literal["within", "open", "ahead", "limit", "period", "cadence"]


@dataclass(frozen=True)
class _Check:
    n: int
    audit: CompiledAudit
    form: CheckForm


def _form(a: CompiledAudit) -> CheckForm:
    chk = a.check
    if chk.expect is not None:
        return "within" if chk.expect.within else "open" if chk.expect.open else "ahead"
    if chk.limit is not None:
        return "limit"
    assert chk.frequency is not None
    return "cadence" if chk.frequency.every_days else "period"


@dataclass(slots=True)
class _Rec:
    """An event as the audit keeps it. `trig`: check → (a, b): a follow-up's due ordinal (-1: none,
    an open obligation) and count of answers due; a lead time's due ordinal; a limit's group."""

    id: str
    type: str
    jurisdiction: str
    d: int
    ref: str | None
    line: int | None
    trig: dict[int, tuple[int, int]] | None = None
    ans: tuple[int, ...] = ()
    s: int = 0  # position in the sorted log
    r: int = -3  # position of the event `ref` names; -3: none or unknown
    links: list[tuple[int, int]] | None = None  # (check, rank among the answers of the trigger `r`)


def _due(calendar: WorkCalendar, day: dt.date, days: int, unit: str, counts_start: bool, sign: int) -> dt.date:
    if counts_start and days > 0:  # the start day is the first day of the span
        if unit == "working" and not calendar.is_working_day(day):
            return calendar.shift(day, sign * days, unit)
        if unit == "months":
            return calendar.shift(day, sign * days, unit) - dt.timedelta(days=sign)
        return calendar.shift(day, sign * (days - 1), unit)
    return calendar.shift(day, sign * days, unit)


def _period(day: dt.date, period: str) -> tuple[dt.date, dt.date]:
    """The first and last day of the calendar period holding `day`."""
    if period == "week":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    months = {"month": 1, "two_months": 2, "quarter": 3, "half": 6, "year": 12}[period]
    start = dt.date(day.year, (day.month - 1) // months * months + 1, 1)
    return start, start + relativedelta(months=months) - dt.timedelta(days=1)


# --- 2. link ------------------------------------------------------------------------------------
@dataclass
class _Log:
    as_of: dt.date
    checks: list[_Check]
    recs: list[_Rec]
    answered: dict[tuple[int, int], int]  # (check, trigger) → answers to it
    periods: list[tuple[int, int, int, bool]]  # (check, start, end, judged) of calendar periods and cadences
    in_period: dict[tuple[int, int], int]  # (check, period start) → triggers
    rank: dict[int, dict[int, int]] = field(default_factory=dict)  # position → check → rank (limits, periods)
    members: dict[int, list[int]] = field(default_factory=dict)  # check → positions of its facts, in order


def audit(engine: Engine, events: Iterable[Event | Mapping[str, Any]], *, as_of: dt.date | None = None,
          backend: Literal["auto", "rete", "python"] = "auto") -> AuditReport:
    """Audit a log of events as it stands on `as_of` (default: the day of its last event).
    `backend`: durable-rules' Rete network (`rete`), plain Python (`python`), or `auto`: Rete
    where durable-rules is installed and the log holds at most RETE_AUTO_EVENTS events, else plain
    Python (the report names the one that ran). Both give the same report. Deterministic; thread-safe.
    Raises ActionError for an audit date the calendar cannot serve."""
    return _audit(engine, ((None, e, None) for e in events), as_of, backend)


def audit_file(engine: Engine, path: str, *, as_of: dt.date | None = None,
               backend: Literal["auto", "rete", "python"] = "auto") -> AuditReport:
    """Audit the events of a JSON Lines or YAML file (problems name their line)."""
    return _audit(engine, read_events(path), as_of, backend)


def stop_workers() -> None:
    """Stop the Rete backend's worker processes at once (an interrupted audit)."""
    _durable.stop()


def _audit(engine: Engine, items: Iterable[tuple[int | None, Any, str | None]], as_of: dt.date | None,
           backend: str) -> AuditReport:
    if backend == "rete" and not _durable.available():
        raise ActionError("the `rete` audit backend needs durable-rules, which is not installed "
                          "(it does not build on Python 3.13): use the `python` backend")
    if backend not in ("auto", "rete", "python"):
        raise ActionError(f"unknown audit backend `{backend}`: `rete`, `python` or `auto`")
    checks: list[_Check] = []
    by_version: dict[str, list[_Check]] = {}
    by_jur: dict[str, list[_Check]] = {}
    for jur in engine.jurisdictions:
        for version in engine.versions(jur):
            for a in version.audits:
                c = _Check(len(checks), a, _form(a))
                checks.append(c)
                by_version.setdefault(version.key, []).append(c)
                by_jur.setdefault(jur, []).append(c)
    problems: list[LogProblem] = []
    recs = list(_read(engine, items, by_version, by_jur, problems))
    as_of = _as_of(recs, as_of)
    log = _link(engine._calendar, recs, checks, problems, as_of)
    if backend == "auto":
        backend = "rete" if _durable.available() and len(log.recs) <= RETE_AUTO_EVENTS else "python"
    raw = _match_rete(log) if backend == "rete" else _match_python(log)
    return _report(raw, log, problems, backend)  # type: ignore[arg-type]


def _read(engine: Engine, items: Iterable[tuple[int | None, Any, str | None]],
          by_version: dict[str, list[_Check]], by_jur: dict[str, list[_Check]],
          problems: list[LogProblem]) -> Iterator[_Rec]:
    calendar = engine._calendar
    last_day = dt.date(_last_published_year() + 1, 12, 31)
    groups: dict[tuple[Any, ...], int] = {}  # a limit's groups, as small ints
    versions: dict[tuple[str, int], Version] = {}  # (jurisdiction, day) → the version in force
    triggered: dict[tuple[str, str], list[_Check]] = {}  # (version, event type) → the checks it may trigger
    for key, cs in by_version.items():
        for c in cs:
            triggered.setdefault((key, c.audit.check.trigger.event), []).append(c)
    answered: dict[tuple[str, str], list[_Check]] = {}  # (jurisdiction, event type) → the checks it may answer
    for jur, cs in by_jur.items():
        for c in cs:
            if c.audit.check.expect is not None and c.audit.expect is not None:
                answered.setdefault((jur, c.audit.check.expect.event), []).append(c)
    shared: dict[tuple[int, ...], tuple[int, ...]] = {}  # one tuple for each set of checks answered
    dues: dict[tuple[int, int], int] = {}  # (check, day) → its due day
    for line, data, error in items:
        if error is not None:
            problems.append(LogProblem(line=line, message=error))
            continue
        try:
            if isinstance(data, bytes):  # a line of JSON Lines: one pass from the text to the model
                try:
                    event: Any = EVENT_ADAPTER.validate_json(data)
                except ValidationError:  # say why as for any other record: the JSON first, then the event
                    data, error = _json_value(data)
                    if error is not None:
                        problems.append(LogProblem(line=line, message=error))
                        continue
                    event = EVENT_ADAPTER.validate_python(data)
            else:
                event = EVENT_ADAPTER.validate_python(data.model_dump() if isinstance(data, BaseModel) else data)
        except ValidationError as exc:
            problems.append(LogProblem(line=line, message=_explain(exc, EVENT_MODELS, "event")))
            continue
        if event.date > last_day:  # its deadlines could not be computed (year 9999: past the date type)
            problems.append(LogProblem(line=line, event=event.id, message=f"dated {event.date}, beyond the working-day "
                                       f"calendar (up to {last_day}): not audited"))
            continue
        rec = _Rec(event.id, event.type, event.jurisdiction, event.date.toordinal(), getattr(event, "ref", None), line)
        on = (event.jurisdiction, rec.d)
        version = versions.get(on)
        if version is None:
            try:
                version = versions[on] = engine.version_for(event.jurisdiction, event.date)
            except ActionError as exc:
                problems.append(LogProblem(line=line, event=event.id, message=str(exc)))
                continue
        for c in triggered.get((version.key, event.type), ()):
            chk = c.audit.check
            holds = c.audit.trigger.fn(event)
            if holds is None:
                missing = ", ".join(c.audit.trigger.missing(event))
                problems.append(LogProblem(line=line, event=event.id,
                                           message=f"{chk.id} needs `{missing}`, which the event lacks"))
                continue
            if not holds:
                continue
            payload = (0, 0)
            exp = chk.expect
            if exp is not None and exp.within is not None:
                own = getattr(event, exp.due_field, None) if exp.due_field else None
                if own is not None:
                    until = own.toordinal()
                elif (until := dues.get((c.n, rec.d), -1)) < 0:  # a busy day: one calendar walk for all
                    until = dues[(c.n, rec.d)] = _due(calendar, event.date, exp.within.days, exp.within.unit,
                                                      exp.within.counts_start, 1).toordinal()
                count = getattr(event, exp.count_field, None) if exp.count_field else None
                payload = (until, count or 1)
            elif exp is not None and exp.open:
                count = getattr(event, exp.count_field, None) if exp.count_field else None
                payload = (-1, count or 1)
            elif exp is not None and exp.ahead is not None:
                if (until := dues.get((c.n, rec.d), -1)) < 0:
                    until = dues[(c.n, rec.d)] = _due(calendar, event.date, exp.ahead.days, exp.ahead.unit,
                                                      exp.ahead.counts_start, -1).toordinal()
                payload = (until, 0)
            elif chk.frequency is not None and chk.frequency.period is not None:
                year = getattr(event, chk.frequency.year_field, None) if chk.frequency.year_field else None
                day = dt.date(year, 1, 1) if isinstance(year, int) else event.date
                payload = (_period(day, chk.frequency.period)[0].toordinal(), 0)
            elif chk.limit is not None:
                group = (c.n, *(str(getattr(event, f)) for f in chk.limit.per), event.date.year)
                payload = (groups.setdefault(group, len(groups)), 0)
            if rec.trig is None:
                rec.trig = {}
            rec.trig[c.n] = payload
        expecting = answered.get((event.jurisdiction, event.type))
        if expecting:
            ans = tuple(c.n for c in expecting if c.audit.expect.fn(event) is True)  # type: ignore[union-attr]
            if ans:
                rec.ans = shared.setdefault(ans, ans)
        yield rec


def _as_of(recs: list[_Rec], as_of: dt.date | None) -> dt.date:
    """The audit date given, or the last event's; refused where the calendar cannot serve it, or
    where the last event lies far past the others (a mistyped year would set the audit date)."""
    limit = dt.date(_last_published_year() + 1, 12, 31)
    if as_of is None:
        days = sorted({r.d for r in recs})
        if not days:
            return dt.date.min
        if len(days) > 1 and days[-1] - days[-2] > 366:
            last = next(r for r in recs if r.d == days[-1])
            raise ActionError(f"the last event `{last.id}` ({dt.date.fromordinal(days[-1])}) lies "
                              f"{days[-1] - days[-2]} days after the one before it: give the audit date "
                              "(`--as-of`)")
        as_of = dt.date.fromordinal(days[-1])
    if as_of > limit:
        raise ActionError(f"audit date {as_of} is beyond the working-day calendar (holiday schedules are "
                          f"published up to {limit.year - 1}, {limit.year} is provisional): give an earlier "
                          "audit date (`--as-of`)")
    return as_of


def _link(calendar: WorkCalendar, recs: list[_Rec], checks: list[_Check], problems: list[LogProblem],
          as_of: dt.date) -> _Log:
    end = as_of.toordinal()
    seen: set[str] = set()
    kept: list[_Rec] = []
    for rec in recs:
        if rec.d > end:
            problems.append(LogProblem(line=rec.line, event=rec.id,
                                       message=f"dated {dt.date.fromordinal(rec.d)}, after the audit date "
                                               f"{as_of}: not audited"))
        elif rec.id in seen:
            problems.append(LogProblem(line=rec.line, event=rec.id, message=f"duplicate event id `{rec.id}`"))
        else:
            seen.add(rec.id)
            kept.append(rec)
    del seen
    kept.sort(key=lambda r: (r.d, r.id))
    position = {r.id: s for s, r in enumerate(kept)}
    answered: dict[tuple[int, int], int] = {}
    first_day: dict[str, int] = {}
    for s, rec in enumerate(kept):
        rec.s = s
        first_day.setdefault(rec.jurisdiction, rec.d)
        if rec.ref is None:
            continue
        t = position.get(rec.ref)
        if t is None:
            problems.append(LogProblem(line=rec.line, event=rec.id, message=f"refers to unknown event `{rec.ref}`"))
            continue
        rec.r = t
        target = kept[t]
        for n in rec.ans:
            if checks[n].form not in ("within", "open") or target.trig is None or n not in target.trig:
                continue
            if target.d > rec.d:
                problems.append(LogProblem(
                    line=rec.line, event=rec.id,
                    message=f"dated {dt.date.fromordinal(rec.d)}, before `{target.id}` "
                            f"({dt.date.fromordinal(target.d)}), which it answers: not counted as its answer"))
                break
            k = answered.get((n, t), 0)
            answered[(n, t)] = k + 1
            if rec.links is None:
                rec.links = []
            rec.links.append((n, k))
    del position
    # frequency checks: each trigger's period and rank in it; the periods, judged or partial
    rank: dict[int, dict[int, int]] = {}
    in_period: dict[tuple[int, int], int] = {}
    groups: dict[tuple[int, int], int] = {}
    for rec in kept:
        for n, (a, _b) in (rec.trig or {}).items():
            form = checks[n].form
            if form == "limit" or form == "period":
                key = (n, a)
            else:
                continue
            k = (groups if form == "limit" else in_period).get(key, 0)
            (groups if form == "limit" else in_period)[key] = k + 1
            rank.setdefault(rec.s, {})[n] = k
    members: dict[int, list[int]] = {}
    for rec in kept:
        mine = {*(rec.trig or ()), *(n for n, _ in rec.links or ()),
                *(n for n in rec.ans if checks[n].form == "ahead")}
        for n in mine:
            members.setdefault(n, []).append(rec.s)
    periods: list[tuple[int, int, int, bool]] = []
    for c in checks:
        freq = c.audit.check.frequency
        start = first_day.get(c.audit.jurisdiction)
        if freq is None or start is None:
            continue
        if freq.every_days:
            periods.append((c.n, start, end, end - start + 1 >= freq.every_days))
            continue
        assert freq.period is not None
        begin, last = _period(dt.date.fromordinal(start), freq.period)
        while begin <= as_of:
            periods.append((c.n, begin.toordinal(), last.toordinal(),
                            begin.toordinal() >= start and last <= as_of))
            begin, last = _period(last + dt.timedelta(days=1), freq.period)
    return _Log(as_of, checks, kept, answered, periods, in_period, rank, members)


# --- 3. match -----------------------------------------------------------------------------------
# A raw match: (kind, check, position of the trigger or start of the period/window, other position).
Raw = tuple[str, int, int, int]


def _match_python(log: _Log) -> set[Raw]:
    """The reference: every check in plain Python over the linked log."""
    out: set[Raw] = set()
    end = log.as_of.toordinal()
    recs = log.recs
    cadence: dict[int, list[int]] = {}
    first: dict[tuple[int, int], int] = {}
    for rec in recs:
        for n, k in rec.links or ():
            due, count = recs[rec.r].trig[n]  # type: ignore[index]
            if k < count and due >= 0 and rec.d > due:
                out.add(("late", n, rec.r, rec.s))
        for n, (a, b) in (rec.trig or {}).items():
            form = log.checks[n].form
            if form == "within" and log.answered.get((n, rec.s), 0) < b and end > a:
                out.add(("missing", n, rec.s, -1))
            elif form == "open" and log.answered.get((n, rec.s), 0) < b:
                out.add(("open", n, rec.s, -1))
            elif form == "ahead":
                needed = recs[rec.r] if rec.r >= 0 else None
                if needed is None or n not in needed.ans:
                    out.add(("missing", n, rec.s, -1))
                elif needed.d > a:
                    out.add(("late", n, rec.s, needed.s))
            elif form == "limit":
                if log.rank[rec.s][n] == 0:
                    first[(n, a)] = rec.s
                elif log.rank[rec.s][n] >= log.checks[n].audit.check.limit.count:  # type: ignore[union-attr]
                    out.add(("excess", n, rec.s, first[(n, a)]))
            elif form == "cadence":
                cadence.setdefault(n, []).append(rec.d)
    for n, start, last, judged in log.periods:
        freq = log.checks[n].audit.check.frequency
        assert freq is not None
        if not judged:
            continue
        if freq.every_days:
            span, prev = freq.every_days, start - 1
            for t in [*cadence.get(n, ()), end + 1]:
                for s in range(max(prev + 1, start), min(t - span, end - span + 1) + 1):
                    out.add(("window", n, s, s + span - 1))
                prev = t
        elif log.in_period.get((n, start), 0) < freq.at_least:
            out.add(("gap", n, start, last))
    return out


def _rules(c: _Check) -> Definition:
    """The Rete rules of one check, in durable-rules' JSON format. Facts: events carry their
    position `id`, date `d`, the position `r` of the event they name; `w{n}` marks a trigger of
    check n (due `u{n}`, answers due `c{n}`, the last rank `l{n}`), `x{n}` an answer (rank `k{n}`).

    INVARIANT: a negation (`$not`) stands last in its rule, after the `$asof` fact: durable-rules
    evaluates a negation placed earlier against the facts present when its left side matched,
    so it would fire before the events that answer it arrived.
    """
    n = c.n
    w, x, u, k, l = f"w{n}", f"x{n}", f"u{n}", f"k{n}", f"l{n}"
    asof = {"z": {"t": "$asof"}}
    if c.form in ("within", "open"):
        answer = {"$and": [{x: 1}, {"r": {"a": "id"}}]}
        if c.form == "open":
            return {f"open_{n}": {"all": [{"a": {w: 1}}, asof, {"m_2$not": {"$and": [*answer["$and"], {k: {"a": l}}]}}]}}
        past_due = {"$and": [{"t": "$asof"}, {"$gt": {"d": {"a": u}}}]}
        late = {"$and": [*answer["$and"], {"$lt": {k: {"a": f"c{n}"}}}, {"$gt": {"d": {"a": u}}}]}
        return {f"late_{n}": {"all": [{"a": {w: 1}}, {"b": late}]},
                f"missing_{n}": {"all": [{"a": {w: 1}}, {"z": past_due},
                                         {"m_2$not": {"$and": [*answer["$and"], {k: {"a": l}}]}}]}}
    if c.form == "ahead":
        needed = [{x: 1}, {"id": {"a": "r"}}]
        return {f"late_{n}": {"all": [{"a": {w: 1}}, {"b": {"$and": [*needed, {"$gt": {"d": {"a": u}}}]}}]},
                f"missing_{n}": {"all": [{"a": {w: 1}}, asof, {"m_2$not": {"$and": needed}}]}}
    if c.form == "limit":
        # Each trigger beyond the count meets the group's first (k == 0): linear, not pairwise.
        g, most = f"g{n}", c.audit.check.limit.count  # type: ignore[union-attr]
        return {f"excess_{n}": {"all": [{"a": {"$and": [{w: 1}, {k: 0}]}}, {"b": {"$and": [
            {w: 1}, {g: {"a": g}}, {"$gt": {k: most - 1}}]}}]}}
    freq = c.audit.check.frequency
    assert freq is not None
    if c.form == "period":
        return {f"gap_{n}": {"all": [{"q": {"$and": [{"t": "$period"}, {"n": n}]}}, asof,
                                     {"m_2$not": {"$and": [{w: 1}, {f"p{n}": {"q": "s"}}, {k: freq.at_least - 1}]}}]}}
    return {f"window_{n}": {"all": [{"q": {"$and": [{"t": "$window"}, {"n": n}]}}, asof, {"m_2$not": {"$and": [
        {w: 1}, {"$gte": {"d": {"q": "s"}}}, {"$lte": {"d": {"q": "e"}}}]}}]}}


Definition = dict[str, Any]
SHARD = 5_000  # facts in one network, about (unless one chain of refs is longer)


def _fact(log: _Log, c: _Check, s: int, as_trigger: bool = True) -> dict[str, Any]:
    """The fact of the event at position `s` in check `c`'s network; `as_trigger=False`: only as
    what another trigger joins (an answer, the event it names), not as a trigger itself."""
    n, rec = c.n, log.recs[s]
    fact: dict[str, Any] = {"id": rec.s, "d": rec.d, "r": rec.r}
    if as_trigger and rec.trig is not None and n in rec.trig:
        a, b = rec.trig[n]
        fact[f"w{n}"] = 1
        if c.form in ("within", "open", "ahead"):
            fact.update({f"u{n}": a if a >= 0 else 10**9, f"c{n}": b, f"l{n}": b - 1})
        elif c.form == "limit":
            fact.update({f"g{n}": a, f"k{n}": log.rank[rec.s][n]})
        elif c.form == "period":
            fact.update({f"p{n}": a, f"k{n}": log.rank[rec.s][n]})
    for m, rank in rec.links or ():
        if m == n:
            fact.update({f"x{n}": 1, f"k{n}": rank})
    if c.form == "ahead" and n in rec.ans:
        fact[f"x{n}"] = 1
    return fact


def _facts(log: _Log, c: _Check) -> Iterator[dict[str, Any]]:
    """The facts of one check's network, in log order."""
    for s in log.members.get(c.n, ()):
        yield _fact(log, c, s)


def _jobs(log: _Log) -> Iterator[tuple[Definition, list[dict[str, Any]]]]:
    """One network per check, cut into shards of about SHARD facts that never part a trigger from
    what it joins: a follow-up or a lead time by groups of triggers, each with its answers or the
    event it names; a limit at the turn of a year; a frequency check by period (a cadence: by month
    of its windows). So what a network holds is bounded, whatever the length of the log.

    INVARIANT: every value durable-rules matches or joins on is an int (positions stand for ids; a
    limit's group is a small int): it hashes strings into 32 bits and silently loses one of two
    facts whose ids collide, which a log of 100,000 events already hits."""
    asof = {"id": -1, "t": "$asof", "d": log.as_of.toordinal()}
    for c in log.checks:
        rules = _rules(c)
        if c.form in ("period", "cadence"):
            yield from _frequency_jobs(log, c, rules, asof)
            continue
        if c.form == "limit":
            yield from _limit_jobs(log, c, rules, asof)
        else:
            yield from _trigger_jobs(log, c, rules, asof)


def _trigger_jobs(log: _Log, c: _Check, rules: Definition,
                  asof: dict[str, Any]) -> Iterator[tuple[Definition, list[dict[str, Any]]]]:
    """A follow-up's or a lead time's networks: its triggers in log order, each with what it joins
    (its answers; the event it names), about SHARD facts a network. A busy log always has some
    trigger waiting for its answer, so the log itself cannot be cut; its triggers can."""
    n, recs = c.n, log.recs
    joined: dict[int, list[int]] = {}  # trigger → the positions it joins
    for s in log.members.get(n, ()):
        rec = recs[s]
        if rec.trig is not None and n in rec.trig:
            joined.setdefault(s, [])
            if c.form == "ahead" and rec.r >= 0 and n in recs[rec.r].ans:
                joined[s].append(rec.r)
        if rec.r >= 0 and any(m == n for m, _ in rec.links or ()):
            joined.setdefault(rec.r, []).append(s)
    shard: dict[int, dict[str, Any]] = {}
    for t, others in joined.items():
        shard[t] = _fact(log, c, t)
        for o in others:
            if o not in shard:
                shard[o] = _fact(log, c, o, as_trigger=False)  # its own group may lie in another shard
        if len(shard) >= SHARD:
            yield rules, [*shard.values(), asof]
            shard = {}
    if shard:
        yield rules, [*shard.values(), asof]


def _limit_jobs(log: _Log, c: _Check, rules: Definition,
                asof: dict[str, Any]) -> Iterator[tuple[Definition, list[dict[str, Any]]]]:
    """A limit's networks: one per year (its groups are per year)."""
    year, shard = None, list[dict[str, Any]]()
    for fact in _facts(log, c):
        y = dt.date.fromordinal(fact["d"]).year
        if shard and y != year and len(shard) >= SHARD:
            yield rules, [*shard, asof]
            shard = []
        year = y
        shard.append(fact)
    if shard:
        yield rules, [*shard, asof]


def _frequency_jobs(log: _Log, c: _Check, rules: Definition,
                    asof: dict[str, Any]) -> Iterator[tuple[Definition, list[dict[str, Any]]]]:
    """A frequency check's networks: one per judged period, with the triggers counted in it; for a
    cadence, one per month of window starts, with the triggers that can fall in those windows."""
    freq = c.audit.check.frequency
    assert freq is not None
    span = freq.every_days or 0
    chunks: dict[int, list[dict[str, Any]]] = {}
    for n, start, last, judged in log.periods:
        if n != c.n or not judged:
            continue
        if c.form == "period":
            chunks.setdefault(start, []).append({"t": "$period", "n": n, "s": start, "e": last})
        else:
            for s in range(start, last - span + 2):
                chunks.setdefault(_month(s), []).append({"t": "$window", "n": n, "s": s, "e": s + span - 1})
    facts: dict[int, list[dict[str, Any]]] = {}
    for fact in _facts(log, c):
        if c.form == "period":  # the period it counts in (a plan counts in the year it serves)
            homes = {fact[f"p{c.n}"]}
        else:  # the months in which windows holding its day start
            homes = {_month(d) for d in range(fact["d"] - span + 1, fact["d"] + 1)}
        for key in homes:
            if key in chunks:
                facts.setdefault(key, []).append(fact)
    for key in sorted(chunks):
        extra = [{"id": -2 - i, **q} for i, q in enumerate(chunks[key])]
        yield rules, [*facts.get(key, ()), *extra, asof]


def _month(ordinal: int) -> int:
    day = dt.date.fromordinal(ordinal)
    return day.year * 12 + day.month


def _match_rete(log: _Log) -> set[Raw]:
    out: set[Raw] = set()
    for matches in _durable.run_networks(_jobs(log)):
        for rule, m in matches:
            name, _, n_text = rule.partition("_")
            n = int(n_text)
            if name in ("gap", "window"):
                out.add((name, n, m["q"]["s"], m["q"]["e"]))
            elif name in ("late", "excess"):
                a, b = m["a"]["id"], m["b"]["id"]
                out.add((name, n, b, a) if name == "excess" else
                        (name, n, a, b))
            else:
                out.add((name, n, m["a"]["id"], -1))
    return out


# --- the report ---------------------------------------------------------------------------------
def _report(raw: set[Raw], log: _Log, problems: list[LogProblem], backend: Backend) -> AuditReport:
    recs = log.recs
    findings: list[AuditFinding] = []
    windows: dict[int, list[tuple[int, int]]] = {}
    for kind, n, x, y in raw:
        c = log.checks[n]
        chk = c.audit.check
        due: dt.date | None = None
        since: dt.date | None = None
        age = outstanding = None
        events: tuple[str, ...] = ()
        if kind == "window":
            windows.setdefault(n, []).append((x, y))
            continue
        if kind == "gap":
            since, on = dt.date.fromordinal(x), dt.date.fromordinal(y)
        else:
            trigger = recs[x]
            events = (trigger.id,)
            a = trigger.trig[n][0] if trigger.trig and n in trigger.trig else -1
            due = dt.date.fromordinal(a) if a >= 0 and c.form in ("within", "ahead") else None
            if kind == "late":
                events, on = (trigger.id, recs[y].id), dt.date.fromordinal(
                    recs[y].d if c.form == "within" else trigger.d)
            elif kind == "excess":
                events, on = (trigger.id, recs[y].id), dt.date.fromordinal(trigger.d)
            elif kind == "open":
                on, age = log.as_of, log.as_of.toordinal() - trigger.d
            elif c.form == "ahead":
                on = dt.date.fromordinal(trigger.d)
            else:
                assert due is not None
                kind = "consent" if chk.silence == "consent" else "missing"
                on = due if kind == "consent" else due + dt.timedelta(days=1)
                count = trigger.trig[n][1]  # type: ignore[index]
                if count > 1:
                    outstanding = count - log.answered.get((n, x), 0)
        findings.append(_finding(c, kind, events, on, due, since, age, outstanding))  # type: ignore[arg-type]
    for n, spans in windows.items():  # a run of empty windows is one gap, on the day the first ends
        spans.sort()
        for i, (s, e) in enumerate(spans):
            if i == 0 or spans[i - 1][0] != s - 1:
                findings.append(_finding(log.checks[n], "gap", (), dt.date.fromordinal(e), None,
                                         dt.date.fromordinal(s), None, None))
    findings.sort(key=lambda f: (f.on, f.jurisdiction, f.check, f.events))
    problems.sort(key=lambda p: (p.line or 0, p.event or "", p.message))
    periods = []
    for n, start, last, judged in log.periods:
        c = log.checks[n]
        freq = c.audit.check.frequency
        assert freq is not None
        held = log.in_period.get((n, start), 0) if not freq.every_days else len(log.members.get(n, ()))
        periods.append(AuditPeriod(check=c.audit.check.id, jurisdiction=c.audit.jurisdiction,
                                   start=dt.date.fromordinal(start), end=dt.date.fromordinal(last),
                                   judged=judged, held=held))
    return AuditReport(as_of=log.as_of, events=len(recs), backend=backend, findings=tuple(findings),
                       problems=tuple(problems), periods=tuple(periods))


def _finding(c: _Check, kind: FindingKind, events: tuple[str, ...], on: dt.date, due: dt.date | None,
             since: dt.date | None, age: int | None, outstanding: int | None) -> AuditFinding:
    chk = c.audit.check
    return AuditFinding(
        check=chk.id, jurisdiction=c.audit.jurisdiction, article=c.audit.article.number,
        label=c.audit.article.label, topic=chk.topic, modality=chk.modality, kind=kind, events=events,
        on=on, due=due, since=since, age_days=age, outstanding=outstanding,
        breach=kind not in ("consent", "open") and chk.modality in ("must", "shall"),
        message_zh=chk.message.zh, message_en=chk.message.en, citation_zh=c.audit.citation_zh,
        provenance=c.audit.provenance,
    )

"""Audit a log of events over time: duties that only show across events (minutes never issued, a
reply that never came, a second district-wide meeting in a year), checked on durable-rules.

The checks are written in the rulebook, next to their articles (`audits:`; see AuditCheck). Here
each check becomes a few rules of one Rete network (joins and negations: a meeting and its minutes,
a request and no reply), and each event one fact carrying what the network needs: its date as an
ordinal, whether it is a trigger or an expected event of each check (our compiled conditions), and
the due dates our calendar computes. durable-rules matches; we read the matches back as findings.
Event dates, never the wall clock, drive time: `as_of` is the day the audit stands.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, ValidationError

from ._compile import CompiledAudit
from ._durable import Definition, run_networks
from ._engine import Engine, _explain
from ._errors import ActionError
from ._events import EVENT_ADAPTER, EVENT_MODELS, Event
from ._yaml import YamlError, load_documents

FindingKind = Literal["late", "missing", "consent", "excess", "gap"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class AuditFinding(_Out):
    """A breach, or a fact the rules attach to silence, with its article."""

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
    breach: bool  # must/shall broken; consent by silence and in-principle findings are not breaches
    message_zh: str
    message_en: str
    citation_zh: str


class LogProblem(_Out):
    """An event that could not be used, or that refers to an event the log does not hold."""

    line: int | None = None
    event: str | None = None
    message: str


class AuditReport(_Out):
    as_of: dt.date
    events: int
    findings: tuple[AuditFinding, ...]
    problems: tuple[LogProblem, ...]

    @property
    def breaches(self) -> tuple[AuditFinding, ...]:
        return tuple(f for f in self.findings if f.breach)


# --- reading logs -----------------------------------------------------------------------------
def read_events(path: str) -> Iterator[tuple[int, Any, str | None]]:
    """(line, data, error) for each event of a JSON Lines or YAML file."""
    p = Path(path)
    if not p.is_file():
        yield 0, None, "no such file" if not p.exists() else "not a file"
        return
    raw = p.read_bytes()
    if not raw.strip():
        yield 0, None, "empty file: no events"
        return
    if p.suffix in (".jsonl", ".ndjson", ".json"):
        for n, line in enumerate(raw.splitlines(), 1):
            if line.strip():
                try:
                    yield n, json.loads(line), None
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    yield n, None, f"invalid JSON: {exc}"
        return
    try:
        for doc in load_documents(path, raw):
            data = doc.data.get("events") if isinstance(doc.data, dict) else doc.data
            base = ("events",) if isinstance(doc.data, dict) else ()
            for i, d in enumerate(data if isinstance(data, list) else [data]):
                yield doc.where((*base, i))[0], d, None
    except YamlError as exc:
        yield exc.diagnostic.line, None, exc.diagnostic.message


# --- the network --------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Check:
    n: int
    audit: CompiledAudit


def _rules(checks: list[_Check]) -> tuple[Definition, Definition]:
    """The Rete rules of every check, in durable-rules' JSON format: those that correlate events
    through their refs (unknown refs, follow-ups, lead times), and those over groups and periods.

    INVARIANT: a negation (`$not`) stands last in its rule, after the `$asof` fact: durable-rules
    evaluates a negation placed earlier against the facts present when its left side matched,
    so it would fire before the events that answer it arrived.
    """
    asof = {"z": {"t": "$asof"}}
    linked: Definition = {"ref": {"all": [{"a": {"hr": 1}}, asof, {"m_2$not": {"id": {"a": "r"}}}]}}
    grouped: Definition = {}
    for c in checks:
        n, chk = c.n, c.audit.check
        w, x, u = f"w{n}", f"x{n}", f"u{n}"
        if chk.expect is not None:
            # follow-up: the answer names the trigger; lead time: the trigger names what it needs
            join = {"r": {"a": "id"}} if chk.expect.within else {"id": {"a": "r"}}
            on_time = {"$and": [{x: 1}, join, {"$lte": {"d": {"a": u}}}]}
            late = {"$and": [{x: 1}, join, {"$gt": {"d": {"a": u}}}]}
            linked[f"late_{n}"] = {"all": [{"a": {w: 1}}, {"b": late}, {"m_1$not": on_time}]}
            past_due = {"$and": [{"t": "$asof"}, {"$gt": {"d": {"a": u}}}]}
            linked[f"missing_{n}"] = {"all": [{"a": {w: 1}}, {"z": past_due},
                                              {"m_2$not": {"$and": [{x: 1}, join]}}]}
        elif chk.limit is not None:
            # Each later trigger of a group meets the group's first (k == 0): linear, not pairwise.
            g, k = f"g{n}", f"k{n}"
            grouped[f"excess_{n}"] = {"all": [{"a": {"$and": [{w: 1}, {k: 0}]}}, {"b": {"$and": [
                {w: 1}, {g: {"a": g}}, {"$gt": {k: 0}}]}}]}
        else:
            p = f"p{n}"
            grouped[f"gap_{n}"] = {"all": [{"q": {"$and": [{"t": "$period"}, {"n": n}]}}, asof,
                                           {"m_2$not": {"$and": [{w: 1}, {p: {"q": "key"}}]}}]}
    return linked, grouped


SHARD = 20_000  # facts in one network at most (unless one chain of refs is longer)


def _shards(facts: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """The facts cut into networks that never separate an event from one its refs reach: whole
    components of the ref graph, in log order, packed up to SHARD facts. Smaller networks keep
    durable-rules' memory bounded; no correlation crosses a component."""
    parent = {f["id"]: f["id"] for f in facts}

    def root(i: int) -> int:
        while parent.setdefault(i, i) != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for f in facts:
        if f.get("r", -1) >= 0:
            parent[root(f["id"])] = root(f["r"])
    components: dict[int, list[dict[str, Any]]] = {}
    for f in facts:
        components.setdefault(root(f["id"]), []).append(f)
    shard: list[dict[str, Any]] = []
    for component in components.values():  # in the order of their first event
        if shard and len(shard) + len(component) > SHARD:
            yield sorted(shard, key=lambda f: f["s"])
            shard = []
        shard += component
    if shard:
        yield sorted(shard, key=lambda f: f["s"])


def _period(day: dt.date, period: str) -> tuple[dt.date, dt.date]:
    """The first and last day of the period holding `day`."""
    if period == "week":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    months = {"month": 1, "quarter": 3, "year": 12}[period]
    start = dt.date(day.year, (day.month - 1) // months * months + 1, 1)
    return start, start + relativedelta(months=months) - dt.timedelta(days=1)


def audit(engine: Engine, events: Iterable[Event | Mapping[str, Any]], *, as_of: dt.date | None = None) -> AuditReport:
    """Audit a log of events as it stands on `as_of` (default: the day of its last event).
    Deterministic; safe to call from many threads."""
    return _audit(engine, ((None, e, None) for e in events), as_of)


def audit_file(engine: Engine, path: str, *, as_of: dt.date | None = None) -> AuditReport:
    """Audit the events of a JSON Lines or YAML file (problems name their line)."""
    return _audit(engine, read_events(path), as_of)


def _audit(engine: Engine, items: Iterable[tuple[int | None, Any, str | None]],
           as_of: dt.date | None) -> AuditReport:
    problems: list[LogProblem] = []
    parsed: list[tuple[Event, int | None]] = []
    for line, data, error in items:
        if error is not None:
            problems.append(LogProblem(line=line, message=error))
            continue
        try:
            event: Event = EVENT_ADAPTER.validate_python(data.model_dump() if isinstance(data, BaseModel) else data)
        except ValidationError as exc:
            problems.append(LogProblem(line=line, message=_explain(exc, EVENT_MODELS, "event")))
            continue
        parsed.append((event, line))
    if as_of is None:
        as_of = max((e.date for e, _ in parsed), default=dt.date.min)
    log: list[tuple[Event, int | None]] = []
    seen: set[str] = set()
    for event, line in parsed:
        if event.date > as_of:
            problems.append(LogProblem(line=line, event=event.id,
                                       message=f"dated {event.date}, after the audit date {as_of}: not audited"))
            continue
        if event.id in seen:
            problems.append(LogProblem(line=line, event=event.id, message=f"duplicate event id `{event.id}`"))
            continue
        seen.add(event.id)
        log.append((event, line))
    log.sort(key=lambda el: (el[0].date, el[0].id))

    checks: list[_Check] = []
    by_version: dict[str, list[_Check]] = {}
    for jur in engine.jurisdictions:
        for version in engine.versions(jur):
            for a in version.audits:
                c = _Check(len(checks), a)
                checks.append(c)
                by_version.setdefault(version.key, []).append(c)
    by_jur: dict[str, list[_Check]] = {}
    for c in checks:
        by_jur.setdefault(c.audit.jurisdiction, []).append(c)

    calendar = engine._calendar
    facts: list[dict[str, Any]] = []
    dues: dict[tuple[int, str], dt.date] = {}
    first_day: dict[str, dt.date] = {}
    rank: dict[tuple[int, str], int] = {}  # triggers seen so far per check and group
    groups: dict[str, int] = {}
    # INVARIANT: every value durable-rules matches or joins on is an int (the event's position in
    # the sorted log stands for its id): it hashes strings into 32 bits and silently loses one of
    # two facts whose ids collide, which a log of 100,000 events already hits.
    seq = {event.id: s for s, (event, _) in enumerate(log)}
    for s, (event, line) in enumerate(log):
        fact: dict[str, Any] = {"id": s, "t": event.type, "d": event.date.toordinal(), "s": s}
        ref = getattr(event, "ref", None)
        if ref is not None:
            fact.update(r=seq.get(ref, -1), hr=1)
        try:
            version = engine.version_for(event.jurisdiction, event.date)
        except ActionError as exc:
            problems.append(LogProblem(line=line, event=event.id, message=str(exc)))
            continue
        first_day.setdefault(event.jurisdiction, event.date)
        for c in by_version.get(version.key, ()):
            chk = c.audit.check
            if event.type == chk.trigger.event:
                holds = c.audit.trigger.fn(event)
                if holds is None:
                    missing = ", ".join(c.audit.trigger.missing(event))
                    problems.append(LogProblem(line=line, event=event.id,
                                               message=f"{chk.id} needs `{missing}`, which the event lacks"))
                elif holds:
                    fact[f"w{c.n}"] = 1
                    if chk.expect is not None:
                        span = chk.expect.within or chk.expect.ahead
                        assert span is not None
                        sign = 1 if chk.expect.within else -1
                        due = calendar.shift(event.date, sign * span.days, span.unit)
                        dues[(c.n, event.id)] = due
                        fact[f"u{c.n}"] = due.toordinal()
                    elif chk.limit is not None:
                        key = "|".join([*(str(getattr(event, f)) for f in chk.limit.per), str(event.date.year)])
                        fact[f"g{c.n}"] = groups.setdefault(key, len(groups))
                        fact[f"k{c.n}"] = rank[(c.n, key)] = rank.get((c.n, key), -1) + 1
                    elif chk.frequency is not None:
                        fact[f"p{c.n}"] = _period(event.date, chk.frequency.period)[0].toordinal()
        for c in by_jur.get(event.jurisdiction, ()):
            exp = c.audit.check.expect
            expected = c.audit.expect
            if exp is not None and event.type == exp.event and expected is not None and expected.fn(event) is True:
                fact[f"x{c.n}"] = 1
        facts.append(fact)

    periods: list[dict[str, Any]] = []
    for c in checks:
        freq = c.audit.check.frequency
        start = first_day.get(c.audit.jurisdiction)
        if freq is None or start is None:
            continue
        begin, end = _period(start, freq.period)
        while end < as_of:
            periods.append({"id": -2 - len(periods), "t": "$period", "n": c.n, "key": begin.toordinal(),
                            "end": end.toordinal()})
            begin, end = _period(end + dt.timedelta(days=1), freq.period)
    asof = {"id": -1, "t": "$asof", "d": as_of.toordinal()}
    linked, grouped = _rules(checks)
    in_groups = [f for f in facts if any(key[0] in "gp" and key[1:].isdigit() for key in f)]
    jobs = [(linked, [*shard, asof]) for shard in _shards(facts)] + [(grouped, [*in_groups, *periods, asof])]
    matches = [m for found in run_networks(jobs) for m in found]
    return _report(matches, checks, dues, log, problems, as_of)


def _report(matches: list[tuple[str, dict[str, dict[str, Any]]]], checks: list[_Check],
            dues: dict[tuple[int, str], dt.date], log: list[tuple[Event, int | None]],
            problems: list[LogProblem], as_of: dt.date) -> AuditReport:
    def event_id(fact: dict[str, Any]) -> str:
        return str(log[fact["id"]][0].id)

    found: dict[tuple[str, str], tuple[tuple[Any, ...], AuditFinding]] = {}
    for rule, m in matches:
        name, _, n_text = rule.partition("_")
        if name == "ref":
            event, line = log[m["a"]["id"]]
            problems.append(LogProblem(line=line, event=event.id,
                                       message=f"refers to unknown event `{getattr(event, 'ref', '')}`"))
            continue
        c = checks[int(n_text)]
        chk = c.audit.check
        if name == "gap":
            events: tuple[str, ...] = ()
            on = dt.date.fromordinal(m["q"]["end"])
            due = None
            kind: FindingKind = "gap"
            key = str(m["q"]["key"])
        else:
            a = m["a"]
            due = dues.get((c.n, event_id(a)))
            key = event_id(a)
            if name == "excess":
                b = m["b"]
                kind, events, on, key = "excess", (event_id(b), event_id(a)), dt.date.fromordinal(b["d"]), event_id(b)
            elif name == "late":
                b = m["b"]
                kind, events = "late", (event_id(a), event_id(b))
                on = dt.date.fromordinal(b["d"] if chk.expect and chk.expect.within else a["d"])
            else:
                assert due is not None
                kind = "consent" if chk.silence == "consent" else "missing"
                events = (event_id(a),)
                on = due if kind == "consent" else due + dt.timedelta(days=1)
                if chk.expect and chk.expect.ahead:
                    on = dt.date.fromordinal(a["d"])
        finding = AuditFinding(
            check=chk.id, jurisdiction=c.audit.jurisdiction, article=c.audit.article.number,
            label=c.audit.article.label, topic=chk.topic, modality=chk.modality, kind=kind, events=events,
            on=on, due=due, breach=kind != "consent" and chk.modality in ("must", "shall"),
            message_zh=chk.message.zh, message_en=chk.message.en, citation_zh=c.audit.citation_zh,
        )
        # A trigger answered late twice, or a third meeting in a year, matches more than once:
        # keep the earliest answer, and name the year's first meeting.
        rank = (finding.on, m["a"]["s"] if "a" in m else 0, finding.events)
        if (chk.id, key) not in found or rank < found[(chk.id, key)][0]:
            found[(chk.id, key)] = (rank, finding)
    findings = sorted((f for _, f in found.values()), key=lambda f: (f.on, f.jurisdiction, f.check, f.events))
    problems.sort(key=lambda p: (p.line or 0, p.event or "", p.message))
    return AuditReport(as_of=as_of, events=len(log), findings=tuple(findings), problems=tuple(problems))

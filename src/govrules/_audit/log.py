"""Stages 1 and 2 of the audit: read the events into small entries, then link them into a `Log`.

1. read (`read`): each event is validated, judged against the conditions of every check (our compiled
   conditions) and kept as an `Entry`: its date as an ordinal, which checks it triggers with the due
   date our calendar computes (`Triggered`), which it may answer. The models are dropped.
2. link (`link`): the entries sorted by date; refs resolved to positions; each answer ranked among the
   answers of its trigger; problems of the log (unknown refs, an answer dated before what it
   answers) found; the periods of frequency checks laid out, judged or partial.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ValidationError

from .._calendar import WorkCalendar
from .._errors import ActionError
from .._info import CheckForm, check_form
from .._records import json_value
from .._validation import validation_message
from .encoding import NO_DUE, Triggered
from .events import EVENT_ADAPTER, EVENT_MODELS
from .report import LogProblem

if TYPE_CHECKING:
    from .._info import RulebookVersion
    from .._lang.compiled import CompiledAudit

Item = tuple[int | None, Any, str | None]  # (line, data, error): one record as read


class AuditSource(Protocol):
    """What the audit needs of an engine (`govrules.Engine` is one): its jurisdictions, its calendar,
    each version's compiled checks, and the version in force on a day."""

    @property
    def jurisdictions(self) -> tuple[str, ...]: ...

    @property
    def calendar(self) -> WorkCalendar: ...

    def audit_checks(self, jurisdiction: str) -> tuple[tuple[str, tuple[CompiledAudit, ...]], ...]: ...

    def version_for(self, jurisdiction: str, day: dt.date) -> RulebookVersion: ...


@dataclass(frozen=True)
class Check:
    """A compiled audit check, numbered (`n`: its place in `Log.checks`, the key every stage uses)."""

    n: int
    audit: CompiledAudit
    form: CheckForm


@dataclass(frozen=True)
class Checks:
    """The checks of every version loaded, numbered, and found by version and by jurisdiction."""

    all: list[Check]
    by_version: dict[str, list[Check]]  # `jurisdiction@version` → its checks
    by_jurisdiction: dict[str, list[Check]]

    @classmethod
    def of(cls, engine: AuditSource) -> Checks:
        checks: list[Check] = []
        by_version: dict[str, list[Check]] = {}
        by_jur: dict[str, list[Check]] = {}
        for jur in engine.jurisdictions:
            for key, audits in engine.audit_checks(jur):
                for a in audits:
                    c = Check(len(checks), a, check_form(a.check))
                    checks.append(c)
                    by_version.setdefault(key, []).append(c)
                    by_jur.setdefault(jur, []).append(c)
        return cls(checks, by_version, by_jur)


@dataclass(slots=True)
class Entry:
    """An event as the audit keeps it."""

    id: str
    type: str
    jurisdiction: str
    day: int  # its date, as an ordinal
    ref: str | None
    line: int | None
    triggers: dict[int, Triggered] | None = None  # check → what it carries (encoding.Triggered)
    answers: tuple[int, ...] = ()  # the checks whose expected event it is
    pos: int = 0  # its position in the sorted log
    ref_pos: int = -3  # the position of the event `ref` names; -3: none or unknown
    linked: list[tuple[int, int]] | None = None  # (check, its rank among the answers of the trigger `ref_pos`)


def due_day(calendar: WorkCalendar, day: dt.date, days: int, unit: str, counts_start: bool, sign: int) -> dt.date:
    return calendar.span_end(day, days, unit, counts_start, sign)


def period_of(day: dt.date, period: str) -> tuple[dt.date, dt.date]:
    """The first and last day of the calendar period holding `day`."""
    if period == "week":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    months = {"month": 1, "two_months": 2, "quarter": 3, "half": 6, "year": 12}[period]
    start = dt.date(day.year, (day.month - 1) // months * months + 1, 1)
    return start, start + relativedelta(months=months) - dt.timedelta(days=1)


# --- 1. read ------------------------------------------------------------------------------------
def read(engine: AuditSource, items: Iterable[Item], checks: Checks, problems: list[LogProblem]) -> Iterator[Entry]:
    """The entries of the events that can be used; a problem for each one that cannot."""
    calendar = engine.calendar
    last_day = calendar.last_day
    groups: dict[tuple[Any, ...], int] = {}  # a limit's groups, as small ints
    versions: dict[tuple[str, int], str] = {}  # (jurisdiction, day) → the key of the version in force
    triggered: dict[tuple[str, str], list[Check]] = {}  # (version, event type) → the checks it may trigger
    for key, cs in checks.by_version.items():
        for c in cs:
            triggered.setdefault((key, c.audit.check.trigger.event), []).append(c)
    answered: dict[tuple[str, str], list[Check]] = {}  # (jurisdiction, event type) → the checks it may answer
    for jur, cs in checks.by_jurisdiction.items():
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
                    data, error = json_value(data)
                    if error is not None:
                        problems.append(LogProblem(line=line, message=error))
                        continue
                    event = EVENT_ADAPTER.validate_python(data)
            else:
                event = EVENT_ADAPTER.validate_python(data.model_dump() if isinstance(data, BaseModel) else data)
        except ValidationError as exc:
            problems.append(LogProblem(line=line, message=validation_message(exc, EVENT_MODELS, "event")))
            continue
        if event.date > last_day:  # its deadlines could not be computed (year 9999: past the date type)
            problems.append(
                LogProblem(
                    line=line,
                    event=event.id,
                    message=f"dated {event.date}, beyond the working-day calendar (up to {last_day}): not audited",
                )
            )
            continue
        entry = Entry(
            event.id, event.type, event.jurisdiction, event.date.toordinal(), getattr(event, "ref", None), line
        )
        on = (event.jurisdiction, entry.day)
        version = versions.get(on)
        if version is None:
            try:
                version = versions[on] = engine.version_for(event.jurisdiction, event.date).key
            except ActionError as exc:
                problems.append(LogProblem(line=line, event=event.id, message=str(exc)))
                continue
        for c in triggered.get((version, event.type), ()):
            chk = c.audit.check
            holds = c.audit.trigger.fn(event)
            if holds is None:
                missing = ", ".join(c.audit.trigger.missing(event))
                problems.append(
                    LogProblem(line=line, event=event.id, message=f"{chk.id} needs `{missing}`, which the event lacks")
                )
                continue
            if not holds:
                continue
            payload = Triggered(0, 0)
            exp = chk.expect
            if exp is not None and exp.within is not None:
                own = getattr(event, exp.due_field, None) if exp.due_field else None
                if own is not None:
                    until = own.toordinal()
                elif (until := dues.get((c.n, entry.day), -1)) < 0:  # a busy day: one calendar walk for all
                    until = dues[(c.n, entry.day)] = due_day(
                        calendar, event.date, exp.within.days, exp.within.unit, exp.within.counts_start, 1
                    ).toordinal()
                count = getattr(event, exp.count_field, None) if exp.count_field else None
                payload = Triggered(until, count or 1)
            elif exp is not None and exp.open:
                count = getattr(event, exp.count_field, None) if exp.count_field else None
                payload = Triggered(NO_DUE, count or 1)
            elif exp is not None and exp.ahead is not None:
                if (until := dues.get((c.n, entry.day), -1)) < 0:
                    until = dues[(c.n, entry.day)] = due_day(
                        calendar, event.date, exp.ahead.days, exp.ahead.unit, exp.ahead.counts_start, -1
                    ).toordinal()
                payload = Triggered(until, 0)
            elif chk.frequency is not None and chk.frequency.period is not None:
                year = getattr(event, chk.frequency.year_field, None) if chk.frequency.year_field else None
                day = dt.date(year, 1, 1) if isinstance(year, int) else event.date
                payload = Triggered(period_of(day, chk.frequency.period)[0].toordinal(), 0)
            elif chk.limit is not None:
                group = (c.n, *(str(getattr(event, f)) for f in chk.limit.per), event.date.year)
                payload = Triggered(groups.setdefault(group, len(groups)), 0)
            if entry.triggers is None:
                entry.triggers = {}
            entry.triggers[c.n] = payload
        expecting = answered.get((event.jurisdiction, event.type))
        if expecting:
            ans = tuple(c.n for c in expecting if c.audit.expect.fn(event) is True)  # type: ignore[union-attr]
            if ans:
                entry.answers = shared.setdefault(ans, ans)
        yield entry


def settle_as_of(calendar: WorkCalendar, days: Iterable[tuple[int, str]], as_of: dt.date | None) -> dt.date:
    """The audit date given, or the day of the last event (`days`: (day ordinal, event id) of the
    events kept; dt.date.min when there are none). Refused where the calendar cannot serve it, or
    where the last event lies far past the others (a mistyped year would set the audit date)."""
    limit = calendar.last_day
    if as_of is None:
        first: dict[int, str] = {}  # each day → its first event, in the order given
        for d, event in days:
            first.setdefault(d, event)
        last_two = sorted(first)[-2:]
        if not last_two:
            return dt.date.min
        if len(last_two) > 1 and last_two[1] - last_two[0] > 366:
            raise ActionError(
                f"the last event `{first[last_two[1]]}` ({dt.date.fromordinal(last_two[1])}) lies "
                f"{last_two[1] - last_two[0]} days after the one before it: give the audit date "
                "(`--as-of`)"
            )
        as_of = dt.date.fromordinal(last_two[-1])
    if as_of > limit:
        raise ActionError(
            f"audit date {as_of} is beyond the working-day calendar (holiday schedules are "
            f"published up to {limit.year - 1}, {limit.year} is provisional): give an earlier "
            "audit date (`--as-of`)"
        )
    return as_of


# --- 2. link ------------------------------------------------------------------------------------
@dataclass
class Log:
    """The linked log a backend matches over."""

    as_of: dt.date
    checks: list[Check]
    entries: list[Entry]  # in log order: by day, then id
    answered: dict[tuple[int, int], int]  # (check, trigger) → answers to it
    periods: list[tuple[int, int, int, bool]]  # (check, start, end, judged) of calendar periods and cadences
    in_period: dict[tuple[int, int], int]  # (check, period start) → triggers
    rank: dict[int, dict[int, int]] = field(default_factory=dict)  # position → check → rank (limits, periods)
    members: dict[int, list[int]] = field(default_factory=dict)  # check → positions of its facts, in order


def link(entries: list[Entry], checks: list[Check], problems: list[LogProblem], as_of: dt.date) -> Log:
    end = as_of.toordinal()
    seen: set[str] = set()
    kept: list[Entry] = []
    for e in entries:
        if e.day > end:
            problems.append(
                LogProblem(
                    line=e.line,
                    event=e.id,
                    message=f"dated {dt.date.fromordinal(e.day)}, after the audit date {as_of}: not audited",
                )
            )
        elif e.id in seen:
            problems.append(LogProblem(line=e.line, event=e.id, message=f"duplicate event id `{e.id}`"))
        else:
            seen.add(e.id)
            kept.append(e)
    del seen
    kept.sort(key=lambda e: (e.day, e.id))
    position = {e.id: s for s, e in enumerate(kept)}
    answered: dict[tuple[int, int], int] = {}
    first_day: dict[str, int] = {}
    for s, e in enumerate(kept):
        e.pos = s
        first_day.setdefault(e.jurisdiction, e.day)
        if e.ref is None:
            continue
        t = position.get(e.ref)
        if t is None:
            problems.append(LogProblem(line=e.line, event=e.id, message=f"refers to unknown event `{e.ref}`"))
            continue
        e.ref_pos = t
        target = kept[t]
        for n in e.answers:
            if checks[n].form not in ("within", "open") or target.triggers is None or n not in target.triggers:
                continue
            if target.day > e.day:
                problems.append(
                    LogProblem(
                        line=e.line,
                        event=e.id,
                        message=f"dated {dt.date.fromordinal(e.day)}, before `{target.id}` "
                        f"({dt.date.fromordinal(target.day)}), which it answers: not counted as its answer",
                    )
                )
                break
            k = answered.get((n, t), 0)
            answered[(n, t)] = k + 1
            if e.linked is None:
                e.linked = []
            e.linked.append((n, k))
    del position
    # limits and frequency checks: each trigger's rank in its group or period; the periods, judged or partial
    rank: dict[int, dict[int, int]] = {}
    in_period: dict[tuple[int, int], int] = {}
    groups: dict[tuple[int, int], int] = {}
    for e in kept:
        for n, (a, _b) in (e.triggers or {}).items():
            form = checks[n].form
            if form != "limit" and form != "period":
                continue
            counts = groups if form == "limit" else in_period
            k = counts.get((n, a), 0)
            counts[(n, a)] = k + 1
            rank.setdefault(e.pos, {})[n] = k
    members: dict[int, list[int]] = {}
    for e in kept:
        mine = {
            *(e.triggers or ()),
            *(n for n, _ in e.linked or ()),
            *(n for n in e.answers if checks[n].form == "ahead"),
        }
        for n in mine:
            members.setdefault(n, []).append(e.pos)
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
        begin, last = period_of(dt.date.fromordinal(start), freq.period)
        while begin <= as_of:
            periods.append((c.n, begin.toordinal(), last.toordinal(), begin.toordinal() >= start and last <= as_of))
            begin, last = period_of(last + dt.timedelta(days=1), freq.period)
    return Log(as_of, checks, kept, answered, periods, in_period, rank, members)

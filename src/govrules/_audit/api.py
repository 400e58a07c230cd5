"""The audit's entry points: `audit` (events), `audit_records` (records read from a file, with their
lines), `audit_file`, `audit_date`, `stop_workers`. Each runs the stages in one direction: read and
link (`log`), match (`python` or `rete`), report (`report`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from .._errors import ActionError
from .._records import read_records
from . import durable, python, rete
from .events import Event
from .log import AuditSource, Checks, Item, link, read, settle_as_of
from .report import AuditReport, Backend, LogProblem, build_report

# `auto` runs durable-rules' Rete network up to this many events, plain Python beyond. Its networks
# are bounded (see rete._jobs) and its workers replaced as they grow (durable-rules keeps about 9 KB of
# every fact until its process ends), but it costs about 1.5x the CPU of plain Python: on 2 shared
# cores 500,000 events took 30 s and 667 MiB in all; 1,000,000 took 51 s and 939 MiB on a quiet
# machine, 64 s on a busy one, where plain Python took 24.5 s and 715 MiB.
# See docs/rule-language.md ("Backends").
RETE_AUTO_EVENTS = 500_000

BackendChoice = Literal["auto", "rete", "python"]


def audit(
    engine: AuditSource,
    events: Iterable[Event | Mapping[str, Any]],
    *,
    as_of: dt.date | None = None,
    backend: BackendChoice = "auto",
) -> AuditReport:
    """Audit a log of events as it stands on `as_of` (default: the day of its last event).
    `backend`: durable-rules' Rete network (`rete`), plain Python (`python`), or `auto`: Rete
    where durable-rules is installed and the log holds at most RETE_AUTO_EVENTS events, else plain
    Python (the report names the one that ran). Both give the same report. Deterministic; thread-safe.
    Raises ActionError for an audit date the calendar cannot serve."""
    return audit_records(engine, ((None, e, None) for e in events), as_of=as_of, backend=backend)


def audit_records(
    engine: AuditSource,
    records: Iterable[tuple[int | None, Any, str | None]],
    *,
    as_of: dt.date | None = None,
    backend: BackendChoice = "auto",
) -> AuditReport:
    """Audit records as a reader gives them: (line, data, error) each, where `data` is an event (a
    mapping, an event model, or the bytes of one JSON text) and `error` says why a record could not
    be read (it becomes a problem on its line). Otherwise as `audit`."""
    if backend == "rete" and not durable.available():
        raise ActionError(
            "the `rete` audit backend needs durable-rules, which is not installed "
            "(it does not build on Python 3.13): use the `python` backend"
        )
    if backend not in ("auto", "rete", "python"):
        raise ActionError(f"unknown audit backend `{backend}`: `rete`, `python` or `auto`")
    checks = Checks.of(engine)
    problems: list[LogProblem] = []
    entries = list(read(engine, records, checks, problems))
    day = settle_as_of(engine.calendar, ((e.day, e.id) for e in entries), as_of)
    log = link(entries, checks.all, problems, day)
    ran: Backend
    if backend == "auto":
        ran = "rete" if durable.available() and len(log.entries) <= RETE_AUTO_EVENTS else "python"
    else:
        ran = backend
    matches = rete.match(log) if ran == "rete" else python.match(log)
    return build_report(matches, log, problems, ran)


def audit_file(
    engine: AuditSource, path: str, *, as_of: dt.date | None = None, backend: BackendChoice = "auto"
) -> AuditReport:
    """Audit the events of a JSON Lines, JSON or YAML file, read as `govrules audit` reads it
    (problems name their line)."""
    return audit_records(
        engine, ((r.line, r.data, r.error) for r in read_records(path, "events")), as_of=as_of, backend=backend
    )


def audit_date(
    engine: AuditSource, events: Iterable[Event | Mapping[str, Any]], *, as_of: dt.date | None = None
) -> dt.date | None:
    """The day an audit of `events` stands on, as `audit` settles it: `as_of`, checked against the
    calendar, or the day of the last event the audit keeps (None: it keeps none). Only the events
    of the last two days matter, so a caller that splits a log may pass just those. Raises
    ActionError as `audit` does."""
    items: Iterable[Item] = ((None, e, None) for e in events)
    entries = read(engine, items, Checks.of(engine), [])
    day = settle_as_of(engine.calendar, ((e.day, e.id) for e in entries), as_of)
    return None if day == dt.date.min else day


def stop_workers() -> None:
    """Stop the Rete backend's worker processes at once (an interrupted audit)."""
    durable.stop()

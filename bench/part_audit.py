"""Part 5: `govrules audit` over a generated event log: events per second and peak memory."""

from __future__ import annotations

import datetime as dt
import json
import random
import threading
from pathlib import Path
from typing import Any

from . import proc
from .common import OUT, ROOT, Section

FIXTURE = ROOT / "tests" / "fixtures" / "audit"


def _bundled_has_audits() -> bool:
    import govrules

    engine = govrules.load()
    return any(v.audits for j in engine.jurisdictions for v in engine.versions(j))


JURISDICTIONS = ("qinghemen", "xiangshan")  # between them, checks of every form: follow-ups with and
# without a deadline, lead times, yearly limits, calendar periods and a 14-day cadence


def write_log(path: Path, n: int, jurisdictions: str | tuple[str, ...] = JURISDICTIONS, seed: int = 3) -> dt.date:
    """About `n` events over the checks of every form: topical, executive, plenary and district-wide
    meetings and their minutes, legality opinions and documents, countersign requests and replies,
    leave requests, departures and returns, inspections, upper-level documents. Every fact a check's
    trigger reads is given, so the log has no problems on the bundled rulebook. Most duties are met,
    some late, some never; dates run forward over about three years whatever `n` (a busy government's
    log, not a longer one). Returns a date after the last event."""
    rnd = random.Random(seed)
    jurs = (jurisdictions,) if isinstance(jurisdictions, str) else jurisdictions
    day = dt.date(2024, 1, 2)
    head, deputy = {"role": "department_head"}, {"role": "deputy"}
    written = 0
    k = 0
    per_day = max(1, round(n / 1.7 / 1100))  # about 1.7 events per step: ~1,100 days in all
    with path.open("w", encoding="utf-8") as f:

        def emit(ev: dict[str, Any], actor: dict[str, str] = head) -> None:
            nonlocal written
            f.write(json.dumps({"jurisdiction": jurisdiction, "actor": actor, **ev}) + "\n")
            written += 1

        def later(lo: int, hi: int) -> str:
            return (day + dt.timedelta(days=rnd.randint(lo, hi))).isoformat()

        def meeting(eid: str, kind: str, **facts: Any) -> None:
            emit(
                {
                    "type": "meeting_held",
                    "id": eid,
                    "date": day.isoformat(),
                    "meeting": kind,
                    "legal_matters": False,
                    "decided_documents": False,
                    "decisions_to_publish": False,
                    "needs_minutes": True,
                    **facts,
                },
                deputy,
            )

        while written < n:
            k += 1
            day += dt.timedelta(days=1 if k % per_day == 0 else 0)
            jurisdiction = jurs[k % len(jurs)]
            r = rnd.random()
            if r < 0.25:
                legal = rnd.random() < 0.2
                meeting(f"m{k}", "topical", legal_matters=legal)
                if rnd.random() < 0.9:
                    emit({"type": "minutes_issued", "id": f"mi{k}", "ref": f"m{k}", "date": later(0, 5)})
                if legal and rnd.random() < 0.9:
                    emit({"type": "legality_opinion_given", "id": f"lo{k}", "ref": f"m{k}", "date": later(0, 2)})
            elif r < 0.45:
                emit({"type": "countersign_requested", "id": f"c{k}", "date": day.isoformat()})
                if rnd.random() < 0.85:
                    emit({"type": "countersign_replied", "id": f"cr{k}", "ref": f"c{k}", "date": later(0, 6)})
            elif r < 0.65:
                emit({"type": "leave_requested", "id": f"l{k}", "date": day.isoformat()})
                emit({"type": "departed", "id": f"d{k}", "ref": f"l{k}", "date": later(1, 6)})
                delegation = rnd.random() < 0.1
                emit(
                    {
                        "type": "returned",
                        "id": f"b{k}",
                        "ref": f"l{k}",
                        "date": later(7, 9),
                        "upper_meeting": False,
                        "delegation": delegation,
                    }
                )
                if delegation and rnd.random() < 0.8:
                    emit({"type": "trip_reported", "id": f"t{k}", "ref": f"b{k}", "date": later(10, 20)})
            elif r < 0.75:
                emit(
                    {
                        "type": "inspection_assigned",
                        "id": f"i{k}",
                        "date": day.isoformat(),
                        "complexity": rnd.choice(("simple", "complex")),
                    }
                )
                if rnd.random() < 0.9:
                    emit({"type": "inspection_completed", "id": f"ic{k}", "ref": f"i{k}", "date": later(0, 35)})
            elif r < 0.85:
                emit(
                    {
                        "type": "upper_document_received",
                        "id": f"u{k}",
                        "date": day.isoformat(),
                        "urgent": rnd.random() < 0.3,
                    }
                )
                if rnd.random() < 0.9:
                    emit({"type": "upper_document_forwarded", "id": f"uf{k}", "ref": f"u{k}", "date": later(0, 3)})
            elif r < 0.95:
                documents = rnd.random() < 0.3
                meeting(f"e{k}", "executive", decided_documents=documents, documents=2 if documents else None)
                if rnd.random() < 0.9:
                    emit({"type": "minutes_issued", "id": f"ei{k}", "ref": f"e{k}", "date": later(0, 4)})
                for i in range(2 if documents else 0):
                    emit({"type": "decided_document_issued", "id": f"ed{k}_{i}", "ref": f"e{k}", "date": later(1, 9)})
            elif r < 0.97:
                meeting(f"p{k}", "plenary")
            else:
                meeting(f"w{k}", "district_wide", organizer_unit=f"unit{rnd.randrange(50)}")
    return day + dt.timedelta(days=40)


def run(sizes: tuple[int, ...] = (100_000, 1_000_000), quick: bool = False, budget_s: float = 900) -> Section:
    sec = Section(
        "audit", "5. Audit: `govrules audit` over an event log", f"python -m bench audit{' --quick' if quick else ''}"
    )
    OUT.mkdir(parents=True, exist_ok=True)
    bundled = _bundled_has_audits()
    if bundled:
        rb_args: list[str] = []
        jurisdiction: str | tuple[str, ...] = JURISDICTIONS
        where = f"the bundled rulebook, jurisdictions {' and '.join(JURISDICTIONS)}"
    else:
        rb_args = ["--rulebook", str(FIXTURE)]
        jurisdiction = "aud"
        where = (
            "`tests/fixtures/audit` (jurisdiction `aud`): the bundled rulebook has no audit checks yet "
            "(`engine.versions(j)[i].audits` is empty for every jurisdiction)"
        )
    rows, notes = [], []
    from govrules._audit import api, durable

    backends = ("rete", "python") if durable.available() else ("python",)
    for backend in backends:
        done: dict[int, float] = {}
        peak: dict[int, float] = {}
        own_peak: dict[int, float] = {}
        for n in sizes:
            if done:
                last_n = max(done)
                projected = done[last_n] * n / last_n
                if projected > budget_s:
                    notes.append(
                        f"- {backend}, {n:,} events not run: {last_n:,} took {done[last_n]:.0f} s, so {n:,} "
                        f"would take about {projected:.0f} s, over the budget of {budget_s:.0f} s."
                    )
                    continue
                rss = peak[last_n] * n / last_n
                if rss > 0.6 * proc.available_mib():
                    notes.append(
                        f"- {backend}, {n:,} events not run: {last_n:,} peaked at {peak[last_n]:,.0f} MiB, "
                        f"so {n:,} would need about {rss:,.0f} MiB, over 60% of the memory available."
                    )
                    continue
            log = OUT / f"events_{n}.jsonl"
            if not log.exists():
                (OUT / f"events_{n}.asof").write_text(write_log(log, n, jurisdiction).isoformat())
            as_of = (OUT / f"events_{n}.asof").read_text()
            args = [
                *proc.govrules_cmd(),
                "audit",
                str(log),
                *rb_args,
                "--as-of",
                as_of,
                "--backend",
                backend,
                "--format",
                "json",
            ]
            out = OUT / f"audit_{n}.json"
            started = proc.start(args, stdout=str(out))
            timer = threading.Timer(budget_s, started.popen.kill)  # a hung run is stopped
            timer.start()
            r = proc.wait(started)
            timer.cancel()
            summary = ""
            try:
                rep = json.loads(out.read_text())
                summary = (
                    f"{len(rep['findings']):,} findings ({sum(f['breach'] for f in rep['findings']):,} "
                    f"breaches), {len(rep['problems']):,} problems"
                )
            except (OSError, ValueError, KeyError):
                summary = f"no report (exit {r.code}: {r.stderr.strip()[-300:]})"
            ok = r.code in (0, 1, 2)  # 2: the log has problems, reported
            if not ok:
                notes.append(
                    f"- {backend}, {n:,} events: exit code {r.code} after {r.wall:.0f} s; no result. "
                    f"{r.stderr.strip()[-300:]}"
                )
            done[n] = r.wall
            peak[n] = r.tree_rss_mib
            own_peak[n] = r.max_rss_mib
            chosen = "rete" if durable.available() and n <= api.RETE_AUTO_EVENTS else "python"
            rows.append(
                [
                    f"{n:,}",
                    backend + (" (auto)" if backend == chosen else ""),
                    f"{r.wall:.1f}" if ok else f"stopped at {r.wall:.0f}",
                    f"{n / r.wall:,.0f}" if ok else "—",
                    f"{r.max_rss_mib:,.0f}",
                    f"{r.tree_rss_mib:,.0f}",
                    summary,
                ]
            )
            if backend == chosen:  # the figure a user gets with the default `--backend auto`
                sec.figures[f"n{n}"] = {
                    "wall": r.wall,
                    "rss_mib": r.max_rss_mib,
                    "tree_rss_mib": r.tree_rss_mib,
                    "code": r.code,
                    "backend": backend,
                }
            out.unlink(missing_ok=True)
    for n in sizes:
        for f in (OUT / f"events_{n}.jsonl", OUT / f"events_{n}.asof"):
            if n >= 1_000_000 or quick:
                f.unlink(missing_ok=True)
    sec.add(
        f"Rulebook: {where}. The log: topical, executive, plenary and district-wide meetings with their "
        "minutes, legality opinions and decided documents, countersign requests and replies, leave requests, "
        "departures, returns and trip reports, inspections, upper-level documents, dates running forward over "
        "about "
        "three years, most duties met, some late, some never (generated by `bench/part_audit.py`). Peak RSS: of "
        "the `govrules` process alone (`/usr/bin/time -f %M`), and the largest sum over it and every process "
        "it started (govrules runs its Rete networks in worker processes), sampled every 0.5 s from /proc. Each "
        "size runs on each backend; `(auto)` marks the one `--backend auto` picks (Rete up to "
        f"{api.RETE_AUTO_EVENTS:,} events).",
        f"Command: `{proc.show([*proc.govrules_cmd(), 'audit', 'bench/out/events_N.jsonl', *rb_args])} "
        "--as-of DATE --format json > bench/out/audit_N.json`.",
        "",
    )
    sec.table(
        ["events", "backend", "wall s", "events /s", "peak RSS MiB, govrules", "with its workers", "report"], rows
    )
    sec.add(*notes)
    big = sec.figures.get("n1000000")
    if big is not None:  # issue 13: the default backend, 1M events, < 60 s and < 1 GB over all processes
        ok = big["code"] in (0, 1, 2) and big["wall"] < 60 and big["tree_rss_mib"] < 1024
        sec.figures["target_1m"] = ok
        sec.add(
            f"- Target (issue 13): `govrules audit` of 1,000,000 events (`--backend auto`: {big['backend']}) under "
            f"60 s with under 1 GB over all its processes: {big['wall']:.1f} s, {big['tree_rss_mib']:,.0f} MiB → "
            f"**{'met' if ok else 'MISSED'}**."
        )
    return sec

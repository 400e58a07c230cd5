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


def write_log(path: Path, n: int, jurisdiction: str, seed: int = 3) -> dt.date:
    """About `n` events over the checks of every form: topical and district-wide meetings and their
    minutes, executive meetings, countersign requests and replies, leave requests and departures.
    Most duties are met, some late, some never; dates run forward over about three years whatever
    `n` (a busy government's log, not a longer one). Returns a date ten days after the last event."""
    rnd = random.Random(seed)
    day = dt.date(2024, 1, 2)
    actor = {"role": "department_head"}
    written = 0
    k = 0
    per_day = max(1, round(n / 1.6 / 1100))  # about 1.6 events per step: ~1,100 days in all
    with path.open("w", encoding="utf-8") as f:
        def emit(ev: dict[str, Any]) -> None:
            nonlocal written
            f.write(json.dumps({"jurisdiction": jurisdiction, "actor": actor, **ev}) + "\n")
            written += 1

        while written < n:
            k += 1
            day += dt.timedelta(days=1 if k % per_day == 0 else 0)
            r = rnd.random()
            if r < 0.3:
                eid = f"m{k}"
                emit({"type": "meeting_held", "id": eid, "date": day.isoformat(), "meeting": "topical"})
                if rnd.random() < 0.9:
                    emit({"type": "minutes_issued", "id": f"mi{k}", "ref": eid,
                          "date": (day + dt.timedelta(days=rnd.randint(0, 5))).isoformat()})
            elif r < 0.6:
                eid = f"c{k}"
                emit({"type": "countersign_requested", "id": eid, "date": day.isoformat()})
                if rnd.random() < 0.85:
                    emit({"type": "countersign_replied", "id": f"cr{k}", "ref": eid,
                          "date": (day + dt.timedelta(days=rnd.randint(0, 6))).isoformat()})
            elif r < 0.9:
                eid = f"l{k}"
                emit({"type": "leave_requested", "id": eid, "date": day.isoformat()})
                emit({"type": "departed", "id": f"d{k}", "ref": eid,
                      "date": (day + dt.timedelta(days=rnd.randint(1, 6))).isoformat()})
            elif r < 0.97:
                emit({"type": "meeting_held", "id": f"e{k}", "date": day.isoformat(), "meeting": "executive"})
            else:
                emit({"type": "meeting_held", "id": f"w{k}", "date": day.isoformat(), "meeting": "district_wide",
                      "organizer_unit": f"unit{rnd.randrange(50)}"})
    return day + dt.timedelta(days=10)


def run(sizes: tuple[int, ...] = (100_000, 1_000_000), quick: bool = False, budget_s: float = 900) -> Section:
    sec = Section("audit", "5. Audit: `govrules audit` over an event log",
                  f"python -m bench audit{' --quick' if quick else ''}")
    OUT.mkdir(parents=True, exist_ok=True)
    bundled = _bundled_has_audits()
    if bundled:
        rb_args: list[str] = []
        jurisdiction = "qinghemen"
        where = "the bundled rulebook"
    else:
        rb_args = ["--rulebook", str(FIXTURE)]
        jurisdiction = "aud"
        where = ("`tests/fixtures/audit` (jurisdiction `aud`): the bundled rulebook has no audit checks yet "
                 "(`engine.versions(j)[i].audits` is empty for every jurisdiction)")
    rows, notes = [], []
    done: dict[int, float] = {}
    peak: dict[int, float] = {}
    own_peak: dict[int, float] = {}
    for n in sizes:
        if done:
            last_n = max(done)
            projected = done[last_n] * n / last_n
            if projected > budget_s:
                notes.append(f"- {n:,} events not run: {last_n:,} took {done[last_n]:.0f} s, so {n:,} would take "
                             f"about {projected:.0f} s, over the budget of {budget_s:.0f} s.")
                continue
            # The govrules process grows with the log; its workers are replaced every 100,000 facts
            # (src/govrules/_durable.py), so their share is taken as it was, not scaled.
            own = own_peak[last_n]
            rss = own * n / last_n + (peak[last_n] - own)
            if rss > 0.6 * proc.available_mib():
                notes.append(f"- {n:,} events not run: {last_n:,} peaked at {peak[last_n]:,.0f} MiB, so {n:,} would "
                             f"need about {rss:,.0f} MiB, over 60% of the memory available.")
                continue
        log = OUT / f"events_{n}.jsonl"
        as_of = write_log(log, n, jurisdiction)
        args = [*proc.govrules_cmd(), "audit", str(log), *rb_args, "--as-of", as_of.isoformat(), "--format", "json"]
        out = OUT / f"audit_{n}.json"
        started = proc.start(args, stdout=str(out))
        timer = threading.Timer(budget_s, started.popen.kill)  # a hung run (it happens: see NOTES) is stopped
        timer.start()
        r = proc.wait(started)
        timer.cancel()
        summary = ""
        try:
            rep = json.loads(out.read_text())
            summary = (f"{len(rep['findings']):,} findings ({sum(f['breach'] for f in rep['findings']):,} breaches), "
                       f"{len(rep['problems']):,} problems")
        except (OSError, ValueError, KeyError):
            summary = f"no report (exit {r.code}: {r.stderr.strip()[-300:]})"
        ok = r.code in (0, 1, 2)  # 2: the log has problems, reported
        if not ok:
            notes.append(f"- {n:,} events: exit code {r.code} after {r.wall:.0f} s; no result. "
                         f"{r.stderr.strip()[-300:]}")
        done[n] = r.wall
        peak[n] = r.tree_rss_mib
        own_peak[n] = r.max_rss_mib
        rows.append([f"{n:,}", f"{r.wall:.1f}" if ok else f"stopped at {r.wall:.0f}",
                     f"{n / r.wall:,.0f}" if ok else "—", f"{r.max_rss_mib:,.0f}",
                     f"{r.tree_rss_mib:,.0f}", summary])
        sec.figures[f"n{n}"] = {"wall": r.wall, "rss_mib": r.max_rss_mib, "tree_rss_mib": r.tree_rss_mib,
                                "code": r.code}
        if n >= 1_000_000 or quick:
            log.unlink(missing_ok=True)
            out.unlink(missing_ok=True)
    sec.add(f"Rulebook: {where}. The log: meetings and their minutes, countersign requests and replies, leave "
            "requests and departures, executive and district-wide meetings, dates running forward over about "
            "three years, most duties met, some late, some never (generated by `bench/part_audit.py`). Peak RSS: of "
            "the `govrules` process alone (`/usr/bin/time -f %M`), and the largest sum over it and every process "
            "it started (govrules runs its Rete networks in worker processes), sampled every 0.5 s from /proc.",
            f"Command: `{proc.show([*proc.govrules_cmd(), 'audit', 'bench/out/events_N.jsonl', *rb_args])} "
            "--as-of DATE --format json > bench/out/audit_N.json`.", "")
    sec.table(["events", "wall s", "events /s", "peak RSS MiB, govrules", "with its workers", "report"], rows)
    sec.add(*notes)
    return sec

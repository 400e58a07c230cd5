"""Part 4: `govrules check` over a large JSON Lines file: wall time and peak memory, one process,
two processes on halves, and `--jobs 2` where `check` has it."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path
from typing import Any

from . import proc
from .common import OUT, Section, profile
from .stream import mixed

POOL = 20_000  # distinct actions; the file repeats them in a shuffled order with fresh ids


def write_jsonl(path: Path, n: int, pool: list[dict[str, Any]], seed: int = 5) -> None:
    rnd = random.Random(seed)
    lines = [json.dumps({k: v for k, v in a.items() if k != "id"}, ensure_ascii=False) for a in pool]
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            line = lines[rnd.randrange(len(lines))]
            f.write(f'{{"id": "b{i}", {line[1:]}\n')


def _check_profile(pool: list[dict[str, Any]], n: int = 20_000) -> list[str]:
    """cProfile of `govrules check --format json` in-process over n actions (output discarded)."""
    import contextlib
    import io

    from govrules._cli import main

    path = OUT / f"batch_profile_{n}.jsonl"
    write_jsonl(path, n, pool)
    sink = io.StringIO()

    def check() -> None:
        with contextlib.redirect_stdout(sink):
            main(["check", "--exit-zero", "--format", "json", str(path)])

    text = profile(check)
    path.unlink(missing_ok=True)
    return [
        f"Profile of one process: `govrules check --exit-zero --format json` over {n:,} actions, run in-process "
        "(`govrules._cli.main`, output discarded; cProfile, top 15 by own time):",
        "",
        "```",
        text,
        "```",
        "",
    ]


def _halves(path: Path) -> tuple[Path, Path]:
    a, b = path.with_suffix(".half1.jsonl"), path.with_suffix(".half2.jsonl")
    lines = path.read_bytes().splitlines(keepends=True)
    mid = len(lines) // 2
    a.write_bytes(b"".join(lines[:mid]))
    b.write_bytes(b"".join(lines[mid:]))
    return a, b


def has_jobs() -> bool:
    """Whether this govrules' `check` takes `--jobs`."""
    r = subprocess.run([*proc.govrules_cmd(), "check", "--help"], capture_output=True, text=True, check=False)
    return "--jobs" in r.stdout


def measure(path: Path, extra: list[str], jobs: bool) -> dict[str, Any]:
    cmd = [*proc.govrules_cmd(), "check", "--exit-zero", *extra]
    one = proc.run([*cmd, str(path)])
    h1, h2 = _halves(path)
    p1 = proc.start([*cmd, str(h1)])
    p2 = proc.start([*cmd, str(h2)])
    r1, r2 = proc.wait(p1), proc.wait(p2)
    j2 = proc.run([*cmd, "--jobs", "2", str(path)]) if jobs else None
    return {"one": one, "two": (r1, r2), "jobs2": j2, "cmd": cmd, "halves": (h1, h2)}


def run(sizes: tuple[int, ...] = (100_000, 1_000_000), quick: bool = False, budget_s: float = 600) -> Section:
    import govrules

    sec = Section(
        "batch", "4. Batch: `govrules check` over JSON Lines", f"python -m bench batch{' --quick' if quick else ''}"
    )
    OUT.mkdir(parents=True, exist_ok=True)
    pool = mixed(min(POOL, max(sizes)), govrules.load())
    rows = []
    done: dict[int, dict[str, Any]] = {}
    notes = []
    jobs = has_jobs()
    for n in sizes:
        if done:
            last_n = max(done)
            last = done[last_n]["one"].wall
            projected = last * n / last_n
            if projected > budget_s:
                notes.append(
                    f"- {n:,} actions not run: {last_n:,} took {last:.0f} s, so {n:,} would take about "
                    f"{projected:.0f} s, over this suite's budget of {budget_s:.0f} s for one run."
                )
                continue
            rss = done[last_n]["one"].max_rss_mib * n / last_n
            if rss > 0.6 * proc.available_mib():
                peak = done[last_n]["one"].max_rss_mib
                notes.append(
                    f"- {n:,} actions not run: {last_n:,} peaked at {peak:,.0f} MiB, "
                    f"so {n:,} would need about {rss:,.0f} MiB, over 60% of this machine's memory."
                )
                continue
        path = OUT / f"batch_{n}.jsonl"
        write_jsonl(path, n, pool)
        m = measure(path, ["--format", "json"], jobs)
        done[n] = m
        one, (r1, r2), j2 = m["one"], m["two"], m["jobs2"]
        for r in (one, r1, r2, *([j2] if j2 else [])):
            if r.code != 0:
                notes.append(f"- exit code {r.code} ({r.stderr.strip()[-300:]})")
        two_wall = max(r1.wall, r2.wall)
        rows.append([f"{n:,}", "1 process", f"{one.wall:.1f}", f"{n / one.wall:,.0f}", f"{one.max_rss_mib:,.0f}"])
        rows.append(
            [
                f"{n:,}",
                "2 processes on halves",
                f"{two_wall:.1f}",
                f"{n / two_wall:,.0f}",
                f"{r1.max_rss_mib:,.0f} + {r2.max_rss_mib:,.0f}",
            ]
        )
        sec.figures[f"n{n}"] = {
            "one_wall": one.wall,
            "one_rss_mib": one.max_rss_mib,
            "two_wall": two_wall,
            "two_rss_mib": [r1.max_rss_mib, r2.max_rss_mib],
        }
        if j2 is not None:
            rows.append(
                [
                    f"{n:,}",
                    "`--jobs 2`",
                    f"{j2.wall:.1f}",
                    f"{n / j2.wall:,.0f}",
                    f"{j2.tree_rss_mib:,.0f} (all its processes)",
                ]
            )
            sec.figures[f"n{n}"].update(jobs2_wall=j2.wall, jobs2_rss_mib=j2.tree_rss_mib)
        for f in (path, *m["halves"]):
            if n >= 1_000_000 or quick:
                f.unlink(missing_ok=True)  # large: not kept
    cmd = proc.show([*proc.govrules_cmd(), "check", "--exit-zero", "--format", "json", "bench/out/batch_N.jsonl"])
    sec.add(
        f"`{cmd} > /dev/null`; the file holds N actions drawn (with fresh ids) from {min(POOL, max(sizes)):,} "
        "actions of the mixed stream of part 2. The two-process row runs two such commands at once, each on "
        "one half of the file, and reports the wall time until both are done and each one's peak memory. "
        + (
            "The `--jobs 2` row is the same command with `--jobs 2` on the whole file. "
            if jobs
            else "This `govrules check` has no `--jobs`. "
        )
        + "Peak memory is the maximum resident set size from `/usr/bin/time -f %M`; for `--jobs`, the "
        "largest sum over the command and its worker processes, sampled every 0.5 s from /proc.",
        "",
    )
    sec.table(["actions", "how", "wall s", "actions /s", "peak RSS MiB"], rows)
    sec.add(*notes)
    biggest = max(done) if done else 0
    if biggest:
        fig = sec.figures[f"n{biggest}"]
        two = min(fig["two_wall"], fig.get("jobs2_wall", float("inf")))
        projected = two * 1_000_000 / biggest
        ok = projected < 30
        how = "measured" if biggest == 1_000_000 else f"projected from {biggest:,}"
        best = "`--jobs 2`" if fig.get("jobs2_wall", float("inf")) <= fig["two_wall"] else "two processes on halves"
        sec.figures.update(target_1m=ok, projected_1m_two=projected)
        sec.add(
            f"- Target: one million actions under 30 s on 2 cores: {projected:.0f} s, the better of "
            f"`--jobs 2` and two processes ({best}; {how}) → **{'met' if ok else 'MISSED'}**."
        )
        if not ok and not quick:
            sec.add("", *_check_profile(pool))
        if "jobs2_wall" in fig:  # issue 13's own target: `--jobs 2`, memory flat
            small_fig = sec.figures[f"n{min(done)}"]
            flat = fig["jobs2_rss_mib"] <= 1.5 * small_fig.get("jobs2_rss_mib", fig["jobs2_rss_mib"])
            ok13 = biggest == 1_000_000 and fig["jobs2_wall"] < 30 and flat
            sec.figures.update(target_1m_jobs2=ok13, jobs2_1m=fig["jobs2_wall"], jobs2_flat=flat)
            sec.add(
                f"- Target (issue 13): 1,000,000 actions with `--jobs 2` under 30 s, memory flat: "
                f"{fig['jobs2_wall']:.1f} s at {biggest:,}, {fig['jobs2_rss_mib']:,.0f} MiB against "
                f"{small_fig.get('jobs2_rss_mib', 0):,.0f} MiB at {min(done):,} → **{'met' if ok13 else 'MISSED'}**."
            )
        small = min(done)
        if small != biggest:
            a, b = done[small]["one"].max_rss_mib, done[biggest]["one"].max_rss_mib
            sec.add(
                f"- Memory, one process: {a:,.0f} MiB at {small:,} actions, {b:,.0f} MiB at {biggest:,} "
                f"(×{b / a:.2f} for ×{biggest // small} the actions): "
                f"{'bounded (streaming)' if b < 1.5 * a else 'grows with the file'}."
            )
        sec.add("")
    return sec

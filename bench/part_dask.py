"""Part 7: govrules on Dask (bench/DASK.md). `check` over N actions and `audit` over N events on
LocalCluster(2) against one process and `check --jobs 2`, all in one run, each row a whole command
with the load average at its start and end; the cost of one partition; the inputs of the cost model.

    .venv/bin/python -m bench dask            # N = 1,000,000; RESULTS.md §7 and DASK.md's tables
    .venv/bin/python -m bench dask --quick    # N = 2,000: that it runs

Every row is a whole command (`govrules check --exit-zero --format json FILE > /dev/null`, as in
part 4), so each Dask row pays for starting its LocalCluster (measured alone in the first row).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

from . import proc
from .common import OUT, ROOT, Section, loadavg
from .part_audit import write_log
from .part_batch import POOL, write_jsonl
from .stream import mixed

DASK_MD = ROOT / "bench" / "DASK.md"
BEGIN, END = "<!-- figures: python -m bench dask -->", "<!-- end of figures -->"
CHECK_SAME_N = 100_000  # actions over which the outputs of the check rows are compared, untimed


def _events(path: Path, n: int) -> None:
    """n events over the five jurisdictions (n/5 each, ids made distinct), in date order."""
    import govrules

    jurs = govrules.load().jurisdictions
    lines: list[str] = []
    for j in jurs:
        part = OUT / f"dask_events_{j}.jsonl"
        write_log(part, n // len(jurs), j, seed=len(j))
        tag = j[:3]
        lines += [
            line.replace('"id": "', f'"id": "{tag}').replace('"ref": "', f'"ref": "{tag}')
            for line in part.read_text(encoding="utf-8").splitlines(keepends=True)
        ]
        part.unlink()
    lines.sort(key=lambda line: json.loads(line)["date"])
    path.write_text("".join(lines), encoding="utf-8")


def _sha(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:12]


def _row(name: str, args: list[str], n: int, keep: Path | None = None) -> dict[str, Any]:
    """One whole command, timed, with the load average at its start and end. With `keep`, its
    standard output goes to that file and the row notes its SHA-256 (to compare rows)."""
    before = loadavg()
    r = proc.run(args, stdout=str(keep) if keep is not None else "/dev/null")
    after = loadavg()
    if r.code not in (0, 1, 2):
        raise RuntimeError(f"{name}: exit {r.code}: {r.stderr}")
    row = {"name": name, "wall": r.wall, "rate": n / r.wall, "mib": r.tree_rss_mib, "load": [before, after]}
    if keep is not None:
        row["sha"] = _sha(keep)
        keep.unlink()
    print(
        f"{name}: {r.wall:.1f} s, {n / r.wall:,.0f}/s, {r.tree_rss_mib:,.0f} MiB, load {before} → {after}",
        file=sys.stderr,
    )
    return row


def per_partition(parts: int = 400) -> dict[str, float]:
    """What one partition costs the scheduler and a worker: `parts` empty partitions through
    LocalCluster(2), then as many holding one action each, judged with the EngineRef."""
    import dask.bag as db
    from distributed import Client, LocalCluster

    from govrules.dask import EngineRef, evaluate_partitions

    ref = EngineRef.load()
    one = (
        "x",
        1,
        {"kind": "leave_jurisdiction", "jurisdiction": "qinghemen", "date": "2026-03-09", "actor": {"role": "deputy"}},
        None,
    )
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        evaluate_partitions(db.from_sequence([one] * 4, npartitions=2), ref).compute()  # warm: load rulebooks
        t = time.perf_counter()
        db.from_sequence(range(parts), npartitions=parts).map_partitions(lambda p: list(p)).compute()
        empty = (time.perf_counter() - t) / parts
        t = time.perf_counter()
        evaluate_partitions(db.from_sequence([one] * parts, npartitions=parts), ref).compute()
        judged = (time.perf_counter() - t) / parts
        client.close()
    return {"empty_ms": empty * 1000, "one_action_ms": judged * 1000}


def _same_output(actions: Path, n: int) -> dict[str, str]:
    """The first `n` actions checked (untimed) by one process, `--jobs 2` and `--dask local`: the
    SHA-256 of each output, which must be one."""
    head = OUT / f"dask_same_{n}.jsonl"
    with actions.open("rb") as src, head.open("wb") as dst:
        for i, line in enumerate(src):
            if i >= n:
                break
            dst.write(line)
    c = [*proc.govrules_cmd(), "check", "--exit-zero", "--format", "json", str(head)]
    out = {}
    for name, extra in (
        ("1 process", []),
        ("--jobs 2", ["--jobs", "2"]),
        ("--dask local", ["--dask", "local", "--jobs", "2"]),
    ):
        keep = OUT / "dask_same.out"
        proc.run([*c, *extra], stdout=str(keep))
        out[name] = _sha(keep)
        keep.unlink()
    head.unlink()
    return out


def _partitions(path: Path, mb: int) -> int:
    return -(-path.stat().st_size // (mb * 1024 * 1024))


def run(n: int = 1_000_000, quick: bool = False) -> Section:
    import govrules

    if quick:
        n = 2_000
    sec = Section(
        "dask",
        "7. Dask: `check` and `audit` on LocalCluster(2)",
        f"python -m bench dask{' --quick' if quick else ''}",
    )
    OUT.mkdir(parents=True, exist_ok=True)
    actions, events = OUT / f"dask_actions_{n}.jsonl", OUT / f"dask_events_{n}.jsonl"
    if not actions.exists():
        write_jsonl(actions, n, mixed(POOL, govrules.load()))
    if not events.exists():
        _events(events, n)
    g = proc.govrules_cmd()
    fig: dict[str, Any] = {"n": n, "check": [], "audit": []}
    fig["startup"] = _row(
        "LocalCluster(2) start, rulebook loaded and checked, 1 action",
        [*g, "check", "--dask", "local", "--jobs", "2", str(ROOT / "examples" / "actions" / "leave.yaml")],
        1,
    )
    c = [*g, "check", "--exit-zero", "--format", "json", str(actions)]
    fig["check"].append(_row("`check`, 1 process", c, n))
    fig["check"].append(_row("`check --jobs 2`", [*c, "--jobs", "2"], n))
    for mb in (4, 16):
        fig["check"].append(
            _row(
                f"`check --dask local --jobs 2`, {mb} MB partitions ({_partitions(actions, mb)})",
                [*c, "--dask", "local", "--jobs", "2", "--partition-mb", str(mb)],
                n,
            )
        )
    a = [*g, "audit", "--format", "json", str(events)]
    from govrules._audit import durable

    for backend in ("python", "rete") if durable.available() else ("python",):
        ab = [*a, "--backend", backend]
        fig["audit"].append(_row(f"`audit`, 1 process, {backend}", ab, n, OUT / "dask_audit.out"))
        fig["audit"].append(
            _row(
                f"`audit --dask local`, {backend}, 4 MB partitions ({_partitions(events, 4)})",
                [*ab, "--dask", "local"],
                n,
                OUT / "dask_audit.out",
            )
        )
    fig["same_check"] = _same_output(actions, min(n, CHECK_SAME_N))
    fig["partition"] = per_partition(20 if quick else 400)
    fig["bytes_per_action"] = actions.stat().st_size / n
    fig["bytes_per_event"] = events.stat().st_size / n
    sec.figures = fig
    _body(sec, fig)
    if not quick:
        _write_dask_md(sec)
    return sec


def _body(sec: Section, fig: dict[str, Any]) -> None:
    n = fig["n"]
    start = fig["startup"]
    sec.add(
        f"One run, rows back to back, on this machine (the load average, 1-minute figure, at each row's start "
        f"→ end: the machine is shared). Actions: {n:,} drawn with fresh ids from {POOL:,} of the mixed stream "
        f"of part 2 (the input of part 4, {fig['bytes_per_action']:.0f} bytes an action), checked with "
        "`--format json > /dev/null` (part 4's output). Events: "
        f"{n:,} over the five jurisdictions ({fig['bytes_per_event']:.0f} bytes an event), audited with "
        "`--format json`. Each Dask row is a whole command: it starts its LocalCluster (2 worker processes, "
        "1 thread each) and stops it. Peak memory: the largest sum over the command and all its processes "
        "(scheduler, nannies, workers, Rete workers), sampled every 0.5 s.",
        "",
    )

    def table(rows: list[dict[str, Any]], unit: str, base: float) -> None:
        sec.table(
            ["how", "wall s", f"{unit}/s", "× 1 process", "peak MiB", "load at start → end"],
            [
                [
                    r["name"],
                    f"{r['wall']:.1f}",
                    f"{r['rate']:,.0f}",
                    f"{base / r['wall']:.2f}",
                    f"{r['mib']:,.0f}",
                    f"{r['load'][0].split()[0]} → {r['load'][1].split()[0]}",
                ]
                for r in rows
            ],
        )

    sec.add(f"`govrules check` over {n:,} actions:", "")
    table(fig["check"], "actions", fig["check"][0]["wall"])
    same = set(fig["same_check"].values())
    sec.add(
        f"- Start of a LocalCluster(2) with the rulebook loaded and its digest checked on both workers, and "
        f"one action: {start['wall']:.1f} s, {start['mib']:,.0f} MiB (load {start['load'][0].split()[0]}).",
        f"- Output: the first {min(n, CHECK_SAME_N):,} actions checked again, untimed, by the three ways: "
        + (
            "one output (SHA-256 " + next(iter(same)) + ")."
            if len(same) == 1
            else f"**outputs differ**: {fig['same_check']}."
        ),
        "",
    )
    sec.add(f"`govrules audit` over {n:,} events:", "")
    rows = fig["audit"]
    for i in range(0, len(rows), 2):
        table(rows[i : i + 2], "events", rows[i]["wall"])
    same = all(rows[i]["sha"] == rows[i + 1]["sha"] for i in range(0, len(rows), 2))
    sec.add(
        "- Reports: "
        + (
            "the Dask report is the single-process report, byte for byte, on each backend (SHA-256 "
            + ", ".join(rows[i]["sha"] for i in range(0, len(rows), 2))
            + "; the backends' reports differ in their `backend` field)."
            if same
            else f"**reports differ**: {[(r['name'], r['sha']) for r in rows]}."
        ),
        "",
    )
    p = fig["partition"]
    sec.add(
        f"One partition through LocalCluster(2), the rulebook loaded: {p['empty_ms']:.1f} ms empty, "
        f"{p['one_action_ms']:.1f} ms holding one action judged with the EngineRef (the wall time of many, "
        "divided by their number, 2 workers).",
    )


def _write_dask_md(sec: Section) -> None:
    """DASK.md's figures, between its two markers, from this run."""
    text = DASK_MD.read_text(encoding="utf-8")
    head = f"`{sec.command}` — run {sec.started}; load average {sec.load} at the start, {loadavg()} at the end."
    block = "\n".join([BEGIN, "", head, "", *sec.body, "", END])
    if BEGIN in text and END in text:
        text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DASK_MD.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    section = run(size)
    print("\n".join(section.body))
    (OUT / f"dask_{size}.json").write_text(json.dumps(section.figures, indent=1))

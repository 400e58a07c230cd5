"""Dask figures (bench/DASK.md): `check` and `audit` over N actions/events on LocalCluster(2)
against one process and `--jobs 2`, the overhead of one partition, and the inputs of the cost model.

    .venv/bin/python -m bench.part_dask [N]        # default 200,000; writes bench/DASK.md's tables

Every row is a whole command (`govrules check --format json … > /dev/null`), so each Dask row pays
for starting its LocalCluster (measured alone in the `startup` row) as a user would.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from . import proc
from .common import OUT, loadavg
from .part_audit import write_log
from .part_batch import POOL, write_jsonl
from .stream import mixed


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


def _row(name: str, args: list[str], n: int) -> dict[str, Any]:
    r = proc.run(args)
    if r.code not in (0, 1, 2):
        raise RuntimeError(f"{name}: exit {r.code}: {r.stderr}")
    print(f"{name}: {r.wall:.1f} s, {n / r.wall:,.0f}/s, {r.tree_rss_mib:,.0f} MiB", file=sys.stderr)
    return {"name": name, "wall": r.wall, "rate": n / r.wall, "mib": r.tree_rss_mib}


def per_partition(parts: int = 400) -> dict[str, float]:
    """What one partition costs the scheduler and a worker when it does nothing: `parts` empty
    partitions through LocalCluster(2), and the same number holding one action each."""
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


def run(n: int) -> dict[str, Any]:
    OUT.mkdir(parents=True, exist_ok=True)
    actions, events = OUT / f"dask_actions_{n}.jsonl", OUT / f"dask_events_{n}.jsonl"
    import govrules

    if not actions.exists():
        write_jsonl(actions, n, mixed(POOL, govrules.load()))
    if not events.exists():
        _events(events, n)
    g = proc.govrules_cmd()
    out: dict[str, Any] = {"n": n, "load_before": loadavg(), "check": [], "audit": []}
    out["startup"] = _row(
        "LocalCluster(2) start + 1 action",
        [
            *g,
            "check",
            "--dask",
            "local",
            "--jobs",
            "2",
            str(Path(__file__).parent.parent / "examples" / "actions" / "leave.yaml"),
        ],
        1,
    )
    c = [*g, "check", "--exit-zero", "--format", "json", str(actions)]
    out["check"].append(_row("check, 1 process", c, n))
    out["check"].append(_row("check --jobs 2", [*c, "--jobs", "2"], n))
    out["check"].append(
        _row("check --dask local (2 workers, 32 MB partitions)", [*c, "--dask", "local", "--jobs", "2"], n)
    )
    out["check"].append(
        _row(
            "check --dask local (2 workers, 4 MB partitions)",
            [*c, "--dask", "local", "--jobs", "2", "--partition-mb", "4"],
            n,
        )
    )
    a = [*g, "audit", "--format", "json", str(events)]
    out["audit"].append(_row("audit, 1 process (rete)", a, n))
    out["audit"].append(_row("audit --dask local (2 workers, rete)", [*a, "--dask", "local"], n))
    out["audit"].append(_row("audit, 1 process (python)", [*a, "--backend", "python"], n))
    out["audit"].append(
        _row("audit --dask local (2 workers, python)", [*a, "--dask", "local", "--backend", "python"], n)
    )
    out["partition"] = per_partition()
    out["bytes_per_action"] = actions.stat().st_size / n
    out["load_after"] = loadavg()
    return out


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    result = run(n)
    (OUT / f"dask_{n}.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))

"""The decision service under a bounded load on loopback: `python -m bench.part_service [--quick]`.

A real `govrules serve` on 127.0.0.1 with 1 and then 2 worker processes; a fixed number of
requests (it stops by itself): single decisions (POST /v1/decisions, 4 client threads) and batches
(POST /v1/decisions:batch, 1,000 actions each, 2 client threads), decisions per second and p50/p99
latency per request; and, for comparison, the in-process rate of `engine.evaluate` on the same
actions (and with the decision dumped as JSON, as the service must). Writes bench/SERVICE.md.
The client runs on the same machine and takes its share of the cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

import govrules

from .stream import mixed

OUT = Path(__file__).resolve().parent / "SERVICE.md"
RUNNING = re.compile(r"Uvicorn running on http://127\.0\.0\.1:(\d+)")


@contextmanager
def server(workers: int) -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "govrules", "serve", "--port", "0", "--workers", str(workers), "--max-batch", "20000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    url = ""
    for line in proc.stdout:
        m = RUNNING.search(line)
        if m:
            url = f"http://127.0.0.1:{m.group(1)}"
            break
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()  # type: ignore[union-attr]
    try:
        for _ in range(600):
            try:
                if httpx.get(url + "/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        if workers > 1:  # let every worker load its rulebook before the clock starts
            time.sleep(3)
        yield url
    finally:
        proc.terminate()
        proc.wait(60)


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def load(threads: int, jobs: list[Any], send: Callable[[httpx.Client, Any], int], url: str) -> dict[str, float]:
    """Send every job, spread over `threads` clients; decisions/s and per-request latency."""
    latencies: list[float] = []
    decided = [0] * threads
    lock = threading.Lock()

    def client(k: int) -> None:
        with httpx.Client(base_url=url, timeout=120) as c:
            for job in jobs[k::threads]:
                t = time.perf_counter()
                decided[k] += send(c, job)
                dt_ = time.perf_counter() - t
                with lock:
                    latencies.append(dt_)

    start = time.perf_counter()
    ts = [threading.Thread(target=client, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    wall = time.perf_counter() - start
    return {
        "rate": sum(decided) / wall,
        "p50": pct(latencies, 50) * 1000,
        "p99": pct(latencies, 99) * 1000,
        "requests": len(latencies),
        "decisions": sum(decided),
        "wall": wall,
    }


def single(c: httpx.Client, body: bytes) -> int:
    r = c.post("/v1/decisions", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text
    return 1


def batch(c: httpx.Client, body: bytes) -> int:
    r = c.post("/v1/decisions:batch", content=body, headers={"content-type": "application/x-ndjson"})
    assert r.status_code == 200, r.text[:300]
    n = r.content.count(b"\n")
    assert b'"error"' not in r.content
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small sizes; writes nothing")
    args = ap.parse_args(argv)
    n_single, n_batches, size = (200, 4, 500) if args.quick else (4000, 40, 1000)
    engine = govrules.load()
    pool = mixed(2000, engine)
    bodies = [json.dumps(a, ensure_ascii=False).encode() for a in pool]
    singles = [bodies[i % len(bodies)] for i in range(n_single)]
    batches = [b"\n".join(bodies[(i * size + j) % len(bodies)] for j in range(size)) for i in range(n_batches)]

    rows = []
    n = n_batches * size

    def in_process() -> tuple[float, float]:
        t = time.perf_counter()
        for i in range(n):
            engine.evaluate(pool[i % len(pool)])
        plain = n / (time.perf_counter() - t)
        t = time.perf_counter()
        for i in range(n):
            engine.evaluate(pool[i % len(pool)]).model_dump_json(exclude_none=True)
        return plain, n / (time.perf_counter() - t)

    for workers in (1, 2):
        here = in_process()  # measured next to each run: the machine is shared, its speed drifts
        with server(workers) as url:
            load(2, batches[:2], batch, url)  # warm up
            s = load(4, singles, single, url)
            b = load(2, batches, batch, url)
        rows.append((workers, s, b, here))
        print(
            f"workers={workers}: single {s['rate']:.0f}/s p50 {s['p50']:.2f} ms p99 {s['p99']:.2f} ms; "
            f"batch {b['rate']:.0f}/s p50 {b['p50']:.0f} ms p99 {b['p99']:.0f} ms; "
            f"in process {here[0]:.0f}/s, with JSON {here[1]:.0f}/s",
            flush=True,
        )
    if args.quick:
        return 0
    lines = [
        "# The decision service under load",
        "",
        "Written by `python -m bench.part_service` (bounded: a fixed number of requests on loopback, then it "
        "stops). The client runs on the same machine and takes its share of the cores; the in-process rate "
        "is measured just before each server run, on the same actions, because the machine is shared.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
        f"{len(pool)} distinct actions of every kind and jurisdiction (bench/stream.py `mixed`).",
        "",
        "| workers | requests | decisions/s | p50 per request | p99 per request | in process (evaluate; + JSON) "
        "| batch ÷ in process |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for workers, s, b, (plain, with_json) in rows:
        lines.append(
            f"| {workers} | {s['requests']} single decisions, 4 client threads | {s['rate']:,.0f} | "
            f"{s['p50']:.2f} ms | {s['p99']:.2f} ms | | |"
        )
        lines.append(
            f"| {workers} | {b['requests']} batches of {size}, 2 client threads | {b['rate']:,.0f} | "
            f"{b['p50']:.0f} ms | {b['p99']:.0f} ms | {plain:,.0f}; {with_json:,.0f} | "
            f"{b['rate'] / plain:.0%} |"
        )
    lines += ["", "Target: the batch endpoint at least half the in-process rate.", ""]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

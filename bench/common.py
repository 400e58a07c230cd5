"""What every part shares: paths, timing, the machine's description, and the results file."""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SLICE_DIR = BENCH / "slice"
OUT = BENCH / "out"
RESULTS = BENCH / "RESULTS.md"
PARTS = ("slice", "full", "startup", "batch", "audit", "growth", "dask")
DEFAULT_PARTS = PARTS[:-1]  # dask (about 15 minutes, it starts clusters) runs when named
PACKAGES = (
    "govrules",
    "pydantic",
    "pydantic-core",
    "PyYAML",
    "holidays",
    "durable-rules",
    "cedarpy",
    "zen-engine",
    "rule-engine",
)


def loadavg() -> str:
    try:
        return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        return "n/a"


def median_time(fn: Callable[[], Any], runs: int) -> tuple[float, list[float]]:
    """The median wall time of `runs` calls of `fn`, and every time."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times


def profile(fn: Callable[[], Any], top: int = 15) -> str:
    """cProfile of one call of `fn`: the top entries by own time."""
    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    stats.sort_stats("tottime").print_stats(top)
    text = buf.getvalue()
    # keep the table, drop pstats' preamble of blank lines and the file name
    lines = [ln.replace(str(ROOT) + "/", "") for ln in text.splitlines()]
    start = next((i for i, ln in enumerate(lines) if "function calls" in ln), 0)
    return "\n".join(ln.rstrip() for ln in lines[start:] if ln.strip() or False).strip()


def fmt_rate(x: float) -> str:
    return f"{x:,.0f}"


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    pkgs = {}
    for p in PACKAGES:
        try:
            pkgs[p] = version(p)
        except PackageNotFoundError:
            pkgs[p] = "not installed"
    mem = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": pkgs,
    }


@dataclass
class Section:
    """One part's results: markdown, and the figures the summary reads."""

    part: str
    title: str
    command: str
    started: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"))
    load: str = field(default_factory=loadavg)
    body: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def add(self, *lines: str) -> None:
        self.body.extend(lines)

    def table(self, header: list[str], rows: list[list[Any]]) -> None:
        self.body.append("| " + " | ".join(header) + " |")
        self.body.append("|" + "|".join("---" for _ in header) + "|")
        for r in rows:
            self.body.append("| " + " | ".join(str(c) for c in r) + " |")
        self.body.append("")

    def finish(self) -> None:
        self.load_end = loadavg()
        OUT.joinpath("parts").mkdir(parents=True, exist_ok=True)
        data = {
            "part": self.part,
            "title": self.title,
            "command": self.command,
            "started": self.started,
            "load": self.load,
            "load_end": self.load_end,
            "body": self.body,
            "figures": self.figures,
            "machine": machine(),
        }
        OUT.joinpath("parts", f"{self.part}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1))


def read_sections() -> dict[str, dict[str, Any]]:
    found = {}
    for part in PARTS:
        f = OUT / "parts" / f"{part}.json"
        if f.exists():
            found[part] = json.loads(f.read_text())
    return found

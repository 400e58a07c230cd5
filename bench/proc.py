"""Child processes measured one by one: wall time, exit code and peak memory (os.wait4's rusage)."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .common import ROOT


def govrules_cmd() -> list[str]:
    """The `govrules` command of the running interpreter's environment."""
    script = Path(sys.executable).parent / "govrules"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from govrules._cli import main; sys.exit(main())"]


@dataclass
class Run:
    wall: float
    code: int
    max_rss_mib: float  # of the child itself (/usr/bin/time), or of the largest process it waited for
    stderr: str
    tree_rss_mib: float = 0.0  # the largest sum over the child and all its descendants, sampled
    cpu: float = 0.0  # user + system seconds of the child and the processes it waited for (wait4)


def _tree_rss_kib(root: int) -> int:
    """The resident memory of `root` and every process below it, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            pid, ppid = int(d.name), int(fields[1])
            rss[pid] = int(fields[21]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(pid)
    total, todo = 0, [root]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total


TIME = "/usr/bin/time"
_seq = itertools.count()


@dataclass
class Started:
    popen: subprocess.Popen[bytes]
    t0: float
    rss_file: Path | None
    err: Any


def start(args: list[str], stdout: str = os.devnull) -> Started:
    """Start a child. Its peak memory is read with /usr/bin/time where there is one: the rusage of
    a forked child also counts the parent's memory it started from, before its exec."""
    rss_file = None
    if Path(TIME).exists():
        rss_file = Path(tempfile.gettempdir()) / f"bench_rss_{os.getpid()}_{next(_seq)}"
        args = [TIME, "-f", "%M", "-o", str(rss_file), *args]
    out = open(stdout, "wb")  # noqa: SIM115 - the child holds it; the parent's copy is closed below
    err = tempfile.TemporaryFile()  # noqa: SIM115 - read and closed in wait()
    p = subprocess.Popen(args, stdout=out, stderr=err, cwd=ROOT)
    out.close()
    return Started(p, time.perf_counter(), rss_file, err)


def wait(s: Started, sample_s: float = 0.5) -> Run:
    """Wait for the child (the wall time is exact); meanwhile a thread samples its tree's memory."""
    p = s.popen
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(sample_s):
            peak[0] = max(peak[0], _tree_rss_kib(p.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - s.t0
    stop.set()
    sampler.join()
    tree = peak[0]
    s.err.seek(0)
    err = s.err.read().decode(errors="replace")
    s.err.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    rss = usage.ru_maxrss / 1024
    if s.rss_file is not None:
        try:
            rss = int(s.rss_file.read_text().split()[-1]) / 1024
            s.rss_file.unlink()
        except (OSError, ValueError, IndexError):
            pass
    cpu = usage.ru_utime + usage.ru_stime
    return Run(wall, p.returncode, rss, err[-2000:], max(tree / 1024, rss), cpu)


def run(args: list[str], stdout: str = os.devnull) -> Run:
    return wait(start(args, stdout))


def show(args: list[str]) -> str:
    """A command as it would be typed from the repository root."""
    out = []
    for a in args:
        a = a.replace(str(ROOT) + "/", "")
        out.append(a if " " not in a else f"'{a}'")
    return " ".join(out)


def available_mib() -> float:
    """Memory available now (MemAvailable), for skipping a size that would not fit."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 4096.0

"""The one module that talks to durable-rules (its Rete engine, `durable_rules_engine`).

durable-rules has been unmaintained since 2020 (2.0.28 does not build on Python 3.13): where it is
not installed the audit runs its plain-Python backend instead (`available()`). It is imported only
here, and only inside worker processes or `run_network`, never when `govrules` is imported.

Its Python host starts timer threads that live forever, and its C engine keeps rulesets in global
tables that are not safe to share between threads. So we use neither the host nor its decorators: a
network is created under a unique name, fed, drained and deleted inside one call, under one lock.
Callers see a pure function from (network definition, facts) to the matches it produced.

Three defects shape how we run it (reproduced in tests/test_audit.py): facts asserted over
several calls let negations fire wrongly, so a network gets its facts in one call; string values
are hashed into 32 bits, so two facts whose string ids collide lose one of them, so every id and
join value we give it is an int; and a deleted network does not give its memory back (about 170 MB
per 20,000 facts), so networks run in worker processes that are replaced once they have grown
past WORKER_MIB, which also keeps its global state out of the caller's process altogether.

The workers are plain subprocesses running this file, one JSON line in (a network and its facts),
one JSON line out (its matches). Not multiprocessing: that re-imports the caller's main script in
every worker (a script without an `if __name__ == "__main__"` guard ran again), and its forkserver
and workers outlived a killed parent. A worker here exits when its standard input closes, which
happens when the parent exits for any reason; `stop()` kills them at once (Ctrl-C, SIGTERM).
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import itertools
import json
import os
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import IO, Any

Definition = dict[str, Any]
Match = tuple[str, dict[str, dict[str, Any]]]

WORKERS = 2  # the machine's cores: the networks of one audit run side by side
WORKER_MIB = 160  # a worker past this resident size is replaced, and the memory durable-rules kept with it
FACTS_PER_WORKER = 20_000  # the same, by facts taken, where the resident size cannot be read (no /proc)

_LOCK = threading.Lock()  # durable-rules' global tables, in the process that runs a network
_NAMES = itertools.count()


def available() -> bool:
    """Whether durable-rules is installed (found without importing it)."""
    return importlib.util.find_spec("durable_rules_engine") is not None


# --- in the process that runs a network ---------------------------------------------------------
def run_network(definition: Definition, facts: Iterable[dict[str, Any]]) -> list[Match]:
    """Assert `facts` into a fresh Rete network built from `definition` (durable-rules' JSON rule
    format, without actions) and return every match: (rule name, {alias: fact}).

    INVARIANT: the facts go in with one `assert_facts` call. Asserted over several calls,
    durable-rules 2.0.28 lets a negation (`$not`) fire although the fact that should block it was
    asserted earlier (seen with three facts asserted one by one; tests/test_audit.py keeps the case).
    """
    if not definition:
        return []
    import durable_rules_engine as dre  # type: ignore[import-not-found,import-untyped,unused-ignore]

    matches: list[Match] = []
    payload = json.dumps(list(facts), ensure_ascii=False)
    with _LOCK:
        handle = dre.create_ruleset(f"govrules_{next(_NAMES)}", json.dumps(definition, ensure_ascii=False))
        try:
            dre.assert_facts(handle, payload)
            result = dre.start_action(handle)
            while result:
                state, message = result[2], result[1]
                while message:
                    matches += json.loads(message).items()
                    message = dre.complete_and_start_action(handle, state)
                result = dre.start_action(handle)
        finally:
            dre.delete_ruleset(handle)
    return matches


def _serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """A worker: one network per line of `stdin`, its matches as one line of `stdout`, until EOF."""
    for line in stdin:
        definition, facts = json.loads(line)
        stdout.write(json.dumps(run_network(definition, facts), ensure_ascii=False).encode() + b"\n")
        stdout.flush()


# --- in the caller's process --------------------------------------------------------------------
class _Worker:
    def __init__(self) -> None:
        self.facts = 0
        # In a process group of its own, so that Ctrl-C at a terminal reaches only the parent,
        # which stops it (it ignores SIGINT besides).
        self.proc = subprocess.Popen(
            [sys.executable, __file__], stdin=subprocess.PIPE, stdout=subprocess.PIPE, process_group=0
        )

    def run(self, definition: Definition, facts: list[dict[str, Any]]) -> list[Match]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.facts += len(facts)
        try:
            self.proc.stdin.write(json.dumps([definition, facts], ensure_ascii=False).encode() + b"\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        except (BrokenPipeError, OSError):
            line = b""
        if not line:
            raise WorkerCrashed(f"a durable-rules worker stopped (exit code {self.proc.poll()})")
        return [(rule, aliases) for rule, aliases in json.loads(line)]

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()  # it exits at end of input
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            self.kill()
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):  # a dead worker's input: what is unwritten is dropped
                    pipe.close()


_IDLE: list[_Worker] = []
_LIVE: set[_Worker] = set()
_POOL = threading.Condition()


def _acquire() -> _Worker:
    with _POOL:
        while not _IDLE and len(_LIVE) >= WORKERS:
            _POOL.wait()
        if _IDLE:
            return _IDLE.pop()
        worker = _Worker()
        _LIVE.add(worker)
        return worker


def _rss_mib(pid: int) -> float | None:
    """The resident size of a process, from /proc (Linux); None elsewhere."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return None


def _release(worker: _Worker, healthy: bool) -> None:
    rss = _rss_mib(worker.proc.pid) if healthy else None
    retire = not healthy or (worker.facts > FACTS_PER_WORKER if rss is None else rss > WORKER_MIB)
    with _POOL:
        if retire:
            _LIVE.discard(worker)
        elif worker in _LIVE:  # not stopped meanwhile
            _IDLE.append(worker)
        _POOL.notify()
    if retire:
        worker.kill() if not healthy else worker.close()


class WorkerCrashed(RuntimeError):
    """A durable-rules worker process died while running a network (its C engine crashed)."""


# durable-rules' C engine has been seen to crash now and then (a segmentation fault on Python 3.12,
# not reproducible on the same network): a network whose worker died is run again on a fresh one.
RETRIES = 2


def _run_on_worker(definition: Definition, facts: list[dict[str, Any]]) -> list[Match]:
    for attempt in range(RETRIES + 1):
        worker = _acquire()
        try:
            matches = worker.run(definition, facts)
        except WorkerCrashed:
            _release(worker, healthy=False)
            if attempt == RETRIES:
                raise
            continue
        except BaseException:
            _release(worker, healthy=False)
            raise
        _release(worker, healthy=True)
        return matches
    raise AssertionError("unreachable")  # pragma: no cover


def run_networks(jobs: Iterable[tuple[Definition, list[dict[str, Any]]]]) -> Iterator[list[Match]]:
    """Run each (definition, facts) network in a worker process; yield the matches of each, in
    order. At most two networks per worker are in flight, so that the jobs are built as they go.
    On any error or interruption the workers are stopped before it propagates."""
    pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="govrules-rete")
    pending: deque[Future[list[Match]]] = deque()
    try:
        for definition, facts in jobs:
            if definition and facts:
                pending.append(pool.submit(_run_on_worker, definition, facts))
            if len(pending) >= 2 * WORKERS:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BaseException:
        for f in pending:
            f.cancel()
        stop()
        raise
    finally:
        pool.shutdown(wait=True)


def stop() -> None:
    """Kill every worker process now (an interrupted audit)."""
    with _POOL:
        workers = list(_LIVE)
        _LIVE.clear()
        _IDLE.clear()
        _POOL.notify_all()
    for worker in workers:
        worker.kill()


def shutdown() -> None:
    """Let the idle workers exit (at interpreter exit they would anyway: their input closes)."""
    with _POOL:
        idle = list(_IDLE)
        _IDLE.clear()
        for worker in idle:
            _LIVE.discard(worker)
    for worker in idle:
        worker.close()


atexit.register(shutdown)  # idle workers end, their pipes closed, before the interpreter goes


if __name__ == "__main__":
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _serve(sys.stdin.buffer, sys.stdout.buffer)
    except BrokenPipeError:  # the parent went away
        os._exit(0)

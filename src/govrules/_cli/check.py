"""`govrules check`: judge the actions of files and folders, here or in `--jobs` worker processes,
streaming, with memory flat whatever the input size; print them in one of the output formats."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections import deque
from collections.abc import Generator, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from .._errors import ActionError
from .._files import Budget
from .._records import expand, read_records
from . import formats, terminal
from .exits import EXIT_DENIED, EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_TERMINATED, Terminated
from .formats import Item, Tally
from .options import load_engine
from .terminal import Progress

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from .._engine import Engine

NOT_AN_ACTION = "an action is a mapping with `kind`, `jurisdiction`, `date` and `actor`"


def read_actions(paths: list[str], budget: Budget | None = None) -> Iterator[Item]:
    """The actions of files and folders (walked for action files), as items to judge."""
    for path in expand(paths):
        for r in read_records(path, "actions", budget):
            yield Item(r.file, r.line, r.data, r.error)


def cmd_check(args: argparse.Namespace) -> int:
    budget = Budget()  # what YAML aliases may add, over every file of the run
    progress = Progress.for_run(args.files, sys.stdout, sys.stderr)
    items = read_actions(args.files, budget)
    if progress is not None:
        items = progress.reading(items)
    # closed on every way out, so that its worker processes end with the command
    with contextlib.closing(_judge_all(args, items, rendered(args.format))) as judged:
        tally = report(args, judged, progress)
    if tally.errors:
        return EXIT_INPUT
    return EXIT_DENIED if tally.breaches and not args.exit_zero else EXIT_OK


def rendered(fmt: str) -> str | None:
    """Text and JSON are rendered where judged (here, in a worker, on a Dask worker); the other
    formats are written here from the judged items."""
    return {"json": "json", "text": "text"}.get(fmt)


def report(args: argparse.Namespace, judged: Iterator[Any], progress: Progress | None = None) -> Tally:
    """Write the judged actions in `args.format` (results on stdout, unusable actions on stderr where
    the format has no place for them), and count them."""
    out, err, tally, lang = sys.stdout, sys.stderr, Tally(), args.lang
    if args.format in ("junit", "sarif"):  # their headers count what follows: gather first
        collected = []
        for it, _ in judged:
            tally.add(formats.tag(it))
            collected.append(it)
            if progress is not None:
                progress.tick()
        if progress is not None:
            progress.wipe()
        (formats.junit(collected, out, lang) if args.format == "junit" else formats.sarif(collected, out, lang))
    elif args.format in ("github", "ics"):  # streamed, an item at a time
        calendar = formats.Calendar(out, lang) if args.format == "ics" else None
        for it, _ in judged:
            tally.add(formats.tag(it))
            if calendar is not None:
                if it.decision is None:
                    _shown(progress, out)
                    err.write(formats.text(it, lang))
                calendar.add(it)
            else:
                _shown(progress, out)
                out.write(formats.github(it, lang))
            if progress is not None:
                progress.tick()
        if progress is not None:
            progress.wipe()
        if calendar is not None:
            calendar.close()
            undated = f"; {calendar.undated} obligation(s) without a due date left out" if calendar.undated else ""
            err.write(f"{calendar.events} calendar event(s){undated}\n")
        else:
            out.write(tally.summary(lang) + "\n")
    elif args.format == "json":
        out.write(f'{{"version": {formats.JSON_SHAPE_VERSION}, "results": [\n')
        for n, (tag, text) in enumerate(judged):
            tally.add(tag)
            _shown(progress, out)
            out.write((",\n" if n else "") + text)
            if progress is not None:
                progress.tick()
        if progress is not None:
            progress.wipe()
        out.write("\n]}\n")
    else:  # text: results on stdout, unusable actions on stderr, colour on a terminal
        colour_out, colour_err = terminal.wants_colour(out), terminal.wants_colour(err)
        for tag, text in judged:
            tally.add(tag)
            _shown(progress, out)
            if tag == "error":
                out.flush()
                err.write(terminal.paint_error(text) if colour_err else text)
            else:
                out.write(terminal.paint(text) if colour_out else text)
            if progress is not None:
                progress.tick()
        if progress is not None:
            progress.wipe()
        out.write(f"{tally.summary(lang)}\n")
    return tally


def _shown(progress: Progress | None, out: TextIO) -> None:
    """Wipe the progress line before a result is written to the same screen."""
    if progress is not None and progress.drawn and progress.shares_screen:
        progress.wipe()


CHUNK = 1000


def _judge_all(args: argparse.Namespace, items: Iterator[Item], render: str | None) -> Generator[Any, None, None]:
    """Judge items in order, here or in `--jobs` worker processes (each loading the rulebook once),
    with a bounded number of units in flight, so that memory stays flat whatever the input size: a
    JSON Lines file goes by byte ranges that each reads itself (`ranges`), other files by chunks of
    their items. With `render`, each comes back as (verdict or "error", its text in that format),
    rendered where it was judged; without, as (the item, None)."""
    from .ranges import FileEnd, Merge, judge_unit, units

    job = (args.trace, render, getattr(args, "lang", "en"), getattr(args, "strict", False))
    merge = Merge(render, job[2])
    work = units(args.files, items, CHUNK)
    if args.jobs <= 1:
        engine = load_engine(args)
        for unit in work:
            yield from merge.done(unit, None if isinstance(unit, FileEnd) else judge_unit(engine, unit, *job))
        return
    load_engine(args)  # a broken rulebook is reported once, here, not by every worker
    with _workers(args) as pool:
        pending: deque[tuple[Any, Future[Any] | None]] = deque()
        for unit in work:
            with _signals_held():  # a worker forked now starts with them held, until it ignores them
                pending.append((unit, None if isinstance(unit, FileEnd) else pool.submit(_work, unit, *job)))
            if len(pending) > 2 * args.jobs:
                done, future = pending.popleft()
                yield from merge.done(done, future.result() if future is not None else None)
        while pending:
            done, future = pending.popleft()
            yield from merge.done(done, future.result() if future is not None else None)


@contextlib.contextmanager
def _workers(args: argparse.Namespace) -> Iterator[ProcessPoolExecutor]:
    """A pool of worker processes that never outlives the command. On any way out but the normal one
    (Ctrl-C, SIGTERM, an error, the generator dropped), no more work starts and the chunks being
    judged finish: a worker is never killed while it sends a result, since half a message on the
    pool's pipe blocks its reader, and so the parent's exit, for good. Asked a second time, the
    workers are killed and the command ends at once (`_end_now`). A worker whose parent dies, even by
    SIGKILL, is ended by the kernel (Linux)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    before = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(args.jobs, initializer=_start_worker, initargs=(args.rulebook, args.rules, os.getpid()))
    try:
        yield pool
        pool.shutdown()
    except BaseException:
        workers = [p for p in multiprocessing.active_children() if p not in before]
        try:
            pool.shutdown(wait=True, cancel_futures=True)
        except BaseException as again:  # a second Ctrl-C or SIGTERM: do not wait for them
            for p in workers:
                p.kill()
            if isinstance(again, KeyboardInterrupt | Terminated):
                _end_now(again)
            raise
        raise


def _end_now(signalled: BaseException) -> NoReturn:
    """End the process at once, as asked twice, with the code and the line of the signal: with its
    workers killed under it, the pool's own winding down (its threads, pipes and locks) can block for
    good (python/cpython#125451 in 3.12.1, seen here), so none of the interpreter's exit is run."""
    interrupted = isinstance(signalled, KeyboardInterrupt)
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    with contextlib.suppress(Exception):
        print(f"govrules: {'interrupted' if interrupted else 'terminated'}", file=sys.stderr, flush=True)
    os._exit(EXIT_INTERRUPTED if interrupted else EXIT_TERMINATED)


_HELD = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)


def _chunks(items: Iterator[Item]) -> Iterator[list[Item]]:
    return iter(lambda: list(islice(items, CHUNK)), [])


def _process(engine: Engine, chunk: list[Item], trace: bool, render: str | None, lang: str, strict: bool) -> list[Any]:
    out: list[Any] = []
    for it in chunk:
        _judge(engine, it, trace, strict)
        if render is None:
            out.append((it, None))
        else:
            out.append((formats.tag(it), formats.json_result(it) if render == "json" else formats.text(it, lang)))
    return out


_WORKER: Engine | None = None


def _start_worker(rulebook: str | None, rules: list[str] | None, parent: int) -> None:
    global _WORKER  # one engine per worker process, loaded once
    # Ctrl-C reaches the whole process group, and SIGTERM may too: the parent alone answers them,
    # and ends the workers (see `_workers`). Both were held since the fork: released only now.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
    _end_with_parent(parent)
    from .._engine import load

    _WORKER = load(rulebook, extra=rules or ())


def _end_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when its parent dies (Linux's PR_SET_PDEATHSIG); if the
    parent is already gone, end now."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    import multiprocessing

    if os.getppid() != parent and multiprocessing.get_start_method() in ("fork", "spawn"):
        os._exit(EXIT_TERMINATED)


def _work(unit: Any, trace: bool, render: str | None, lang: str, strict: bool) -> tuple[list[Any], bool]:
    from .ranges import judge_unit

    assert _WORKER is not None
    return judge_unit(_WORKER, unit, trace, render, lang, strict)


def _judge(engine: Engine, item: Item, trace: bool, strict: bool = False) -> Item:
    if item.error is None:
        if not isinstance(item.data, dict):
            item.error = NOT_AN_ACTION
        else:
            try:
                item.decision = engine.evaluate(item.data, trace=trace, strict=strict)
            except ActionError as exc:
                item.error = str(exc)
    return item

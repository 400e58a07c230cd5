"""`govrules check --dask SCHEDULER|local FILES…` and `govrules audit --dask SCHEDULER|local LOG`.

This module only adds the `--dask` option and dispatches: it imports neither dask nor
`govrules.dask` until a command is run with `--dask`, so that `govrules` without the extra works.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from .._errors import GovrulesError

Command = Callable[[argparse.Namespace], int]

DASK_HELP = (
    "run on Dask: a scheduler's address (tcp://host:8786) or `local` (a LocalCluster of "
    "--jobs worker processes, default: one per core); needs govrules[dask]"
)


def add_dask_options(check: argparse.ArgumentParser, audit: argparse.ArgumentParser) -> None:
    """Add `--dask` to `check` and `audit`; with it, they run on a Dask cluster."""
    for parser, run in ((check, run_check), (audit, run_audit)):
        parser.add_argument("--dask", metavar="SCHEDULER", help=DASK_HELP)
        parser.add_argument(
            "--partition-mb",
            type=int,
            default=4,
            metavar="MB",
            help="with --dask: megabytes of JSON Lines per partition (default 4)",
        )
        parser.set_defaults(func=functools.partial(_dispatch, parser.get_default("func"), run))


def _dispatch(plain: Command, run: Command, args: argparse.Namespace) -> int:
    return run(args) if getattr(args, "dask", None) else plain(args)


@contextlib.contextmanager
def _client(address: str, workers: int) -> Iterator[Any]:
    """A client of the scheduler at `address`, or of a LocalCluster of `workers` processes."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise GovrulesError("--dask needs the `dask` extra: pip install 'govrules[dask]'") from None
    import importlib.util
    import logging  # here, not at the top: `govrules check` without --dask never needs it

    dashboard = "127.0.0.1:0" if importlib.util.find_spec("bokeh") is not None else None
    if address == "local":
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,  # type: ignore[no-untyped-call,unused-ignore]
            dashboard_address=dashboard,
            silence_logs=logging.ERROR,
        )
        with cluster, Client(cluster) as client:  # type: ignore[no-untyped-call,unused-ignore]
            yield client
    else:
        try:
            client = Client(address, timeout="20s")  # type: ignore[no-untyped-call,unused-ignore]
        except (OSError, TimeoutError, ValueError) as exc:
            raise GovrulesError(f"cannot reach the Dask scheduler at `{address}`: {exc}") from None
        with client:
            yield client


def _announce(client: Any, workers: int) -> None:
    services = client.scheduler_info().get("services", {})
    where = f"; dashboard {client.dashboard_link}" if "dashboard" in services else ""
    print(f"govrules: on Dask, {workers} worker(s){where}", file=sys.stderr)


def _in_order(client: Any, parts: list[Any], window: int) -> Iterator[tuple[Any, Any]]:
    """Each part with its result, in order, with at most `window` partitions in flight (memory
    stays flat), and a progress line on standard error at a terminal. A part without a task (the
    end of a file) comes with None."""
    tty = sys.stderr.isatty()
    pending: deque[tuple[Any, Any]] = deque()
    todo = iter(parts)
    try:
        for n in range(1, len(parts) + 1):
            while len(pending) < window:
                p = next(todo, None)
                if p is None:
                    break
                pending.append((p, client.compute(p.task) if p.task is not None else None))
            part, fut = pending.popleft()
            if fut is None:
                yield part, None
                continue
            yield part, fut.result()
            fut.release()
            if tty:
                print(f"\r  {n}/{len(parts)} partitions", end="", file=sys.stderr, flush=True)
    finally:
        if tty:
            print(file=sys.stderr)
        client.cancel([f for _, f in pending if f is not None])


def _workers(args: argparse.Namespace) -> int:
    return max(1, getattr(args, "jobs", 1)) if getattr(args, "jobs", 1) > 1 else os.cpu_count() or 1


def run_check(args: argparse.Namespace) -> int:
    """`govrules check --dask`: the same output, record for record, as `govrules check`."""
    from .. import dask as gd
    from . import exits
    from .check import rendered, report

    if "-" in args.files:
        print("govrules check: --dask reads files, not standard input", file=sys.stderr)
        return exits.EXIT_INPUT
    ref = gd.EngineRef.load(args.rulebook, args.rules or ())
    render = rendered(args.format)
    with _client(args.dask, _workers(args)) as client:
        workers = gd.check_workers(client, ref)
        _announce(client, workers)
        parts = gd.check_parts(
            args.files,
            ref,
            blocksize=args.partition_mb * 1024 * 1024,
            trace=args.trace,
            render=render,
            lang=args.lang,
            strict=args.strict,
        )
        lines = gd.CheckLines(render, args.lang)
        judged = (r for part, result in _in_order(client, parts, 2 * workers + 2) for r in lines.results(part, result))
        tally = report(args, judged)
    if tally.errors:
        return exits.EXIT_INPUT
    return exits.EXIT_DENIED if tally.breaches and not args.exit_zero else exits.EXIT_OK


def run_audit(args: argparse.Namespace) -> int:
    """`govrules audit --dask`: the same report as `govrules audit`."""
    from .. import ActionError
    from .. import dask as gd
    from . import exits

    ref = gd.EngineRef.load(args.rulebook, args.rules or ())
    with _client(args.dask, _workers(args)) as client:
        _announce(client, gd.check_workers(client, ref))
        events = gd.read_events([args.log], blocksize=args.partition_mb * 1024 * 1024)
        try:
            report = gd.audit(events, ref, as_of=args.as_of, backend=args.backend, client=client)
        except ActionError as exc:
            print(f"govrules audit: {exc}", file=sys.stderr)
            return exits.EXIT_INPUT
    from .audit import print_audit

    return print_audit(report, args)

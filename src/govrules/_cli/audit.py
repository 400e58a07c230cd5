"""`govrules audit`: check a log of events over time (the audit wing does the work)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from .._records import read_records
from . import formats
from .exits import EXIT_DENIED, EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_TERMINATED, Terminated
from .options import load_engine

if TYPE_CHECKING:
    from .._audit.report import AuditReport


def cmd_audit(args: argparse.Namespace) -> int:
    import signal
    import threading

    from .._audit.api import audit_records, stop_workers
    from .._errors import ActionError

    def terminate(signum: int, frame: object) -> None:
        raise Terminated

    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, terminate) if main_thread else None
    try:
        engine = load_engine(args)
        events = ((r.line, r.data, r.error) for r in read_records(args.log, "events"))  # the one reader
        report = audit_records(engine, events, as_of=args.as_of, backend=args.backend)
    except ActionError as exc:
        print(f"govrules audit: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except (KeyboardInterrupt, Terminated) as exc:  # stop the workers; no traceback
        stop_workers()
        print("govrules audit: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED if isinstance(exc, KeyboardInterrupt) else EXIT_TERMINATED
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
    return print_audit(report, args)


def print_audit(report: AuditReport, args: argparse.Namespace) -> int:
    """Print an audit report in the chosen format; the exit code it calls for."""
    out = sys.stdout
    if args.format == "json":
        json.dump(
            {"version": formats.JSON_SHAPE_VERSION, **report.model_dump(mode="json")}, out, ensure_ascii=False, indent=2
        )
        out.write("\n")
    elif args.format == "junit":
        formats.audit_junit(report, args.log, out)
    else:
        for p in report.problems:
            where = f"{args.log}:{p.line}" if p.line else args.log
            out.write(f"{where}: problem{f' ({p.event})' if p.event else ''}: {p.message}\n")
        for f in report.findings:
            msg = f.message_zh if args.lang == "zh" else f.message_en
            due = f" (due {f.due})" if f.due else f" (open {f.age_days} days)" if f.age_days is not None else ""
            since = f" since {f.since}" if f.since else ""
            left = f" ({f.outstanding} outstanding)" if f.outstanding else ""
            tag = "BREACH" if f.breach else "note"
            mine = f" — from {f.provenance}" if f.provenance != "bundled" else ""  # a check of one's own
            out.write(
                f"{f.on} {tag} {f.kind}{due}{since}{left} {', '.join(f.events)} — {f.citation_zh}（{f.label}）"
                f"{f.check}: {msg}{mine}\n"
            )
        judged = sum(p.judged for p in report.periods)
        out.write(
            f"{report.events} events as of {report.as_of} ({report.backend} backend): "
            f"{len(report.breaches)} breaches, {len(report.findings) - len(report.breaches)} other findings, "
            f"{len(report.problems)} problems; {judged} periods judged, "
            f"{len(report.periods) - judged} partial\n"
        )
    if report.problems:
        return EXIT_INPUT
    return EXIT_DENIED if report.breaches else EXIT_OK

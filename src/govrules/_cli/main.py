"""The parser (every command and its options, in one place) and `main`: running a command, and
turning what goes wrong into one line and an exit code (see exits.py).

A new command: a `cmd_NAME(args) -> int` function (in commands.py, or a module of its own when it
needs more than a screen), and its parser below, taking the shared options from options.py.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from importlib import import_module
from types import FrameType
from typing import Any

from .._schema import KINDS
from .exits import EXIT_CRASH, EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_TERMINATED, Terminated
from .options import add_output, add_rulebook, day

DESCRIPTION = """\
Check and explain actions, audit event logs, validate a rulebook, run rule tests, show articles,
and write the JSON Schemas and the reference page.

Exit codes: 0 nothing denied, 1 something denied (a breach), 2 unusable input (a bad rulebook, a
bad action: every good one is still judged), 3 govrules itself failed (a bug: never read as a
breach), 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
"""
CHECK_FORMATS = ("text", "json", "junit", "sarif", "github", "ics")
AUDIT_FORMATS = ("text", "json", "junit")
FACTS_FORMATS = ("text", "json")


class _Version(argparse.Action):
    """`--version`: the installed version, looked up only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print govrules' version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("govrules")
        except PackageNotFoundError:  # pragma: no cover - run from a source tree
            number = "0+unknown"
        sys.stdout.write(f"govrules {number}\n")
        parser.exit()


def _command(module: str, name: str) -> Callable[[argparse.Namespace], int]:
    """The command function `name` of `_cli.<module>`, imported only when that command runs: a
    command loads its own module and what it needs, not every other command's."""

    def run(args: argparse.Namespace) -> int:
        func: Callable[[argparse.Namespace], int] = getattr(import_module(f".{module}", __package__), name)
        return func(args)

    run.__name__ = run.__qualname__ = name
    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govrules", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="judge actions from YAML, JSON or JSON Lines files")
    check.add_argument("files", nargs="+", help="action files or folders of them (- for standard input, read as YAML)")
    check.add_argument("--trace", action="store_true", help="include how each rule was weighed")
    check.add_argument(
        "--strict", action="store_true", help="set aside the rulebook's presumptions: every fact not given is missing"
    )
    check.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (default 1)")
    check.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when an action is denied or a duty overdue (bad input still exits 2)",
    )
    add_rulebook(check)
    add_output(check, CHECK_FORMATS)
    check.set_defaults(func=_command("check", "cmd_check"))

    validate = sub.add_parser("validate", help="check a rulebook and report every error")
    validate.add_argument("path", nargs="?", help="a rulebook folder or file (default: bundled)")
    add_rulebook(validate, rulebook=False)
    validate.set_defaults(func=_command("commands", "cmd_validate"))

    fmt = sub.add_parser("fmt", help="write rulebook YAML in its one canonical layout (docs/rule-language.md)")
    fmt.add_argument("paths", nargs="*", help="files or folders (default: the bundled rulebook; - for standard input)")
    fmt.add_argument("--check", action="store_true", help="change nothing; exit 1 naming the files that would change")
    fmt.set_defaults(func=_command("commands", "cmd_fmt"))

    explain_ = sub.add_parser(
        "explain", help="why each action got its verdict: rules weighed, facts read, articles quoted, dates computed"
    )
    explain_.add_argument("files", nargs="+", help="action files or folders of them (- for standard input)")
    add_rulebook(explain_)
    add_output(explain_)
    explain_.set_defaults(func=_command("commands", "cmd_explain"))

    facts = sub.add_parser("facts", help="the facts and steps the rules of one kind read: a checklist for a form")
    facts.add_argument("kind", help="an action kind, e.g. leave_jurisdiction")
    facts.add_argument("-j", "--jurisdiction", required=True, help="whose rules")
    facts.add_argument("--date", type=day, help="the rules in force on this day (default: today)")
    add_rulebook(facts)
    add_output(facts, FACTS_FORMATS)
    facts.set_defaults(func=_command("commands", "cmd_facts"))

    schema = sub.add_parser("schema", help="the JSON Schema of rulebook, action or rule test files")
    schema.add_argument("kind", choices=KINDS, help="which files")
    schema.add_argument("-o", "--output", help="write to this file instead of standard output")
    schema.set_defaults(func=_command("commands", "cmd_schema"))

    ref = sub.add_parser("reference", help="the reference page (docs/reference.md) in Markdown")
    ref.add_argument("-o", "--output", help="write to this file instead of standard output")
    ref.set_defaults(func=_command("commands", "cmd_reference"))

    aud = sub.add_parser("audit", help="check a log of events over time")
    aud.add_argument("log", help="events, JSON Lines or YAML")
    aud.add_argument("--as-of", type=day, help="the day the audit stands (default: the last event's date)")
    aud.add_argument(
        "--backend",
        choices=("auto", "rete", "python"),
        default="auto",
        help="durable-rules' Rete network, or plain Python (default: Rete where installed, for logs of "
        "up to 500,000 events; plain Python beyond)",
    )
    add_rulebook(aud)
    add_output(aud, AUDIT_FORMATS)
    aud.set_defaults(func=_command("audit", "cmd_audit"))

    from .dask import add_dask_options  # `--dask`: imports dask only when used

    add_dask_options(check, aud)

    test = sub.add_parser("test", help="run the rule tests written as data")
    test.add_argument("jurisdictions", nargs="*", help="whose tests (default: all)")
    add_rulebook(test)
    test.set_defaults(func=_command("commands", "cmd_test"))

    coverage = sub.add_parser("coverage", help="every article accounted for, per jurisdiction")
    add_rulebook(coverage)
    coverage.set_defaults(func=_command("commands", "cmd_coverage"))

    compare = sub.add_parser("compare", help="one provision side by side across the jurisdictions")
    compare.add_argument("topic", help="a topic, e.g. leave.who_is_told")
    add_rulebook(compare)
    add_output(compare)
    compare.set_defaults(func=_command("commands", "cmd_compare"))

    parity = sub.add_parser(
        "parity", help="every topic in every jurisdiction: encoded, or declared absent with a reason"
    )
    parity.add_argument("--all", action="store_true", help="every cell, not only the unexplained ones")
    add_rulebook(parity)
    parity.set_defaults(func=_command("commands", "cmd_parity"))

    show = sub.add_parser("show", help="an article's text, status and rules")
    show.add_argument("jurisdiction")
    show.add_argument("article", type=int, help="its number, 1…N")
    add_rulebook(show)
    show.set_defaults(func=_command("commands", "cmd_show"))

    from ..site.cli import add_parser as add_site  # the website (extra `site`); imports no Jinja2 here

    add_site(sub)

    from ..server._cli import add_parser as add_serve  # `serve` (govrules[server]): imports nothing of it yet

    add_serve(sub)
    return parser


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Terminated


REPORT = "this is a bug in govrules, not a finding about your actions: please report it with the command and its input"


def main(argv: Sequence[str] | None = None) -> int:
    from .._errors import GovrulesError, RulebookError

    args = build_parser().parse_args(argv)
    handles_sigterm = threading.current_thread() is threading.main_thread()  # Python's rule for handlers
    if handles_sigterm:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        code: int = args.func(args)
    except RulebookError as exc:
        for d in exc.diagnostics:
            print(d, file=sys.stderr)
        print(f"{len(exc.diagnostics)} error(s)", file=sys.stderr)
        return EXIT_INPUT
    except GovrulesError as exc:
        print(f"govrules: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("govrules: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Terminated:
        print("govrules: terminated", file=sys.stderr)
        return EXIT_TERMINATED
    except BrokenPipeError:  # pragma: no cover
        return EXIT_OK
    except Exception as exc:  # crash ≠ breach: a code of its own, one line, never a traceback
        with contextlib.suppress(Exception):
            sys.stdout.flush()
        message = " ".join(str(exc).split()) or "(no message)"
        print(f"govrules: internal error: {type(exc).__name__}: {message}\n    hint: {REPORT}", file=sys.stderr)
        return EXIT_CRASH
    finally:
        if handles_sigterm:
            signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

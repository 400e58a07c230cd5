"""The options every command shares, declared once (Cedar's flattened option groups): which
rulebook (`--rulebook`, `--rules`), and how to answer (`--lang`, `--format`)."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._engine import Engine

LANGS = ("en", "zh")
DEFAULT_LANG = "en"  # one default for every command: messages in English, citations always in Chinese


def add_rulebook(parser: argparse.ArgumentParser, *, rulebook: bool = True) -> None:
    """`--rulebook` and `--rules`: the rulebook to judge by (`rulebook=False`: the command names it
    another way, as `validate` does with its argument)."""
    group = parser.add_argument_group("rulebook")
    if rulebook:
        group.add_argument("--rulebook", metavar="FOLDER", help="a rulebook folder instead of the bundled one")
    group.add_argument(
        "--rules",
        action="append",
        metavar="PATH",
        help="overlay rule files or folders (with tests/ for `govrules test`); repeatable",
    )


def add_output(parser: argparse.ArgumentParser, formats: Sequence[str] = (), *, lang: bool = True) -> None:
    """`--format` (the first of `formats` by default) and `--lang`."""
    group = parser.add_argument_group("output")
    if formats:
        group.add_argument(
            "--format", choices=formats, default=formats[0], help=f"how to print the answer (default {formats[0]})"
        )
    if lang:
        group.add_argument(
            "--lang",
            choices=LANGS,
            default=DEFAULT_LANG,
            help=f"the language of messages (default {DEFAULT_LANG}); citations are always Chinese",
        )


def day(text: str) -> dt.date:
    """An argument that is a date, YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{text}` is not a date (YYYY-MM-DD)") from None


def load_engine(args: argparse.Namespace) -> Engine:
    """The rulebook the shared options name, loaded (the engine is imported only now)."""
    from .._engine import load

    return load(getattr(args, "rulebook", None), extra=args.rules or ())

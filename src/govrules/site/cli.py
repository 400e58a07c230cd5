"""`govrules site OUT/`: the CLI hook. `add_parser` is called from `govrules._cli.build_parser()`; Jinja2 is
imported only when the command runs, so `govrules` works without the `site` extra."""

from __future__ import annotations

import argparse
import sys

EXIT_OK, EXIT_INPUT = 0, 2


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("site", help="generate the rulebook's static website (needs the `site` extra)")
    p.add_argument("out", help="the folder to write the site into (created)")
    p.add_argument("--rules", action="append", help="overlay rule files or folders, shown in place")
    p.add_argument("--rulebook", help="a rulebook folder instead of the bundled one")
    p.add_argument("--base-url", help="where the site will be published (shown as each article's address)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        from ._build import build_site
    except ImportError as exc:
        print(
            f"govrules site: {exc.name or 'jinja2'} is not installed; install the extra: pip install 'govrules[site]'",
            file=sys.stderr,
        )
        return EXIT_INPUT
    try:
        report = build_site(args.out, rulebook=args.rulebook, rules=args.rules or (), base_url=args.base_url)
    except OSError as exc:
        print(f"govrules site: cannot write `{args.out}`: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_INPUT
    print(
        f"{report.out}: {len(report.pages)} pages; {report.articles} articles, {report.rules} rules, "
        f"{report.audits} checks, {report.topics} topics; open {report.out / 'index.html'}"
    )
    return EXIT_OK

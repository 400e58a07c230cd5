"""The `govrules` command: check actions, validate a rulebook, run rule tests, show articles."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from xml.sax.saxutils import escape, quoteattr

from . import ActionError, Decision, Engine, RulebookError, load
from ._cases import case_files, run_all, untested_rules
from ._compile import article_zh, bundled_dir, source_text
from ._errors import Diagnostic, did_you_mean
from ._rulebook import Rule
from ._sources import split
from ._yaml import YamlError, load_documents

EXIT_OK, EXIT_DENIED, EXIT_INPUT = 0, 1, 2
JSON_SHAPE_VERSION = 1


@dataclass
class Item:
    """One action read from a file: where it stands, and the action or why it cannot be used."""

    file: str
    line: int
    data: Any = None
    error: str | None = None
    decision: Decision | None = None


def read_actions(path: str) -> Iterator[Item]:
    """The actions in a YAML, JSON or JSON Lines file, one by one, with their line numbers."""
    p = Path(path)
    if path != "-" and not p.is_file():
        yield Item(path, 0, error="no such file" if not p.exists() else "not a file")
        return
    try:
        raw = sys.stdin.buffer.read() if path == "-" else p.read_bytes()
    except OSError as exc:
        yield Item(path, 0, error=f"cannot read: {exc.strerror}")
        return
    if not raw.strip():
        yield Item(path, 0, error="empty file: no actions")
        return
    if p.suffix in (".jsonl", ".ndjson"):
        for n, line in enumerate(raw.splitlines(), 1):
            if not line.strip():
                continue
            try:
                yield Item(path, n, json.loads(line))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                yield Item(path, n, error=f"invalid JSON: {exc}")
        return
    if p.suffix == ".json":
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            yield Item(path, getattr(exc, "lineno", 1), error=f"invalid JSON: {exc}")
            return
        for d in data if isinstance(data, list) else [data]:
            yield Item(path, 1, d)
        return
    try:
        for doc in load_documents(path, raw):
            data = doc.data
            if isinstance(data, dict) and set(data) == {"actions"}:
                data, base = data["actions"], ("actions",)
            else:
                base = ()
            if isinstance(data, list):
                for i, d in enumerate(data):
                    yield Item(path, doc.where((*base, i))[0], d)
            else:
                yield Item(path, doc.where(())[0], data)
    except YamlError as exc:
        d = exc.diagnostic
        yield Item(path, d.line, error=d.message)


def _judge(engine: Engine, item: Item, trace: bool) -> Item:
    if item.error is None:
        if not isinstance(item.data, dict):
            item.error = "an action is a mapping with `kind`, `jurisdiction`, `date` and `actor`"
        else:
            try:
                item.decision = engine.evaluate(item.data, trace=trace)
            except ActionError as exc:
                item.error = str(exc)
    return item


# --- output ------------------------------------------------------------------------------------
def _text(items: list[Item], out: TextIO, lang: str) -> None:
    for it in items:
        where = f"{it.file}:{it.line}"
        if it.decision is None:
            out.write(f"{where}: error: {it.error}\n")
            continue
        d = it.decision
        name = d.action_id or d.kind
        out.write(f"{where}: {d.verdict.upper()} {name} ({d.jurisdiction}, {d.date}, {d.rulebook})\n")
        if d.silent:
            out.write(f"    《{d.document}》 has no provision on `{d.kind}`\n")
        for f in d.findings:
            msg = f.message_zh if lang == "zh" else f.message_en
            extra = ""
            if f.missing:
                extra += f" — missing: {', '.join(f.missing)}"
            if f.due:
                extra += f" — due {f.due}"
            if f.comply_by:
                extra += f" — would have complied by {f.comply_by}"
            out.write(f"    [{f.outcome}] {f.citation_zh}（{f.label}）{f.rule}: {msg}{extra}\n")
        for o in d.obligations:
            due = f" by {o.due}" if o.due else ""
            prov = " (provisional: holiday schedule not yet published)" if o.provisional else ""
            to = f" ({', '.join(o.party)})" if o.party else ""
            system = f" under {o.system}" if o.system else ""
            out.write(f"    obligation: {o.step}{to}{system}{due}{prov} [{o.rule}]\n")
    counts = {v: sum(1 for i in items if i.decision and i.decision.verdict == v)
              for v in ("allowed", "conditional", "denied")}
    errors = sum(1 for i in items if i.decision is None)
    out.write(f"{len(items)} actions: {counts['allowed']} allowed, {counts['conditional']} conditional, "
              f"{counts['denied']} denied, {errors} errors\n")


def _json(items: list[Item], out: TextIO) -> None:
    results = []
    for it in items:
        entry: dict[str, Any] = {"file": it.file, "line": it.line}
        if it.decision is not None:
            entry["decision"] = it.decision.model_dump(mode="json", exclude_none=True)
        else:
            entry["error"] = it.error
        results.append(entry)
    json.dump({"version": JSON_SHAPE_VERSION, "results": results}, out, ensure_ascii=False, indent=2)
    out.write("\n")


def _junit(items: list[Item], out: TextIO) -> None:
    failures = sum(1 for i in items if i.decision and i.decision.verdict == "denied")
    errors = sum(1 for i in items if i.decision is None)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(f'<testsuites><testsuite name="govrules check" tests="{len(items)}" '
              f'failures="{failures}" errors="{errors}">\n')
    for it in items:
        d = it.decision
        name = f"{it.file}:{it.line}" + (f" {d.action_id or d.kind}" if d else "")
        out.write(f"  <testcase classname={quoteattr(it.file)} name={quoteattr(name)}>")
        if d is None:
            out.write(f"<error message={quoteattr(it.error or '')}/>")
        elif d.verdict == "denied":
            lines = [f"{f.citation_zh} {f.rule}: {f.message_zh} / {f.message_en}"
                     for f in d.findings if f.outcome == "violated" and f.modality in ("must", "shall")]
            out.write(f"<failure message={quoteattr(lines[0] if lines else 'denied')}>"
                      f"{escape(chr(10).join(lines))}</failure>")
        elif d.verdict == "conditional":
            notes = [f"{o.step} {','.join(o.party)} {o.due or ''} [{o.rule}]" for o in d.obligations]
            out.write(f"<system-out>{escape('conditional: ' + '; '.join(notes))}</system-out>")
        out.write("</testcase>\n")
    out.write("</testsuite></testsuites>\n")


# --- commands ----------------------------------------------------------------------------------
def _engine(args: argparse.Namespace) -> Engine:
    return load(args.rulebook, extra=args.rules or ())


def cmd_check(args: argparse.Namespace) -> int:
    engine = _engine(args)
    items = [_judge(engine, it, args.trace) for path in args.files for it in read_actions(path)]
    out = sys.stdout
    if args.format == "json":
        _json(items, out)
    elif args.format == "junit":
        _junit(items, out)
    else:
        _text(items, out, args.lang)
    if any(i.decision is None for i in items):
        return EXIT_INPUT
    denied = any(i.decision and i.decision.verdict == "denied" for i in items)
    return EXIT_DENIED if denied and not args.exit_zero else EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    load(args.path)
    print(f"ok: {args.path or bundled_dir()}")
    return EXIT_OK


def cmd_test(args: argparse.Namespace) -> int:
    engine = _engine(args)
    folders = [Path(args.rulebook) if args.rulebook else bundled_dir(), *map(Path, args.rules or ())]
    files = case_files(folders, args.jurisdictions)
    passed = failed = 0
    for r in run_all(engine, files):
        if isinstance(r, Diagnostic):
            print(r)
            failed += 1
        elif r.ok:
            passed += 1
        else:
            failed += 1
            print(f"{r.file}:{r.line}: FAIL {r.name}")
            for p in r.problems:
                print(f"    {p}")
    gaps = untested_rules(engine, files)
    for g in gaps:
        print(f"untested: {g}")
    print(f"{passed} passed, {failed} failed")
    return EXIT_DENIED if failed or gaps else EXIT_OK


def _effect(rule: Rule) -> str:
    e = rule.effect
    if e.require is None:
        return e.name
    r = e.require
    due = ""
    if r.due:
        due = f", {r.due.days} {r.due.unit} days {'before' if r.due.before else 'after'} {r.due.anchor}"
    system = f" under {r.system}" if r.system else ""
    return f"require {r.step} ({'/'.join(r.parties)}){system}{due}"


def cmd_coverage(args: argparse.Namespace) -> int:
    engine = _engine(args)
    gaps = 0
    print(f"{'rulebook':<20} {'articles':>8} {'encoded':>8} {'principle':>9} {'external':>8} {'rules':>6}")
    total = accounted = 0
    for jur in engine.jurisdictions:
        for v in engine.versions(jur):
            arts = v.meta.articles
            count = {s: sum(1 for a in arts if a.status == s) for s in ("encoded", "principle", "external")}
            rules = sum(len(a.rules) for a in arts)
            print(f"{v.key:<20} {len(arts):>8} {count['encoded']:>8} {count['principle']:>9} "
                  f"{count['external']:>8} {rules:>6}")
            source = source_text(v)
            expected = split(source) if source else []
            total += len(expected)
            accounted += min(len(arts), len(expected))
            for art in expected[len(arts):]:
                gaps += 1
                print(f"    missing: article {art['number']} ({art['label']})")
            for art, src in zip(arts, expected, strict=False):
                if art.label != src["label"]:
                    gaps += 1
                    print(f"    article {art.number}: label `{art.label}`, the source has `{src['label']}`")
            for art in arts[len(expected):]:
                gaps += 1
                print(f"    article {art.number} is not in the source")
    print(f"{accounted} of {total} articles accounted for, {gaps} gap(s)")
    return EXIT_DENIED if gaps else EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    engine = _engine(args)
    if args.topic not in engine.topics:
        hint = did_you_mean(args.topic, engine.topics)
        print(f"unknown topic `{args.topic}`" + (f"; {hint}" if hint else ""), file=sys.stderr)
        print("topics: " + ", ".join(sorted(engine.topics)), file=sys.stderr)
        return EXIT_INPUT
    print(f"{args.topic}: {engine.topics[args.topic]['zh']} / {engine.topics[args.topic]['en']}")
    for jur in engine.jurisdictions:
        v = engine.versions(jur)[-1]
        rules = [r for r in engine.rules() if r.jurisdiction == jur and r.rule.topic == args.topic]
        print(f"\n{jur} 《{v.meta.short_zh}》")
        if not rules:
            print("    (the text is silent)")
        for r in rules:
            print(f"    {article_zh(r.article.number)}（{r.article.label}）[{r.rule.modality}] {r.rule.id}")
            print(f"        when {r.rule.when} → {_effect(r.rule)}")
            print(f"        {r.rule.message.zh if args.lang == 'zh' else r.rule.message.en}")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    engine = _engine(args)
    versions = engine.versions(args.jurisdiction)
    if not versions:
        print(f"unknown jurisdiction `{args.jurisdiction}`", file=sys.stderr)
        return EXIT_INPUT
    for v in versions:
        arts = [a for a in v.meta.articles if a.number == args.article]
        if not arts:
            print(f"{v.key}: no article {args.article} (it has {len(v.meta.articles)})", file=sys.stderr)
            return EXIT_INPUT
        a = arts[0]
        print(f"《{v.meta.title_zh}》{article_zh(a.number)}（{a.label}）{a.chapter} — {a.status}")
        print(a.text.strip())
        if a.note:
            print(f"note: {a.note}")
        for r in a.rules:
            print(f"\n  {r.id} [{r.kind}, {r.topic}, {r.modality}]")
            if r.quote:
                print(f"    「{r.quote}」")
            print(f"    when {r.when} → {_effect(r)}")
            if r.exception_to:
                print(f"    exception to {', '.join(r.exception_to)}")
            print(f"    {r.message.zh}\n    {r.message.en}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="govrules", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="judge actions from YAML, JSON or JSON Lines files")
    check.add_argument("files", nargs="+", help="action files (- for standard input, read as YAML)")
    check.add_argument("--format", choices=("text", "json", "junit"), default="text")
    check.add_argument("--lang", choices=("en", "zh"), default="en")
    check.add_argument("--trace", action="store_true", help="include how each rule was weighed")
    check.add_argument("--exit-zero", action="store_true",
                       help="exit 0 even when an action is denied (bad input still exits 2)")
    check.add_argument("--rules", action="append", help="overlay rule files or folders")
    check.add_argument("--rulebook", help="a rulebook folder instead of the bundled one")
    check.set_defaults(func=cmd_check)

    validate = sub.add_parser("validate", help="check a rulebook and report every error")
    validate.add_argument("path", nargs="?", help="a rulebook folder or file (default: bundled)")
    validate.set_defaults(func=cmd_validate)

    test = sub.add_parser("test", help="run the rule tests written as data")
    test.add_argument("jurisdictions", nargs="*")
    test.add_argument("--rules", action="append", help="overlay rule folders (with tests/)")
    test.add_argument("--rulebook", help="a rulebook folder instead of the bundled one")
    test.set_defaults(func=cmd_test)

    for name, func, text in (
        ("coverage", cmd_coverage, "every article accounted for, per jurisdiction"),
        ("compare", cmd_compare, "one provision side by side across the jurisdictions"),
        ("show", cmd_show, "an article's text, status and rules"),
    ):
        p = sub.add_parser(name, help=text)
        if name == "compare":
            p.add_argument("topic")
            p.add_argument("--lang", choices=("en", "zh"), default="zh")
        if name == "show":
            p.add_argument("jurisdiction")
            p.add_argument("article", type=int)
        p.add_argument("--rules", action="append", help="overlay rule files or folders")
        p.add_argument("--rulebook", help="a rulebook folder instead of the bundled one")
        p.set_defaults(func=func)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except RulebookError as exc:
        for d in exc.diagnostics:
            print(d, file=sys.stderr)
        print(f"{len(exc.diagnostics)} error(s)", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:  # pragma: no cover
        return EXIT_OK
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The smaller commands, one function each (`check` and `audit` have modules of their own): explain,
facts, validate, fmt, test, schema, reference, coverage, compare, show.

Each imports what it needs when it runs, so that `govrules --help` loads no model and no rulebook.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .exits import EXIT_DENIED, EXIT_INPUT, EXIT_OK
from .options import load_engine


def cmd_explain(args: argparse.Namespace) -> int:
    from .._errors import ActionError
    from .._explain import explain
    from .._files import Budget
    from .check import NOT_AN_ACTION, read_actions

    engine = load_engine(args)
    code = EXIT_OK
    budget = Budget()
    for it in read_actions(args.files, budget):
        text = None
        if it.error is None and not isinstance(it.data, dict):
            it.error = NOT_AN_ACTION
        if it.error is None:
            try:
                text = explain(engine, it.data, args.lang)
            except ActionError as exc:
                it.error = str(exc)
        if text is None:
            code = EXIT_INPUT
            print(f"{it.file}:{it.line}: error: {it.error}", file=sys.stderr)
        else:
            print(f"{it.file}:{it.line}: {it.data.get('id') or it.data.get('kind')}\n{text}")
    return code


def cmd_facts(args: argparse.Namespace) -> int:
    """The checklist of one kind in one jurisdiction: what the rules in force read."""
    from .._errors import ActionError

    engine = load_engine(args)
    try:
        facts = engine.facts(args.kind, args.jurisdiction, args.date)
    except ActionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    if args.format == "json":
        print(json.dumps([f.model_dump() for f in facts], ensure_ascii=False, indent=1))
        return EXIT_OK
    for f in facts:
        text = (f.description_zh or f.description_en) if args.lang == "zh" else (f.description_en or f.description_zh)
        presumed = " (presumed when not given)" if f.presumed else ""
        print(f"{f.name}: {f.type}{presumed}")
        if text:
            print(f"    {text}")
        print(f"    read by: {', '.join(f.rules)}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """A rulebook folder, or a folder of overlays: those are checked on top of the bundled rulebook
    they extend, as `--rules` would load them."""
    from .._engine import load
    from .._lang.compiled import bundled_dir

    if args.path is not None and only_overlays(args.path):
        load(None, extra=[args.path, *(args.rules or ())])
        print(f"ok: {args.path} (overlays on the bundled rulebook)")
        return EXIT_OK
    load(args.path, extra=args.rules or ())
    print(f"ok: {args.path or bundled_dir()}")
    return EXIT_OK


def cmd_fmt(args: argparse.Namespace) -> int:
    """Format rulebook YAML in place, or with --check say which files would change (exit 1)."""
    from .._lang.fmt import FormatError, format_text, yaml_files

    if args.paths == ["-"]:
        try:
            sys.stdout.write(format_text(sys.stdin.read(), "<stdin>"))
        except FormatError as exc:
            print(exc.diagnostic, file=sys.stderr)
            return EXIT_INPUT
        return EXIT_OK
    code, changed = EXIT_OK, 0
    for path in yaml_files(args.paths or [Path(__file__).parents[1] / "rulebook"]):
        try:
            before = path.read_text(encoding="utf-8")
            after = format_text(before, str(path))
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{path}:1:1: E000: {exc}", file=sys.stderr)
            code = EXIT_INPUT
            continue
        except FormatError as exc:
            print(exc.diagnostic, file=sys.stderr)
            code = EXIT_INPUT
            continue
        if after != before:
            changed += 1
            if args.check:
                print(f"would reformat {path}")
            else:
                path.write_text(after, encoding="utf-8")
                print(f"reformatted {path}")
    if args.check and changed and code == EXIT_OK:
        code = EXIT_DENIED
    return code


def only_overlays(path: str) -> bool:
    """Whether every rule file under `path` is an overlay (`extends:`), and there is at least one."""
    from .._files import InputError
    from .._lang.compiled import rulebook_files
    from .._lang.document import YamlError, load_document

    files = rulebook_files([path])
    for f in files:
        try:
            data = load_document(str(f)).data
        except (YamlError, InputError, OSError):
            return False  # reported by the load itself, with its position
        if not (isinstance(data, dict) and "extends" in data):
            return False
    return bool(files)


def cmd_test(args: argparse.Namespace) -> int:
    from .._cases import case_files, run_all, untested_rules
    from .._errors import Diagnostic
    from .._lang.compiled import bundled_dir

    engine = load_engine(args)
    base = Path(args.rulebook) if args.rulebook else bundled_dir()
    folders = [base, *map(Path, args.rules or ())]
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


def cmd_schema(args: argparse.Namespace) -> int:
    from .._schema import dumps, generate

    _write(dumps(generate(args.kind)), args.output)
    return EXIT_OK


def cmd_reference(args: argparse.Namespace) -> int:
    from .._reference import reference

    _write(reference(), args.output)
    return EXIT_OK


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def cmd_coverage(args: argparse.Namespace) -> int:
    from .._lang.compile import source_text
    from .._sources import split

    engine = load_engine(args)
    gaps = 0
    print(f"{'rulebook':<20} {'articles':>8} {'encoded':>8} {'principle':>9} {'external':>8} {'rules':>6}")
    total = accounted = 0
    for jur in engine.jurisdictions:
        for v in engine._compiled_versions(jur):  # the source text is the compiler's business
            arts = v.meta.articles
            count = {s: sum(1 for a in arts if a.status == s) for s in ("encoded", "principle", "external")}
            rules = sum(len(a.rules) for a in arts)
            print(
                f"{v.key:<20} {len(arts):>8} {count['encoded']:>8} {count['principle']:>9} "
                f"{count['external']:>8} {rules:>6}"
            )
            source = source_text(v)
            expected = split(source) if source else []
            total += len(expected)
            accounted += min(len(arts), len(expected))
            for lost in expected[len(arts) :]:
                gaps += 1
                print(f"    missing: article {lost['number']} ({lost['label']})")
            for art, src in zip(arts, expected, strict=False):
                if art.label != src["label"]:
                    gaps += 1
                    print(f"    article {art.number}: label `{art.label}`, the source has `{src['label']}`")
            for art in arts[len(expected) :]:
                gaps += 1
                print(f"    article {art.number} is not in the source")
    print(f"{accounted} of {total} articles accounted for, {gaps} gap(s)")
    return EXIT_DENIED if gaps else EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from .._errors import did_you_mean
    from .._vocab import article_zh

    engine = load_engine(args)
    if args.topic not in engine.topics:
        hint = did_you_mean(args.topic, engine.topics)
        print(f"unknown topic `{args.topic}`" + (f"; {hint}" if hint else ""), file=sys.stderr)
        print("topics: " + ", ".join(sorted(engine.topics)), file=sys.stderr)
        return EXIT_INPUT
    print(f"{args.topic}: {engine.topics[args.topic]['zh']} / {engine.topics[args.topic]['en']}")
    for jur in engine.jurisdictions:
        v = engine.versions(jur)[-1]
        rules = [r for r in engine.rules() if r.jurisdiction == jur and r.topic == args.topic]
        print(f"\n{jur} 《{v.short_zh}》")
        if not rules:
            print("    (the text is silent)")
        for r in rules:
            where = f"{article_zh(r.article)}（{r.label}）"
            print(f"    {where}[{r.modality}] {r.id}")
            print(f"        when {r.when} → {r.effect}")
            print(f"        {r.message_zh if args.lang == 'zh' else r.message_en}")
    return EXIT_OK


def cmd_parity(args: argparse.Namespace) -> int:
    from .._parity import parity

    cells = parity(load_engine(args))
    shown = [c for c in cells if args.all or c.status in ("gap", "conflict")]
    for c in shown:
        print(f"{c.topic:40} {c.jurisdiction:10} {c.status:9} {c.detail}")
    counts: dict[str, int] = {}
    for c in cells:
        counts[c.status] = counts.get(c.status, 0) + 1
    print(", ".join(f"{counts.get(k, 0)} {k}" for k in ("encoded", "elsewhere", "absent", "gap", "conflict")))
    return EXIT_DENIED if counts.get("gap") or counts.get("conflict") else EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from .._vocab import article_zh

    engine = load_engine(args)
    versions = engine.versions(args.jurisdiction)
    if not versions:
        print(f"unknown jurisdiction `{args.jurisdiction}`", file=sys.stderr)
        return EXIT_INPUT
    for v in versions:
        arts = [a for a in v.articles if a.number == args.article]
        if not arts:
            print(f"{v.key}: no article {args.article} (it has {len(v.articles)})", file=sys.stderr)
            return EXIT_INPUT
        a = arts[0]
        print(f"《{v.title_zh}》{article_zh(a.number)}（{a.label}）{a.chapter} — {a.status}")
        print(a.text.strip())
        if a.note:
            print(f"note: {a.note}")
        for r in a.rules:
            print(f"\n  {r.id} [{r.kind}, {r.topic}, {r.modality}]")
            if r.quote:
                print(f"    「{r.quote}」")
            print(f"    when {r.when} → {r.effect}")
            if r.exception_to:
                print(f"    exception to {', '.join(r.exception_to)}")
            print(f"    {r.message_zh}\n    {r.message_en}")
    return EXIT_OK

"""The `govrules` command: check and explain actions, validate a rulebook, run rule tests, show
articles, and write the JSON Schemas and the reference page.

Exit codes: 0 nothing denied, 1 something denied (a breach), 2 unusable input (a bad rulebook, a
bad action: every good one is still judged), 3 govrules itself failed (a bug: never read as a
breach), 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from itertools import islice
from pathlib import Path
from types import FrameType
from typing import Any, TextIO
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from . import ActionError, Decision, Engine, RulebookError, load
from ._audit import AuditFinding, AuditReport, audit_file
from ._cases import case_files, run_all, untested_rules
from ._compile import article_zh, bundled_dir, source_text
from ._errors import Diagnostic, GovrulesError, did_you_mean
from ._explain import explain
from ._files import MAX_LINE, InputError, lines, open_regular, read_bytes, read_stream
from ._reference import reference
from ._rulebook import Rule
from ._schema import KINDS, dumps, generate
from ._sources import split
from ._yaml import Budget, iter_documents

EXIT_OK, EXIT_DENIED, EXIT_INPUT, EXIT_CRASH = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_TERMINATED = 128 + signal.SIGINT, 128 + signal.SIGTERM  # 130, 143: the shell's way
JSON_SHAPE_VERSION = 1
NOT_AN_ACTION = "an action is a mapping with `kind`, `jurisdiction`, `date` and `actor`"


@dataclass
class Item:
    """One action read from a file: where it stands, and the action or why it cannot be used."""

    file: str
    line: int
    data: Any = None
    error: str | None = None
    decision: Decision | None = None


def read_actions(path: str, budget: Budget | None = None) -> Iterator[Item]:
    """The actions in a YAML, JSON or JSON Lines file, one by one, with their line numbers. A
    record that cannot be read is an Item with an error, and those after it are still read."""
    p = Path(path)
    if path != "-" and p.suffix in (".jsonl", ".ndjson"):
        yield from _read_lines(path)  # streamed: a file of a million actions is never held whole
        return
    try:
        raw = read_stream(sys.stdin.buffer) if path == "-" else read_bytes(path)
    except InputError as exc:
        yield Item(path, 0, error=str(exc))
        return
    if not raw.strip():
        yield Item(path, 0, error="empty file: no actions")
        return
    if p.suffix == ".json":
        data, error = _json_value(raw)
        if error is not None:
            yield Item(path, 1, error=error)
            return
        for d in data if isinstance(data, list) else [data]:
            yield Item(path, 1, d)
        return
    for doc in iter_documents(path, raw, budget):
        if isinstance(doc, Diagnostic):
            yield Item(path, doc.line, error=f"{doc.code}: {doc.message}")
            continue
        data = doc.data
        base: tuple[str, ...] = ()
        if isinstance(data, dict) and set(data) == {"actions"}:
            data, base = data["actions"], ("actions",)
        if isinstance(data, list):
            for i, d in enumerate(data):
                yield Item(path, doc.where((*base, i))[0], d)
        else:
            yield Item(path, doc.where(())[0], data)


def _json_value(raw: bytes) -> tuple[Any, str | None]:
    """A JSON text's value, or why it cannot be had."""
    try:
        return json.loads(raw), None
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON: {exc}"
    except UnicodeDecodeError:
        return None, "invalid JSON: not UTF-8 text"
    except RecursionError:
        return None, "invalid JSON: nesting too deep"
    except ValueError:  # Python reads no integer of more than 4,300 digits
        return None, "invalid JSON: a number too long to read"


def _read_lines(path: str) -> Iterator[Item]:
    try:
        fh = open_regular(path)
    except InputError as exc:
        yield Item(path, 0, error=str(exc))
        return
    empty = True
    with fh:
        try:
            for n, line in lines(fh):
                if line is None:
                    empty = False
                    yield Item(path, n, error=f"line longer than {MAX_LINE} bytes")
                elif line.strip():
                    empty = False
                    data, error = _json_value(line)
                    yield Item(path, n, data, error)
        except OSError as exc:
            yield Item(path, 0, error=f"cannot read: {exc.strerror}")
            return
    if empty:
        yield Item(path, 0, error="empty file: no actions")


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


# --- output ------------------------------------------------------------------------------------
def _text(it: Item, lang: str) -> str:
    where = f"{it.file}:{it.line}"
    if it.decision is None:
        return f"{where}: error: {it.error}\n"
    d = it.decision
    lines = [f"{where}: {d.verdict.upper()} {d.action_id or d.kind} ({d.jurisdiction}, {d.date}, {d.rulebook})"]
    if d.silent:
        lines.append(f"    no provision of 《{d.document}》 applies to this `{d.kind}`")
    if d.conditional_on:
        lines.append(f"    conditional on: {', '.join(_NEEDS[n] for n in d.conditional_on)}")
    if d.breach and d.verdict != "denied":
        lines.append("    BREACH: a follow-up duty is overdue")
    for f in d.findings:
        msg = f.message_zh if lang == "zh" else f.message_en
        extra = ""
        if f.missing:
            extra += f" — missing: {', '.join(f.missing)}"
        if f.due:
            extra += f" — due {f.due}"
        if f.comply_by:
            extra += f" — would have complied by {f.comply_by}"
        if f.follow_up:
            extra += " — a duty after the act"
        if f.provenance != "bundled":  # a rule of one's own: say so, it may have changed the answer
            extra += f" — from {f.provenance}"
        lines.append(f"    [{f.outcome}] {f.citation_zh}（{f.label}）{f.rule}: {msg}{extra}")
    for a in d.assumptions:
        reason = a.reason_zh if lang == "zh" else a.reason_en
        lines.append(f"    presumed: {a.fact} = {json.dumps(a.value)} ({reason}) [{a.rule}]")
    for o in d.obligations:
        due = f" by {o.due}" if o.due else ""
        prov = " (provisional: holiday schedule not yet published)" if o.provisional else ""
        to = f" ({', '.join(o.party)})" if o.party else ""
        system = f" under {o.system}" if o.system else ""
        lines.append(f"    obligation: {o.step}{to}{system}{due}{prov} [{o.rule}]")
    return "\n".join(lines) + "\n"


def _json(it: Item) -> str:
    head = f'{{"file": {json.dumps(it.file, ensure_ascii=False)}, "line": {it.line}, '
    if it.decision is None:
        return head + f'"error": {json.dumps(it.error, ensure_ascii=False)}}}'
    return head + f'"decision": {it.decision.model_dump_json(exclude_none=True)}}}'  # pydantic's own encoder


@dataclass
class Tally:
    allowed: int = 0
    conditional: int = 0
    denied: int = 0
    errors: int = 0

    breaches: int = 0  # decisions with a binding duty broken: every denied one, and overdue follow-ups

    def add(self, tag: str) -> None:
        """Count one verdict ("denied", or "allowed!" when a follow-up is overdue), or one "error"."""
        verdict = tag.rstrip("!")
        name = "errors" if verdict == "error" else verdict
        setattr(self, name, getattr(self, name) + 1)
        self.breaches += tag.endswith("!") or verdict == "denied"

    def __str__(self) -> str:
        total = self.allowed + self.conditional + self.denied + self.errors
        overdue = self.breaches - self.denied
        return (f"{total} actions: {self.allowed} allowed, {self.conditional} conditional, "
                f"{self.denied} denied, {self.errors} errors" + (f"; {overdue} with an overdue duty" if overdue else ""))


def _tag(it: Item) -> str:
    d = it.decision
    return "error" if d is None else d.verdict + ("!" if d.breach and d.verdict != "denied" else "")


_NEEDS = {"missing_facts": "facts to give", "pending_steps": "steps to get done",
          "exception_grounds": "grounds to record for departing from an in-principle rule"}


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
                     for f in d.findings
                     if f.outcome == "violated" and f.modality in ("must", "shall")]
            out.write(f"<failure message={quoteattr(lines[0] if lines else 'denied')}>"
                      f"{escape(chr(10).join(lines))}</failure>")
        elif d.verdict == "conditional":
            notes = [f"{o.step} {','.join(o.party)} {o.due or ''} [{o.rule}]"
                     for o in d.obligations]
            out.write(f"<system-out>{escape('conditional: ' + '; '.join(notes))}</system-out>")
        out.write("</testcase>\n")
    out.write("</testsuite></testsuites>\n")


SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _sarif(items: list[Item], out: TextIO, lang: str) -> None:
    """SARIF 2.1.0: a result per finding that denies or holds an action back, at its line."""
    rules: dict[str, int] = {}
    descriptors: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    for it in items:
        where = _location(it)
        if it.decision is None:
            notes.append({"level": "error", "message": {"text": it.error or "unusable input"},
                          "locations": [where]})
            continue
        d = it.decision
        for f in d.findings:
            denies = f.outcome == "violated" and f.modality in ("must", "shall")
            holds_back = f.outcome in ("pending", "undetermined") or (
                f.outcome == "violated" and f.modality == "in_principle")
            if not (denies or holds_back):
                continue
            if f.rule not in rules:
                rules[f.rule] = len(descriptors)
                descriptors.append({
                    "id": f.rule,
                    "shortDescription": {"text": f.message_en},
                    "fullDescription": {"text": f"{f.citation_zh}（{f.label}）：{f.message_zh}"},
                    "properties": {"jurisdiction": f.jurisdiction, "article": f.article,
                                   "topic": f.topic, "modality": f.modality},
                })
            detail: list[str] = [f.outcome]
            if f.missing:
                detail.append(f"missing: {', '.join(f.missing)}")
            if f.due:
                detail.append(f"due {f.due}")
            if f.comply_by:
                detail.append(f"would have complied by {f.comply_by}")
            message = f.message_zh if lang == "zh" else f.message_en
            results.append({
                "ruleId": f.rule,
                "ruleIndex": rules[f.rule],
                "level": "error" if denies else "warning",
                "message": {"text": f"{f.citation_zh}（{f.label}）：{message} "
                                    f"[{d.action_id or d.kind}: {'; '.join(detail)}]"},
                "locations": [where],
                "properties": {"action": d.action_id, "verdict": d.verdict, "rulebook": d.rulebook},
            })
    try:
        tool_version = version("govrules")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree
        tool_version = "0"
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "govrules", "version": tool_version, "rules": descriptors}},
            "invocations": [{"executionSuccessful": not notes,
                             "toolExecutionNotifications": notes}],
            "results": results,
        }],
    }
    json.dump(log, out, ensure_ascii=False, indent=2)
    out.write("\n")


def _location(it: Item) -> dict[str, Any]:
    p = Path(it.file)
    uri = p.as_uri() if p.is_absolute() else quote(p.as_posix())
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
    if it.line >= 1:
        physical["region"] = {"startLine": it.line}
    return {"physicalLocation": physical}


# --- commands ----------------------------------------------------------------------------------
def _engine(args: argparse.Namespace) -> Engine:
    return load(args.rulebook, extra=args.rules or ())


def cmd_check(args: argparse.Namespace) -> int:
    budget = Budget()  # what YAML aliases may add, over every file of the run
    items = (it for path in args.files for it in read_actions(path, budget))
    out, tally = sys.stdout, Tally()
    render = {"json": "json", "text": "text"}.get(args.format)
    # closed on every way out, so that its worker processes end with the command
    with contextlib.closing(_judge_all(args, items, render)) as judged:
        if render is None:  # JUnit and SARIF headers count what follows: gather first
            collected = [it for it, _ in judged]
            for it in collected:
                tally.add(_tag(it))
            (_junit(collected, out) if args.format == "junit" else _sarif(collected, out, args.lang))
        elif render == "json":
            out.write(f'{{"version": {JSON_SHAPE_VERSION}, "results": [\n')
            for n, (tag, text) in enumerate(judged):
                tally.add(tag)
                out.write((",\n" if n else "") + text)
            out.write("\n]}\n")
        else:
            for tag, text in judged:
                tally.add(tag)
                out.write(text)
            out.write(f"{tally}\n")
    if tally.errors:
        return EXIT_INPUT
    return EXIT_DENIED if tally.breaches and not args.exit_zero else EXIT_OK


CHUNK = 1000


def _judge_all(args: argparse.Namespace, items: Iterator[Item], render: str | None) -> Generator[Any, None, None]:
    """Judge items in order, here or in `--jobs` worker processes (each loading the rulebook once),
    with a bounded number of chunks in flight, so that memory stays flat whatever the input size.
    With `render`, each comes back as (verdict or "error", its text in that format), rendered where
    it was judged; without, as (the item, None)."""
    job = (args.trace, render, getattr(args, "lang", "en"), getattr(args, "strict", False))
    if args.jobs <= 1:
        engine = _engine(args)
        for chunk in _chunks(items):
            yield from _process(engine, chunk, *job)
        return
    _engine(args)  # a broken rulebook is reported once, here, not by every worker
    with _workers(args) as pool:
        pending: deque[Future[list[Any]]] = deque()
        for chunk in _chunks(items):
            with _signals_held():  # a worker forked now starts with them held, until it ignores them
                pending.append(pool.submit(_work, chunk, *job))
            if len(pending) > 2 * args.jobs:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


@contextlib.contextmanager
def _workers(args: argparse.Namespace) -> Iterator[ProcessPoolExecutor]:
    """A pool of worker processes that never outlives the command: on any way out but the normal
    one (Ctrl-C, SIGTERM, an error, the generator dropped), its workers are ended, not waited on;
    and a worker whose parent dies, even by SIGKILL, is ended by the kernel (Linux)."""
    before = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(args.jobs, initializer=_start_worker,
                               initargs=(args.rulebook, args.rules, os.getpid()))
    try:
        yield pool
    except BaseException:
        workers = [p for p in multiprocessing.active_children() if p not in before]
        for p in workers:
            p.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        for p in workers:
            p.join(2)
            if p.is_alive():  # pragma: no cover - a worker deaf to SIGTERM
                p.kill()
                p.join(2)
        raise
    pool.shutdown()


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


def _process(engine: Engine, chunk: list[Item], trace: bool, render: str | None, lang: str,
             strict: bool) -> list[Any]:
    out: list[Any] = []
    for it in chunk:
        _judge(engine, it, trace, strict)
        if render is None:
            out.append((it, None))
        else:
            out.append((_tag(it), _json(it) if render == "json" else _text(it, lang)))
    return out


_WORKER: Engine | None = None


def _start_worker(rulebook: str | None, rules: list[str] | None, parent: int) -> None:
    global _WORKER  # one engine per worker process, loaded once
    # Ctrl-C reaches the whole process group: the parent alone answers it, and ends the workers.
    # SIGTERM ends a worker at once, quietly. Both were held since the fork: released only now.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
    _end_with_parent(parent)
    _WORKER = load(rulebook, extra=rules or ())


def _end_with_parent(parent: int) -> None:
    """Ask the kernel to send SIGTERM to this process when its parent dies (Linux's
    PR_SET_PDEATHSIG); if the parent is already gone, end now."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
    if os.getppid() != parent and multiprocessing.get_start_method() in ("fork", "spawn"):
        os._exit(EXIT_TERMINATED)


def _work(chunk: list[Item], trace: bool, render: str | None, lang: str, strict: bool) -> list[Any]:
    assert _WORKER is not None
    return _process(_WORKER, chunk, trace, render, lang, strict)


def cmd_facts(args: argparse.Namespace) -> int:
    """The checklist of one kind in one jurisdiction: what the rules in force read."""
    engine = _engine(args)
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


def cmd_explain(args: argparse.Namespace) -> int:
    engine = _engine(args)
    code = EXIT_OK
    budget = Budget()
    for path in args.files:
        for it in read_actions(path, budget):
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
                print(f"{it.file}:{it.line}: error: {it.error}\n")
            else:
                print(f"{it.file}:{it.line}: {it.data.get('id') or it.data.get('kind')}\n{text}")
    return code


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def cmd_schema(args: argparse.Namespace) -> int:
    _write(dumps(generate(args.kind)), args.output)
    return EXIT_OK


def cmd_reference(args: argparse.Namespace) -> int:
    _write(reference(), args.output)
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    load(args.path, extra=args.rules or ())
    print(f"ok: {args.path or bundled_dir()}")
    return EXIT_OK


def cmd_test(args: argparse.Namespace) -> int:
    engine = _engine(args)
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


def _effect(rule: Rule) -> str:
    e = rule.effect
    if e.require is None:
        return e.name
    r = e.require
    due = ""
    if r.due:
        side = "before" if r.due.before else "after"
        due = f", {r.due.days} {r.due.unit} days {side} {r.due.anchor}"
    system = f" under {r.system}" if r.system else ""
    return f"require {r.step} ({'/'.join(r.parties)}){system}{due}"


def cmd_coverage(args: argparse.Namespace) -> int:
    engine = _engine(args)
    gaps = 0
    print(f"{'rulebook':<20} {'articles':>8} {'encoded':>8} {'principle':>9} {'external':>8} "
          f"{'rules':>6}")
    total = accounted = 0
    for jur in engine.jurisdictions:
        for v in engine.versions(jur):
            arts = v.meta.articles
            count = {s: sum(1 for a in arts if a.status == s)
                     for s in ("encoded", "principle", "external")}
            rules = sum(len(a.rules) for a in arts)
            print(f"{v.key:<20} {len(arts):>8} {count['encoded']:>8} {count['principle']:>9} "
                  f"{count['external']:>8} {rules:>6}")
            source = source_text(v)
            expected = split(source) if source else []
            total += len(expected)
            accounted += min(len(arts), len(expected))
            for lost in expected[len(arts):]:
                gaps += 1
                print(f"    missing: article {lost['number']} ({lost['label']})")
            for art, src in zip(arts, expected, strict=False):
                if art.label != src["label"]:
                    gaps += 1
                    print(f"    article {art.number}: label `{art.label}`, "
                          f"the source has `{src['label']}`")
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
            where = f"{article_zh(r.article.number)}（{r.article.label}）"
            print(f"    {where}[{r.rule.modality}] {r.rule.id}")
            print(f"        when {r.rule.when} → {_effect(r.rule)}")
            print(f"        {r.rule.message.zh if args.lang == 'zh' else r.rule.message.en}")
    return EXIT_OK


def cmd_parity(args: argparse.Namespace) -> int:
    from ._parity import parity

    cells = parity(_engine(args))
    shown = [c for c in cells if args.all or c.status in ("gap", "conflict")]
    for c in shown:
        print(f"{c.topic:40} {c.jurisdiction:10} {c.status:9} {c.detail}")
    counts: dict[str, int] = {}
    for c in cells:
        counts[c.status] = counts.get(c.status, 0) + 1
    print(", ".join(f"{counts.get(k, 0)} {k}" for k in ("encoded", "elsewhere", "absent", "gap", "conflict")))
    return EXIT_DENIED if counts.get("gap") or counts.get("conflict") else EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    engine = _engine(args)
    versions = engine.versions(args.jurisdiction)
    if not versions:
        print(f"unknown jurisdiction `{args.jurisdiction}`", file=sys.stderr)
        return EXIT_INPUT
    for v in versions:
        arts = [a for a in v.meta.articles if a.number == args.article]
        if not arts:
            print(f"{v.key}: no article {args.article} (it has {len(v.meta.articles)})",
                  file=sys.stderr)
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


def cmd_audit(args: argparse.Namespace) -> int:
    import signal
    import threading

    from ._audit import stop_workers

    class Terminated(BaseException):
        pass

    def terminate(signum: int, frame: object) -> None:
        raise Terminated

    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, terminate) if main_thread else None
    try:
        engine = _engine(args)
        report = audit_file(engine, args.log, as_of=args.as_of, backend=args.backend)
    except ActionError as exc:
        print(f"govrules audit: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except (KeyboardInterrupt, Terminated) as exc:  # stop the workers; no traceback
        stop_workers()
        print("govrules audit: interrupted", file=sys.stderr)
        return 130 if isinstance(exc, KeyboardInterrupt) else 143
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
    out = sys.stdout
    if args.format == "json":
        json.dump({"version": JSON_SHAPE_VERSION, **report.model_dump(mode="json")}, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif args.format == "junit":
        _audit_junit(report, args.log, out)
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
            out.write(f"{f.on} {tag} {f.kind}{due}{since}{left} {', '.join(f.events)} — {f.citation_zh}（{f.label}）"
                      f"{f.check}: {msg}\n")
        judged = sum(p.judged for p in report.periods)
        out.write(f"{report.events} events as of {report.as_of} ({report.backend} backend): "
                  f"{len(report.breaches)} breaches, {len(report.findings) - len(report.breaches)} other findings, "
                  f"{len(report.problems)} problems; {judged} periods judged, "
                  f"{len(report.periods) - judged} partial\n")
    if report.problems:
        return EXIT_INPUT
    return EXIT_DENIED if report.breaches else EXIT_OK


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{text}` is not a date (YYYY-MM-DD)") from None


def _audit_junit(report: AuditReport, log: str, out: TextIO) -> None:
    """One test case per check that found something, failing on breaches; one per problem, erroring."""
    by_check: dict[str, list[AuditFinding]] = {}
    for f in report.findings:
        by_check.setdefault(f.check, []).append(f)
    failures = sum(1 for fs in by_check.values() if any(f.breach for f in fs))
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(f'<testsuites><testsuite name="govrules audit" tests="{len(by_check) + len(report.problems)}" '
              f'failures="{failures}" errors="{len(report.problems)}">\n')
    for check, fs in sorted(by_check.items()):
        lines = [f"{f.on} {f.kind}{f' ({f.age_days} days)' if f.age_days is not None else ''} "
                 f"{','.join(f.events)}: {f.citation_zh} {f.message_zh}" for f in fs]
        out.write(f"  <testcase classname={quoteattr(log)} name={quoteattr(check)}>")
        tag = "failure" if any(f.breach for f in fs) else "system-out"
        attr = f" message={quoteattr(lines[0])}" if tag == "failure" else ""
        out.write(f"<{tag}{attr}>{escape(chr(10).join(lines))}</{tag}></testcase>\n")
    for p in report.problems:
        name = f"{log}:{p.line or 0}"
        out.write(f"  <testcase classname={quoteattr(log)} name={quoteattr(name)}>"
                  f"<error message={quoteattr(p.message)}/></testcase>\n")
    out.write("</testsuite></testsuites>\n")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="govrules", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="judge actions from YAML, JSON or JSON Lines files")
    check.add_argument("files", nargs="+", help="action files (- for standard input, read as YAML)")
    check.add_argument("--format", choices=("text", "json", "junit", "sarif"), default="text")
    check.add_argument("--lang", choices=("en", "zh"), default="en")
    check.add_argument("--trace", action="store_true", help="include how each rule was weighed")
    check.add_argument("--strict", action="store_true",
                       help="set aside the rulebook's presumptions: every fact not given is missing")
    check.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (default 1)")
    check.add_argument("--exit-zero", action="store_true",
                       help="exit 0 even when an action is denied or a duty overdue (bad input still exits 2)")
    check.add_argument("--rules", action="append", help="overlay rule files or folders")
    check.add_argument("--rulebook", help="a rulebook folder instead of the bundled one")
    check.set_defaults(func=cmd_check)

    validate = sub.add_parser("validate", help="check a rulebook and report every error")
    validate.add_argument("path", nargs="?", help="a rulebook folder or file (default: bundled)")
    validate.add_argument("--rules", action="append", help="overlay rule files or folders")
    validate.set_defaults(func=cmd_validate)

    explain_ = sub.add_parser("explain", help="why each action got its verdict: rules weighed, "
                              "facts read, articles quoted, dates computed")
    explain_.add_argument("files", nargs="+", help="action files (- for standard input)")
    explain_.add_argument("--lang", choices=("zh", "en"), default="zh")
    explain_.add_argument("--rules", action="append", help="overlay rule files or folders")
    explain_.add_argument("--rulebook", help="a rulebook folder instead of the bundled one")
    explain_.set_defaults(func=cmd_explain)

    facts = sub.add_parser("facts", help="the facts and steps the rules of one kind read: a checklist for a form")
    facts.add_argument("kind")
    facts.add_argument("-j", "--jurisdiction", required=True)
    facts.add_argument("--date", type=_day, help="the rules in force on this day (default: today)")
    facts.add_argument("--lang", choices=("en", "zh"), default="en")
    facts.add_argument("--format", choices=("text", "json"), default="text")
    facts.add_argument("--rules", action="append", help="overlay rule files or folders")
    facts.add_argument("--rulebook", help="a rulebook folder instead of the bundled one")
    facts.set_defaults(func=cmd_facts)

    schema = sub.add_parser("schema", help="the JSON Schema of rulebook, action or rule test files")
    schema.add_argument("kind", choices=KINDS)
    schema.add_argument("-o", "--output", help="write to this file instead of standard output")
    schema.set_defaults(func=cmd_schema)

    ref = sub.add_parser("reference", help="the reference page (docs/reference.md) in Markdown")
    ref.add_argument("-o", "--output", help="write to this file instead of standard output")
    ref.set_defaults(func=cmd_reference)

    aud = sub.add_parser("audit", help="check a log of events over time")
    aud.add_argument("log", help="events, JSON Lines or YAML")
    aud.add_argument("--as-of", type=_day, help="the day the audit stands (default: the last event's date)")
    aud.add_argument("--format", choices=("text", "json", "junit"), default="text")
    aud.add_argument("--lang", choices=("en", "zh"), default="en")
    aud.add_argument("--rules", action="append", help="overlay rule files or folders")
    aud.add_argument("--rulebook", help="a rulebook folder instead of the bundled one")
    aud.add_argument("--backend", choices=("auto", "rete", "python"), default="auto",
                     help="durable-rules' Rete network, or plain Python (default: Rete where installed)")
    aud.set_defaults(func=cmd_audit)

    test = sub.add_parser("test", help="run the rule tests written as data")
    test.add_argument("jurisdictions", nargs="*")
    test.add_argument("--rules", action="append", help="overlay rule folders (with tests/)")
    test.add_argument("--rulebook", help="a rulebook folder instead of the bundled one")
    test.set_defaults(func=cmd_test)

    for name, func, text in (
        ("coverage", cmd_coverage, "every article accounted for, per jurisdiction"),
        ("compare", cmd_compare, "one provision side by side across the jurisdictions"),
        ("parity", cmd_parity, "every topic in every jurisdiction: encoded, or declared absent with a reason"),
        ("show", cmd_show, "an article's text, status and rules"),
    ):
        p = sub.add_parser(name, help=text)
        if name == "compare":
            p.add_argument("topic")
            p.add_argument("--lang", choices=("en", "zh"), default="zh")
        if name == "parity":
            p.add_argument("--all", action="store_true", help="every cell, not only the unexplained ones")
        if name == "show":
            p.add_argument("jurisdiction")
            p.add_argument("article", type=int)
        p.add_argument("--rules", action="append", help="overlay rule files or folders")
        p.add_argument("--rulebook", help="a rulebook folder instead of the bundled one")
        p.set_defaults(func=func)
    return parser


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that the command unwinds (and ends its workers)."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise _Terminated


REPORT = "this is a bug in govrules, not a finding about your actions: please report it with the command and its input"


def main(argv: Sequence[str] | None = None) -> int:
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
    except _Terminated:
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

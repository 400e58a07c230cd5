"""Load, validate and compile rulebook files into an immutable, indexed rulebook.

The passes, in order (each later pass relies on what the earlier ones established):

1. read       YAML → documents with positions (safe loader, duplicate keys, size and alias bounds)
2. model      documents → typed `RulebookFile`s (unknown fields, wrong types, mapped to lines)
3. citations  articles numbered 1…N in order; each text found in the shipped source; each quote
              found in its article (needs 2: the typed articles)
4. names      rule and check ids unique; kinds, event types, topics, exception targets and due
              anchors known (needs 2; must precede 5 so that a condition is compiled against a
              known kind or event type)
5. conditions parse, type-check against the kind's action model (or the check's event model),
              compile into closures
6. versions   one jurisdiction's versions do not overlap in time
7. index      (jurisdiction, version) → kind → rules, exceptions linked to what they defeat

Every pass collects all its errors; loading stops after the first pass that found any, so that
later passes never see half-checked input, and reports them all, sorted by position.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ._actions import ACTION_MODELS
from ._calendar import WorkCalendar
from ._condition import DATE, Checked, ConditionError, compile_condition, type_of
from ._errors import Diagnostic, RulebookError, did_you_mean
from ._events import EVENT_MODELS
from ._rulebook import Article, AuditCheck, Rule, RulebookFile
from ._yaml import Document, YamlError, load_document

BUNDLED = "rulebook"


def bundled_dir() -> Path:
    """The rulebook shipped inside the package."""
    return Path(str(resources.files("govrules").joinpath(BUNDLED)))


@dataclass(frozen=True, eq=False)
class CompiledRule:
    rule: Rule
    jurisdiction: str
    article: Article
    citation_zh: str
    condition: Checked
    exceptions: list[CompiledRule] = field(default_factory=list)  # filled once, in pass 7


@dataclass(frozen=True, eq=False)
class CompiledAudit:
    check: AuditCheck
    jurisdiction: str
    article: Article
    citation_zh: str
    trigger: Checked
    expect: Checked | None


@dataclass(frozen=True, eq=False)
class Version:
    """One jurisdiction's rules in force over a span of dates."""

    meta: RulebookFile
    file: str
    by_kind: dict[str, tuple[CompiledRule, ...]]
    effective_until: dt.date | None
    audits: tuple[CompiledAudit, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.meta.jurisdiction}@{self.meta.version}"

    def in_force(self, day: dt.date) -> bool:
        return self.meta.effective_from <= day and (
            self.effective_until is None or day <= self.effective_until
        )


@dataclass(frozen=True)
class Topics:
    names: dict[str, dict[str, str]]


def rulebook_files(paths: Iterable[str | Path]) -> list[Path]:
    """The rulebook files under the given files or folders (tests/ and topics.yaml aside)."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(f for f in p.glob("*.yaml") if f.name != "topics.yaml")
        else:
            found.append(p)
    return found


def _topics(paths: Sequence[Path]) -> dict[str, Any]:
    topics: dict[str, Any] = {}
    for folder in {p.parent for p in paths} | {bundled_dir()}:
        f = folder / "topics.yaml"
        if f.exists():
            doc = load_document(str(f))
            topics.update((doc.data or {}).get("topics", {}))
    return topics


def source_text(version: Version) -> str | None:
    """The source text a version's articles are quoted from."""
    return _source_text(Path(version.file).parent, version.meta.source)


def _source_text(folder: Path, name: str) -> str | None:
    for base in (folder / "sources", bundled_dir() / "sources"):
        f = base / name
        if f.is_file():
            return f.read_text(encoding="utf-8")
    return None


_WS = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _WS.sub("", text)


CN_DIGITS = "零一二三四五六七八九"


def article_zh(n: int) -> str:
    """第六十二条."""
    tens, units = divmod(n, 10)
    hundreds, tens = divmod(tens, 10)
    text = (CN_DIGITS[hundreds] + "百" if hundreds else "")
    if tens:
        text += ("" if tens == 1 and not hundreds else CN_DIGITS[tens]) + "十"
    elif hundreds and units:
        text += "零"
    text += CN_DIGITS[units] if units else ""
    return f"第{text}条"


def _pydantic_diagnostics(doc: Document, exc: ValidationError, prefix: tuple[Any, ...] = ()) -> list[Diagnostic]:
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p in _UNION_TAGS))
        path = prefix + loc
        field_name = ".".join(str(p) for p in loc) or "(document)"
        msg = err["msg"]
        hint = None
        if err["type"] == "extra_forbidden":
            msg = f"unknown field `{loc[-1]}`"
            parent = _model_at(loc[:-1])
            hint = did_you_mean(str(loc[-1]), parent) if parent else None
        elif err["type"] == "missing":
            msg = f"missing field `{loc[-1]}`"
        out.append(doc.diagnostic(path, "E100", f"{field_name}: {msg}", hint=hint))
    return out


_UNION_TAGS = {"Due", "Require", "tuple[...]", "literal['deny']"}


def _model_at(loc: tuple[Any, ...]) -> list[str] | None:
    """The field names of the rulebook model at `loc`, for "did you mean"."""
    from ._rulebook import Article as A
    from ._rulebook import Due, Effect, Message, Require

    model: Any = RulebookFile
    for part in loc:
        if isinstance(part, int):
            continue
        nxt = {
            ("RulebookFile", "articles"): A, ("Article", "rules"): Rule, ("Rule", "effect"): Effect,
            ("Rule", "message"): Message, ("Effect", "require"): Require, ("Require", "due"): Due,
        }.get((model.__name__, part))
        if nxt is None:
            return None
        model = nxt
    return list(model.model_fields)


class _Build:
    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar
        self.errors: list[Diagnostic] = []

    def fail_if_errors(self) -> None:
        if self.errors:
            raise RulebookError(self.errors)

    # 1. read
    def read(self, files: Sequence[Path]) -> list[Document]:
        docs = []
        for f in files:
            try:
                docs.append(load_document(str(f)))
            except YamlError as exc:
                self.errors.append(exc.diagnostic)
            except OSError as exc:
                self.errors.append(Diagnostic(str(f), 1, 1, "E000", f"cannot read: {exc.strerror}"))
        return docs

    # 2. model
    def model(self, docs: Sequence[Document]) -> list[tuple[Document, RulebookFile]]:
        out = []
        for doc in docs:
            try:
                out.append((doc, RulebookFile.model_validate(doc.data)))
            except ValidationError as exc:
                self.errors += _pydantic_diagnostics(doc, exc)
        return out

    # 3. citations
    def citations(self, books: Sequence[tuple[Document, RulebookFile]]) -> None:
        for doc, book in books:
            source = _source_text(Path(doc.file).parent, book.source)
            if source is None:
                self.errors.append(doc.diagnostic(("source",), "E201", f"source `{book.source}` not found"))
                continue
            squashed = _squash(source)
            for i, art in enumerate(book.articles):
                here = ("articles", i)
                if art.number != i + 1:
                    self.errors.append(doc.diagnostic((*here, "number"), "E202",
                                       f"article {art.number} stands at position {i + 1}"))
                if _squash(art.text) not in squashed:
                    self.errors.append(doc.diagnostic((*here, "text"), "E203",
                                       f"the text of article {art.number} is not found in {book.source}",
                                       hint="quote the source exactly; only whitespace may differ"))
                quoted: tuple[tuple[str, Sequence[Rule | AuditCheck]], ...] = (
                    ("rules", art.rules), ("audits", art.audits))
                for key, items in quoted:
                    for j, item in enumerate(items):
                        if item.quote and _squash(item.quote) not in _squash(art.text):
                            self.errors.append(doc.diagnostic((*here, key, j, "quote"), "E204",
                                               f"quote not found in article {art.number}", rule=item.id))

    # 4. names
    def names(self, books: Sequence[tuple[Document, RulebookFile]], topics: dict[str, Any]) -> None:
        seen: dict[str, str] = {}
        for doc, book in books:
            ids = {r.id: r for a in book.articles for r in a.rules}
            for i, art in enumerate(book.articles):
                for j, rule in enumerate(art.rules):
                    at = ("articles", i, "rules", j)

                    def err(key: str, code: str, msg: str, hint: str | None = None,
                            at: tuple[Any, ...] = at, rule: Rule = rule, doc: Document = doc) -> None:
                        self.errors.append(doc.diagnostic((*at, key), code, msg, rule=rule.id, hint=hint))

                    key = f"{rule.id}"
                    if key in seen and seen[key] != f"{doc.file}":
                        err("id", "E301", f"rule id `{rule.id}` also used in {seen[key]}")
                    elif key in seen:
                        err("id", "E301", f"rule id `{rule.id}` used twice")
                    seen[key] = doc.file
                    if not rule.id.startswith(book.jurisdiction + "."):
                        err("id", "E302", f"rule id must start with `{book.jurisdiction}.`")
                    if rule.kind not in ACTION_MODELS:
                        err("kind", "E303", f"unknown kind `{rule.kind}`", did_you_mean(rule.kind, ACTION_MODELS))
                        continue
                    if rule.topic not in topics:
                        err("topic", "E304", f"unknown topic `{rule.topic}`", did_you_mean(rule.topic, topics))
                    for target in rule.exception_to:
                        other = ids.get(target)
                        if other is None:
                            err("exception_to", "E305", f"exception to unknown rule `{target}`",
                                did_you_mean(target, ids))
                        elif other.kind != rule.kind:
                            err("exception_to", "E306", f"exception to `{target}`, a rule of another kind")
                    req = rule.effect.require
                    if req and req.due:
                        fields = ACTION_MODELS[rule.kind].model_fields
                        anchor = req.due.anchor
                        if anchor not in fields or type_of(fields[anchor].annotation).base != DATE.base:
                            dates = [f for f in fields if type_of(fields[f].annotation).base == "date"]
                            err("effect", "E307", f"due date anchor `{anchor}` is not a date field of "
                                f"`{rule.kind}`", did_you_mean(anchor, dates) or f"one of {', '.join(dates)}")

    def audit_names(self, books: Sequence[tuple[Document, RulebookFile]], topics: dict[str, Any]) -> None:
        seen = {r.id for _, b in books for a in b.articles for r in a.rules}
        for doc, book in books:
            for i, art in enumerate(book.articles):
                for j, chk in enumerate(art.audits):
                    at = ("articles", i, "audits", j)

                    def err(key: str, code: str, msg: str, hint: str | None = None,
                            at: tuple[Any, ...] = at, chk: AuditCheck = chk, doc: Document = doc) -> None:
                        self.errors.append(doc.diagnostic((*at, key), code, msg, rule=chk.id, hint=hint))

                    if chk.id in seen:
                        err("id", "E301", f"id `{chk.id}` used twice")
                    seen.add(chk.id)
                    if not chk.id.startswith(book.jurisdiction + "."):
                        err("id", "E302", f"check id must start with `{book.jurisdiction}.`")
                    if chk.topic not in topics:
                        err("topic", "E304", f"unknown topic `{chk.topic}`", did_you_mean(chk.topic, topics))
                    for key, pattern in (("trigger", chk.trigger), ("expect", chk.expect)):
                        if pattern is not None and pattern.event not in EVENT_MODELS:
                            err(key, "E308", f"unknown event type `{pattern.event}`",
                                did_you_mean(pattern.event, EVENT_MODELS))
                    if chk.limit and chk.trigger.event in EVENT_MODELS:
                        fields = EVENT_MODELS[chk.trigger.event].model_fields
                        for name in chk.limit.per:
                            if name not in fields:
                                err("limit", "E309", f"`{name}` is not a field of `{chk.trigger.event}`",
                                    did_you_mean(name, fields))

    def audit_conditions(self, books: Sequence[tuple[Document, RulebookFile]]) -> dict[str, CompiledAudit]:
        compiled: dict[str, CompiledAudit] = {}
        for doc, book in books:
            for i, art in enumerate(book.articles):
                citation = f"依据《{book.short_zh}》{article_zh(art.number)}"
                for j, chk in enumerate(art.audits):
                    checked: list[Checked | None] = []
                    for key, pattern in (("trigger", chk.trigger), ("expect", chk.expect)):
                        if pattern is None:
                            checked.append(None)
                            continue
                        try:
                            checked.append(compile_condition(pattern.when, EVENT_MODELS[pattern.event],
                                                             self.calendar.working_days_between))
                        except ConditionError as exc:
                            line, col = doc.where(("articles", i, "audits", j, key, "when"))
                            self.errors.append(Diagnostic(doc.file, line, col + exc.offset, exc.code,
                                                          f"in `when`: {exc.message}", rule=chk.id,
                                                          hint=exc.hint))
                    trigger, expect = checked
                    if trigger is not None and (chk.expect is None or expect is not None):
                        compiled[chk.id] = CompiledAudit(chk, book.jurisdiction, art, citation, trigger, expect)
        return compiled

    # 5. conditions
    def conditions(self, books: Sequence[tuple[Document, RulebookFile]]) -> dict[str, CompiledRule]:
        compiled: dict[str, CompiledRule] = {}
        for doc, book in books:
            for i, art in enumerate(book.articles):
                citation = f"依据《{book.short_zh}》{article_zh(art.number)}"
                for j, rule in enumerate(art.rules):
                    model = ACTION_MODELS[rule.kind]
                    try:
                        checked = compile_condition(rule.when, model, self.calendar.working_days_between)
                    except ConditionError as exc:
                        line, col = doc.where(("articles", i, "rules", j, "when"))
                        self.errors.append(Diagnostic(doc.file, line, col + exc.offset, exc.code,
                                                      f"in `when`: {exc.message}", rule=rule.id, hint=exc.hint))
                        continue
                    compiled[rule.id] = CompiledRule(rule, book.jurisdiction, art, citation, checked)
        return compiled

    # 6. versions
    def versions(self, books: Sequence[tuple[Document, RulebookFile]]) -> dict[int, dt.date | None]:
        """The last day in force of each book (by index): its own, or the day before the next."""
        until: dict[int, dt.date | None] = {}
        by_jur: dict[str, list[int]] = {}
        for n, (_, book) in enumerate(books):
            by_jur.setdefault(book.jurisdiction, []).append(n)
        for ns in by_jur.values():
            ns.sort(key=lambda n: books[n][1].effective_from)
            for a, b in zip(ns, [*ns[1:], None], strict=True):
                doc, book = books[a]
                nxt = books[b][1] if b is not None else None
                end = book.effective_until
                if nxt is not None:
                    if nxt.effective_from == book.effective_from or (end and end >= nxt.effective_from):
                        self.errors.append(doc.diagnostic(("effective_from",), "E401",
                            f"{book.jurisdiction}@{book.version} overlaps {nxt.jurisdiction}@{nxt.version}"))
                    end = end or nxt.effective_from - dt.timedelta(days=1)
                until[a] = end
        return until

    # 7. index
    def index(self, books: Sequence[tuple[Document, RulebookFile]], compiled: dict[str, CompiledRule],
              audits: dict[str, CompiledAudit], until: dict[int, dt.date | None]) -> dict[str, list[Version]]:
        for c in compiled.values():
            for target in c.rule.exception_to:
                compiled[target].exceptions.append(c)
        index: dict[str, list[Version]] = {}
        for n, (doc, book) in enumerate(books):
            by_kind: dict[str, list[CompiledRule]] = {}
            for art in book.articles:
                for rule in art.rules:
                    by_kind.setdefault(rule.kind, []).append(compiled[rule.id])
            checks = tuple(audits[c.id] for art in book.articles for c in art.audits)
            version = Version(book, doc.file, {k: tuple(v) for k, v in by_kind.items()}, until[n], checks)
            index.setdefault(book.jurisdiction, []).append(version)
        for versions in index.values():
            versions.sort(key=lambda v: v.meta.effective_from)
        return index


def build(files: Sequence[Path], calendar: WorkCalendar) -> tuple[dict[str, list[Version]], dict[str, Any]]:
    """Run the passes over `files`. Raises RulebookError with every problem of the failing pass."""
    b = _Build(calendar)
    if not files:
        raise RulebookError([Diagnostic("(rulebook)", 1, 1, "E000", "no rulebook files found")])
    try:
        topics = _topics(files)
    except YamlError as exc:
        raise RulebookError([exc.diagnostic]) from None
    docs = b.read(files)
    b.fail_if_errors()
    books = b.model(docs)
    b.fail_if_errors()
    b.citations(books)
    b.names(books, topics)
    b.audit_names(books, topics)
    b.fail_if_errors()
    compiled = b.conditions(books)
    audits = b.audit_conditions(books)
    until = b.versions(books)
    b.fail_if_errors()
    return b.index(books, compiled, audits, until), topics

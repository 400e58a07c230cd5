"""Load, validate and compile rulebook files into an immutable, indexed rulebook.

The passes are the table `STAGES` below, run in order by `build`: each stage collects all its
errors, and where a stage is marked `stop`, loading stops if any stage so far found one, so that
later stages never see half-checked input. Every error of the load is reported, sorted by position.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, TypeAdapter, ValidationError

from .._actions import ACTION_MODELS
from .._audit.events import EVENT_MODELS
from .._calendar import WorkCalendar
from .._errors import Diagnostic, RulebookError, did_you_mean
from .._files import InputError, read_bytes
from .._vocab import article_zh
from .compiled import CompiledAudit, CompiledRule, Site, Version, bundled_dir
from .condition import DATE, Checked, ConditionError, compile_condition, conjoin, type_of
from .document import Budget, Document, YamlError, load_document
from .rulebook import AuditCheck, OverlayAudit, OverlayFile, OverlayRule, Rule, RulebookFile

# A rulebook's dates lie within these, so that a deadline counted from one stays a date.
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def _topics(paths: Sequence[Path], budget: Budget | None = None) -> dict[str, Any]:
    """The topics of the bundled rulebook and of each folder given. Raises YamlError."""
    topics: dict[str, Any] = {}
    for folder in sorted({p.parent for p in paths} | {bundled_dir()}):
        f = folder / "topics.yaml"
        if f.exists():
            doc = load_document(str(f), budget=budget)
            found = doc.data.get("topics") if isinstance(doc.data, dict) else None
            if not isinstance(found, dict):
                raise YamlError(doc.diagnostic(("topics",), "E100", "topics: expected a mapping of topic names"))
            topics.update(found)
    return topics


def source_text(version: Version) -> str | None:
    """The source text a version's articles are quoted from."""
    return _source_text(Path(version.file).parent, version.meta.source)


def _source_text(folder: Path, name: str) -> str | None:
    """The source `name` of a rulebook in `folder`, or None when it cannot be had (the model pass
    has said why)."""
    try:
        found = _find_source(folder, name)
        return _read_source(found) if found else None
    except ValueError:
        return None


def _find_source(folder: Path, name: str) -> Path | None:
    """The file `name` under the rulebook's `sources/` folder, or the bundled one's; None if in
    neither. Raises ValueError for a name that would reach outside them."""
    rel = Path(name)
    if not name or rel.is_absolute() or rel.drive or ".." in rel.parts or "\\" in name:
        raise ValueError(f"source `{name}` must be a file name under `sources/`")
    for base in (folder / "sources", bundled_dir() / "sources"):
        f = base / rel
        if f.is_file():
            if not f.resolve().is_relative_to(base.resolve()):
                raise ValueError(f"source `{name}` leads outside `sources/`")
            return f
    return None


def _read_source(path: Path) -> str:
    """A source text: UTF-8, no NUL. Raises ValueError saying what is wrong."""
    try:
        raw = read_bytes(str(path))
    except InputError as exc:
        raise ValueError(f"source `{path.name}`: {exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"source `{path.name}` is not UTF-8 text") from None
    if "\x00" in text:
        raise ValueError(f"source `{path.name}` is binary (it holds NUL characters), not text")
    return text


_WS = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _WS.sub("", text)


def _pydantic_diagnostics(doc: Document, exc: ValidationError, *, overlay: bool = False) -> list[Diagnostic]:
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p in _UNION_TAGS))
        field_name = ".".join(str(p) for p in loc) or "(document)"
        msg = err["msg"]
        hint = None
        if err["type"] == "extra_forbidden":
            msg = f"unknown field `{loc[-1]}`"
            parent = _model_at(OverlayFile if overlay else RulebookFile, loc[:-1])
            hint = did_you_mean(str(loc[-1]), parent.model_fields) if parent else None
        elif err["type"] == "missing":
            msg = f"missing field `{loc[-1]}`"
        out.append(doc.diagnostic(loc, "E100", f"{field_name}: {msg}", hint=hint))
    return out


_UNION_TAGS = {"Due", "Require", "tuple[...]", "literal['deny']"}


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model found at `loc` below `model`, for "did you mean"."""
    for part in loc:
        if isinstance(part, int):
            continue
        field_info = model.model_fields.get(str(part))
        if field_info is None:
            return None
        nested = _nested_model(field_info.annotation)
        if nested is None:
            return None
        model = nested
    return model


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


class _Build:
    """One load: its inputs, what each stage has found so far, and the errors."""

    def __init__(self, files: Sequence[Path], calendar: WorkCalendar) -> None:
        self.files = files
        self.calendar = calendar
        self.errors: list[Diagnostic] = []
        self.budget = Budget()  # what YAML aliases may add over every file of this load
        self.topics: dict[str, Any] = {}
        self.docs: list[Document] = []
        self.books: list[tuple[Document, RulebookFile]] = []
        self.overlays: list[tuple[Document, OverlayFile]] = []
        self.site_list: list[Site] = []
        self.rules: dict[str, CompiledRule] = {}
        self.audits: dict[str, CompiledAudit] = {}
        self.until: dict[int, dt.date | None] = {}
        self.result: dict[str, list[Version]] = {}

    # topics
    def read_topics(self) -> None:
        try:
            self.topics = _topics(self.files, self.budget)
        except YamlError as exc:
            self.errors.append(exc.diagnostic)

    # read
    def read(self) -> None:
        docs = []
        for f in self.files:
            try:
                docs.append(load_document(str(f), budget=self.budget))
            except YamlError as exc:
                self.errors.append(exc.diagnostic)
        self.docs = docs

    # model
    def model(self) -> None:
        books, overlays = self.books, self.overlays
        for doc in self.docs:
            is_overlay = isinstance(doc.data, dict) and "extends" in doc.data
            try:
                if is_overlay:
                    overlays.append((doc, OverlayFile.model_validate(doc.data)))
                else:
                    book = RulebookFile.model_validate(doc.data)
                    books.append((doc, book))
                    self.book_dates(doc, book)
                    self.book_source(doc, book)
            except ValidationError as exc:
                self.errors += _pydantic_diagnostics(doc, exc, overlay=is_overlay)

    def book_dates(self, doc: Document, book: RulebookFile) -> None:
        """A rulebook's dates lie where deadlines counted from them stay within the calendar."""
        for key in ("adopted", "issued", "effective_from", "effective_until"):
            day = getattr(book, key)
            if day is not None and not FIRST_DAY <= day <= LAST_DAY:
                self.errors.append(
                    doc.diagnostic((key,), "E102", f"{key}: {day} is outside {FIRST_DAY.year}–{LAST_DAY.year}")
                )

    def book_source(self, doc: Document, book: RulebookFile) -> None:
        """The source a rulebook quotes: a UTF-8 text file under its folder's `sources/`."""
        try:
            found = _find_source(Path(doc.file).parent, book.source)
            if found is not None:
                _read_source(found)
        except ValueError as exc:
            self.errors.append(doc.diagnostic(("source",), "E205", str(exc)))

    # sites: every rule and check with the article it cites (an overlay's, in its base)
    def sites(self) -> None:
        books, overlays = self.books, self.overlays
        found: list[Site] = []
        for doc, book in books:
            for i, art in enumerate(book.articles):
                found += [Site(doc, ("articles", i, "rules", j), book, art, r) for j, r in enumerate(art.rules)]
                found += [Site(doc, ("articles", i, "audits", j), book, art, c) for j, c in enumerate(art.audits)]
        by_key: dict[tuple[str, str], tuple[Document, RulebookFile]] = {}
        for doc, book in books:
            jv = (book.jurisdiction, book.version)
            if jv in by_key:
                self.errors.append(
                    doc.diagnostic(
                        ("version",),
                        "E402",
                        f"`{jv[0]}@{jv[1]}` is defined twice: here and in {by_key[jv][0].file}",
                        hint="give a later version its own `version` and dates",
                    )
                )
                continue
            by_key[jv] = (doc, book)
        # INVARIANT: a base rule's or check's id names one site here (ids are unique by `names`).
        base = {(s.book.jurisdiction, s.book.version, s.item.id): s for s in found}
        replaced: set[int] = set()
        for doc, ov in overlays:
            if (ov.extends, ov.version) not in by_key:
                known = [f"{j}@{v}" for j, v in by_key]
                self.errors.append(
                    doc.diagnostic(
                        ("extends",),
                        "E501",
                        f"no rulebook `{ov.extends}@{ov.version}` to extend",
                        hint=did_you_mean(f"{ov.extends}@{ov.version}", known),
                    )
                )
                continue
            book = by_key[(ov.extends, ov.version)][1]
            articles = {a.number: a for a in book.articles}
            supplied: tuple[tuple[str, Sequence[OverlayRule | OverlayAudit]], ...] = (
                ("rules", ov.rules),
                ("audits", ov.audits),
            )
            for key, items in supplied:
                for j, item in enumerate(items):
                    cited = articles.get(item.article)
                    if cited is None:
                        self.errors.append(
                            doc.diagnostic(
                                (key, j, "article"),
                                "E502",
                                f"article {item.article} does not exist in {ov.extends}@{ov.version} "
                                f"(it has {len(book.articles)})",
                                rule=item.id,
                            )
                        )
                        continue
                    site = Site(doc, (key, j), book, cited, item)
                    old = base.get((ov.extends, ov.version, item.id))
                    if self.overrides(site, item, old, base) and old is not None:
                        replaced.add(id(old))
                    if old is None or id(old) in replaced:
                        found.append(site)
        found = [s for s in found if id(s) not in replaced]
        self.exceptions_to_exceptions(found)
        self.site_list = found

    def overrides(
        self, site: Site, item: OverlayRule | OverlayAudit, old: Site | None, base: dict[tuple[str, str, str], Site]
    ) -> bool:
        """Whether an overlay item may replace `old` (the base's item of the same id, if any) or
        defeat the base rules it is an exception to: only when it says `overrides: true`."""
        book = site.book
        where = f"{book.jurisdiction}@{book.version}"
        targets = [
            t
            for t in getattr(item, "exception_to", ())
            if isinstance(getattr(base.get((book.jurisdiction, book.version, t)), "item", None), Rule)
        ]
        hint = "say `overrides: true` in this rule if it is meant to change the answer of the rulebook it extends"
        if old is not None and isinstance(old.item, Rule) != isinstance(item, Rule):
            noun = "rule" if isinstance(old.item, Rule) else "check"
            self.errors.append(
                site.error("id", "E503", f"`{item.id}` is a {noun} of {where}: only a {noun} can replace it")
            )
            return False
        if not item.overrides:
            if old is not None:
                self.errors.append(
                    site.error(
                        "id",
                        "E503",
                        f"`{item.id}` is already a rule of {where} ({old.doc.file}): this would replace it",
                        hint=hint,
                    )
                )
            for t in targets:
                self.errors.append(
                    site.error(
                        "exception_to",
                        "E504",
                        f"an exception to `{t}`, a rule of {where}: this would defeat it",
                        hint=hint,
                    )
                )
            return old is None and not targets
        if old is None and not targets:
            self.errors.append(
                site.error(
                    "overrides",
                    "E505",
                    f"`overrides: true`, but `{item.id}` replaces "
                    f"no rule of {where} and is an exception to none of them",
                    hint="remove `overrides`",
                )
            )
            return False
        return True

    def exceptions_to_exceptions(self, sites: Sequence[Site]) -> None:
        """The engine weighs an exception against the rule it defeats, never against another
        exception: one that names an exception as its target is refused, not loaded and ignored."""
        rules = {(s.book.jurisdiction, s.book.version, s.item.id): s.item for s in sites if isinstance(s.item, Rule)}
        for site in sites:
            if not isinstance(site.item, Rule):
                continue
            for t in site.item.exception_to:
                target = rules.get((site.book.jurisdiction, site.book.version, t))
                if target is not None and target.exception_to:
                    self.errors.append(
                        site.error(
                            "exception_to",
                            "E310",
                            f"an exception to `{t}`, itself an "
                            f"exception (to `{'`, `'.join(target.exception_to)}`): an "
                            "exception to an exception is not weighed",
                            hint="make it an exception to the rule that exception defeats",
                        )
                    )

    # citations
    def citations(self) -> None:
        for doc, book in self.books:
            source = _source_text(Path(doc.file).parent, book.source)
            if source is None:
                self.errors.append(doc.diagnostic(("source",), "E201", f"source `{book.source}` not found"))
                continue
            squashed = _squash(source)
            for i, art in enumerate(book.articles):
                here = ("articles", i)
                if art.number != i + 1:
                    self.errors.append(
                        doc.diagnostic((*here, "number"), "E202", f"article {art.number} stands at position {i + 1}")
                    )
                if _squash(art.text) not in squashed:
                    self.errors.append(
                        doc.diagnostic(
                            (*here, "text"),
                            "E203",
                            f"the text of article {art.number} is not found in {book.source}",
                            hint="quote the source exactly; only whitespace may differ",
                        )
                    )
        for site in self.site_list:
            quote = site.item.quote
            if quote and _squash(quote) not in _squash(site.article.text):
                self.errors.append(site.error("quote", "E204", f"quote not found in article {site.article.number}"))

    # quotes
    def quotes(self) -> None:
        """Every rule and check quotes the words of its article it rests on, or says why not: the
        quote is what ties it to its article (E204 checks it is there), so that a wrong article
        number cannot pass unseen."""
        for site in self.site_list:
            if not site.item.quote and not (site.item.quote_reason or "").strip():
                self.errors.append(
                    site.error(
                        "id",
                        "E206",
                        f"`{site.item.id}` quotes no words of article {site.article.number}",
                        hint="add `quote:` with the words of the article the rule rests "
                        "on, or `quote_reason:` saying why none",
                    )
                )

    # names
    def names(self) -> None:
        sites, topics = self.site_list, self.topics
        seen: dict[str, str] = {}
        rules: dict[tuple[str, str], dict[str, Rule]] = {}
        for site in sites:
            if isinstance(site.item, Rule):
                rules.setdefault((site.book.jurisdiction, site.book.version), {})[site.item.id] = site.item
        for site in sites:
            item, jur = site.item, site.book.jurisdiction
            if item.id in seen:
                where = "" if seen[item.id] == site.doc.file else f" (also in {seen[item.id]})"
                self.errors.append(site.error("id", "E301", f"id `{item.id}` used twice{where}"))
            seen[item.id] = site.doc.file
            if not item.id.startswith(jur + "."):
                self.errors.append(site.error("id", "E302", f"id must start with `{jur}.`"))
            if item.topic not in topics:
                self.errors.append(
                    site.error("topic", "E304", f"unknown topic `{item.topic}`", did_you_mean(item.topic, topics))
                )
            if isinstance(item, Rule):
                self.rule_names(site, item, rules[(jur, site.book.version)])
            else:
                self.check_names(site, item)

    def rule_names(self, site: Site, rule: Rule, ids: dict[str, Rule]) -> None:
        if rule.kind not in ACTION_MODELS:
            self.errors.append(
                site.error("kind", "E303", f"unknown kind `{rule.kind}`", did_you_mean(rule.kind, ACTION_MODELS))
            )
            return
        for target in rule.exception_to:
            other = ids.get(target)
            if other is None:
                self.errors.append(
                    site.error(
                        "exception_to", "E305", f"exception to unknown rule `{target}`", did_you_mean(target, ids)
                    )
                )
            elif other.kind != rule.kind:
                self.errors.append(
                    site.error("exception_to", "E306", f"exception to `{target}`, a rule of another kind")
                )
        req = rule.effect.require
        if req and req.due:
            fields = ACTION_MODELS[rule.kind].model_fields
            anchor = req.due.anchor
            if anchor not in fields or type_of(fields[anchor].annotation).base != DATE.base:
                dates = [f for f in fields if type_of(fields[f].annotation).base == "date"]
                self.errors.append(
                    site.error(
                        "effect",
                        "E307",
                        f"due date anchor `{anchor}` is not a date field of `{rule.kind}`",
                        did_you_mean(anchor, dates) or f"one of {', '.join(dates)}",
                    )
                )

    def check_names(self, site: Site, chk: AuditCheck) -> None:
        for key, pattern in (("trigger", chk.trigger), ("expect", chk.expect)):
            if pattern is not None and pattern.event not in EVENT_MODELS:
                self.errors.append(
                    site.error(
                        key, "E308", f"unknown event type `{pattern.event}`", did_you_mean(pattern.event, EVENT_MODELS)
                    )
                )
        if chk.trigger.event not in EVENT_MODELS:
            return
        event = chk.trigger.event
        fields = EVENT_MODELS[event].model_fields
        if chk.limit:
            for name in chk.limit.per:
                if name not in fields:
                    self.errors.append(
                        site.error("limit", "E309", f"`{name}` is not a field of `{event}`", did_you_mean(name, fields))
                    )
        # Fields of the trigger that a check reads by name: a deadline of its own, how many answers
        # are due, the year a plan serves. Each must exist and be of its type, or the check would
        # silently fall back to its default (the text's deadline, one answer, the year of the date).
        exp, freq = chk.expect, chk.frequency
        named = [
            ("expect", "due_field", exp.due_field if exp else None, "date", "E315"),
            ("expect", "count_field", exp.count_field if exp else None, "int", "E316"),
            ("frequency", "year_field", freq.year_field if freq else None, "int", "E317"),
        ]
        for part, attr, given, base, code in named:
            if not given:
                continue
            if given in fields and type_of(fields[given].annotation).base == base:
                continue
            fitting = [f for f in fields if f != "date" and type_of(fields[f].annotation).base == base]
            what = "a date" if base == "date" else "an integer"
            self.errors.append(
                site.doc.diagnostic(
                    (*site.path, part, attr),
                    code,
                    f"`{attr}` `{given}` is not {what} field of `{event}`",
                    rule=chk.id,
                    hint=did_you_mean(given, fitting)
                    or (f"one of {', '.join(fitting)}" if fitting else f"`{event}` has no {what.split()[-1]} field"),
                )
            )

    # conditions
    def conditions(self) -> None:
        rules, audits = self.rules, self.audits
        for site in self.site_list:
            citation = f"依据《{site.book.short_zh}》{article_zh(site.article.number)}"
            item = site.item
            if isinstance(item, Rule):
                model = ACTION_MODELS[item.kind]
                binding = item.modality != "may" and not item.effect.permit
                guard: Literal["rule", "exception"] | None = None
                if binding:
                    guard = "exception" if item.exception_to else "rule"
                checked = self.condition(site, ("when",), item.when, model, guard)
                scope = None if item.scope is None else self.condition(site, ("scope",), item.scope, model, guard)
                self.presumptions(site, item, model)
                if item.effect.deny and not item.exception_to and item.scope is None:
                    self.errors.append(
                        site.error(
                            "effect",
                            "E311",
                            "a `deny` rule needs a `scope`: when the "
                            "provision applies, so that a compliant act cites it",
                        )
                    )
                if checked is not None and (item.scope is None or scope is not None):
                    condition = checked if scope is None else conjoin(scope, checked)
                    rules[item.id] = CompiledRule(
                        item,
                        site.book.jurisdiction,
                        site.article,
                        citation,
                        condition,
                        scope,
                        provenance=site.provenance,
                    )
                continue
            trigger = self.condition(site, ("trigger", "when"), item.trigger.when, EVENT_MODELS[item.trigger.event])
            expect = None
            if item.expect is not None:
                expect = self.condition(site, ("expect", "when"), item.expect.when, EVENT_MODELS[item.expect.event])
            if trigger is not None and (item.expect is None or expect is not None):
                audits[item.id] = CompiledAudit(
                    item, site.book.jurisdiction, site.article, citation, trigger, expect, provenance=site.provenance
                )

    def condition(
        self,
        site: Site,
        key: tuple[str, ...],
        text: str,
        model: type[BaseModel],
        guard: Literal["rule", "exception"] | None = None,
    ) -> Checked | None:
        try:
            return compile_condition(text, model, self.calendar.working_days_between, guard=guard)
        except ConditionError as exc:
            line, col = site.doc.within((*site.path, *key), exc.offset)
            self.errors.append(
                Diagnostic(
                    site.doc.file,
                    line,
                    col,
                    exc.code,
                    f"in `{key[-1]}`: {exc.message}",
                    rule=site.item.id,
                    hint=exc.hint,
                    source=site.doc.line_text(line),
                )
            )
            return None

    def presumptions(self, site: Site, rule: Rule, model: type[BaseModel]) -> None:
        for i, p in enumerate(rule.presume):
            where = ("presume", i)
            fields = {k: f for k, f in model.model_fields.items() if k not in ("kind", "id", "jurisdiction", "date")}
            if p.fact not in fields:
                self.errors.append(
                    site.error(
                        where[0],
                        "E312",
                        f"presumed fact `{p.fact}` is not a field of `{rule.kind}`",
                        did_you_mean(p.fact, fields),
                    )
                )
                continue
            # INVARIANT: every field of an action model is annotated (pydantic requires it).
            annotation: Any = fields[p.fact].annotation
            try:
                TypeAdapter(annotation).validate_python(p.value, strict=True)
            except ValidationError:
                self.errors.append(site.error(where[0], "E313", f"`{p.value!r}` is not a value of `{p.fact}`"))

    # versions
    def versions(self) -> None:
        """The last day in force of each book (by index): its own, or the day before the next."""
        books, until = self.books, self.until
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
                        self.errors.append(
                            doc.diagnostic(
                                ("effective_from",),
                                "E401",
                                f"{book.jurisdiction}@{book.version} overlaps {nxt.jurisdiction}@{nxt.version}",
                            )
                        )
                    end = end or nxt.effective_from - dt.timedelta(days=1)
                until[a] = end

    # index
    def index(self) -> None:
        books, sites, rules, audits, until = self.books, self.site_list, self.rules, self.audits, self.until
        for c in rules.values():
            for target in c.rule.exception_to:
                rules[target].exceptions.append(c)
        by_book: dict[int, list[Site]] = {}
        for site in sites:
            by_book.setdefault(id(site.book), []).append(site)
        index: dict[str, list[Version]] = {}
        for n, (doc, book) in enumerate(books):
            by_kind: dict[str, list[CompiledRule]] = {}
            checks = []
            for site in by_book.get(id(book), ()):
                if isinstance(site.item, Rule):
                    by_kind.setdefault(site.item.kind, []).append(rules[site.item.id])
                else:
                    checks.append(audits[site.item.id])
            version = Version(book, doc.file, {k: tuple(v) for k, v in by_kind.items()}, until[n], tuple(checks))
            index.setdefault(book.jurisdiction, []).append(version)
        for versions in index.values():
            versions.sort(key=lambda v: v.meta.effective_from)
        self.result = index


@dataclass(frozen=True)
class Stage:
    """One pass of the compiler: its name, what it does, and whether loading stops after it when
    any stage so far has found an error."""

    name: str
    run: Callable[[_Build], None]
    stop: bool
    does: str


# The passes, in order: each relies on what the stages before it established.
STAGES: tuple[Stage, ...] = (
    Stage(
        "topics",
        _Build.read_topics,
        True,
        "the topics of the bundled rulebook and of each folder given (`topics.yaml`)",
    ),
    Stage(
        "read",
        _Build.read,
        True,
        "YAML → documents with positions (safe loader, duplicate keys, size and alias bounds)",
    ),
    Stage(
        "model",
        _Build.model,
        True,
        "documents → typed `RulebookFile`s and `OverlayFile`s (unknown fields, wrong types, mapped to "
        "lines); a rulebook's dates within the calendar; its source a text under `sources/`",
    ),
    Stage(
        "sites",
        _Build.sites,
        False,
        "every rule and check with the article it cites and where it comes from; an overlay's items "
        "attached to the articles of the rulebook it extends (which must exist). No two rulebooks share "
        "a (jurisdiction, version); an overlay item that replaces or defeats one of its base says so "
        "(`overrides: true`); no exception is to an exception",
    ),
    Stage(
        "citations",
        _Build.citations,
        False,
        "articles numbered 1…N in order; each text found in the shipped source; each quote found in "
        "its article (needs `sites`: the article of each rule)",
    ),
    Stage(
        "names",
        _Build.names,
        True,
        "rule and check ids unique; kinds, event types, topics, exception targets and due anchors "
        "known, so that `conditions` compiles against a known kind or event type",
    ),
    Stage(
        "conditions",
        _Build.conditions,
        False,
        "parse, type-check against the kind's action model (or the check's event model), compile",
    ),
    Stage(
        "quotes",
        _Build.quotes,
        False,
        "every rule and check quotes its article or gives a `quote_reason` (late, so that other faults "
        "of a file come first)",
    ),
    Stage(
        "versions",
        _Build.versions,
        True,
        "one jurisdiction's versions do not overlap in time; each one's last day in force",
    ),
    Stage(
        "index",
        _Build.index,
        True,
        "(jurisdiction, version) → kind → rules; exceptions linked to the rules they defeat",
    ),
)


def build(files: Sequence[Path], calendar: WorkCalendar) -> tuple[dict[str, list[Version]], dict[str, Any]]:
    """Run `STAGES` over `files`. Raises RulebookError with every problem found up to the first
    stopping stage that found one."""
    if not files:
        raise RulebookError([Diagnostic("(rulebook)", 1, 1, "E000", "no rulebook files found")])
    b = _Build(files, calendar)
    for stage in STAGES:
        stage.run(b)
        if stage.stop and b.errors:
            raise RulebookError(b.errors)
    return b.result, b.topics

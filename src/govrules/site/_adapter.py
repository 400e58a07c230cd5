"""The one wall between the website and the engine's private types.

Everything the site shows is read here, from `govrules.load()` (`engine.jurisdictions`, `engine.versions(j)`,
`engine.topics`), into the plain frozen records below. The templates and the builder see only these records,
so the architecture refactor that wraps the engine's types has one module of ours to follow.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from govrules import Engine
from govrules._vocab import article_zh

from ._review import Review, read_review

BUNDLED = Path(__file__).resolve().parent.parent / "rulebook"


@dataclass(frozen=True)
class Case:
    """One rule test (rulebook/tests/<j>.yaml) as it bears on one rule."""

    name: str
    verdict: str | None
    role: str  # "firing" (the rule fires) or "compliant" (it applies and is met, or does not fire)


@dataclass(frozen=True)
class SiteRule:
    id: str
    kind: str
    topic: str
    modality: str
    quote: str | None
    scope: str | None
    when: str
    effect: str  # deny / permit / require
    step: str | None
    parties: tuple[str, ...]
    written: bool | None
    system: str | None
    timing: str | None  # before / after (require only)
    due: str | None  # "3 working days after requested_on"
    deadlines: tuple[str, ...]  # every span the rule states: its due, and day counts in its condition
    exception_to: tuple[str, ...]
    presume: tuple[tuple[str, str, str, str], ...]  # (fact, value, reason zh, reason en)
    judgement: str | None
    message_zh: str
    message_en: str
    provenance: str  # "bundled" or the overlay file the rule was read from
    cases: tuple[Case, ...] = ()
    defeated_by: tuple[str, ...] = ()  # exceptions to this rule

    @property
    def bundled(self) -> bool:
        return self.provenance == "bundled"


@dataclass(frozen=True)
class SiteAudit:
    id: str
    topic: str
    modality: str
    quote: str | None
    summary: str  # what the check expects, in one line
    spans: tuple[str, ...]
    message_zh: str
    message_en: str
    provenance: str


@dataclass(frozen=True)
class SiteArticle:
    number: int
    label: str
    chapter: str
    status: str
    note: str | None
    text: str
    rules: tuple[SiteRule, ...]
    audits: tuple[SiteAudit, ...]
    verdict: str | None = None
    changed: str | None = None
    unsure: tuple[str, ...] = ()

    @property
    def zh(self) -> str:
        return article_zh(self.number)


@dataclass(frozen=True)
class SiteBook:
    """One version of one jurisdiction's rules."""

    jurisdiction: str
    version: str
    title_zh: str
    title_en: str
    short_zh: str
    level: str
    province: str
    document_number: str | None
    issuing_body: str
    adopted: dt.date | None
    adopted_by: str | None
    issued: dt.date
    effective_from: dt.date
    effective_until: dt.date | None
    replaces: str | None
    source: str
    source_path: Path | None
    source_defects: tuple[str, ...]
    roles: tuple[tuple[str, str], ...]
    articles: tuple[SiteArticle, ...]
    review_meta: tuple[str, ...] = ()
    tests: int = 0
    overlays: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.jurisdiction}@{self.version}"

    def count(self, status: str) -> int:
        return sum(a.status == status for a in self.articles)

    @property
    def rules(self) -> list[SiteRule]:
        return [r for a in self.articles for r in a.rules]

    @property
    def audits(self) -> list[SiteAudit]:
        return [c for a in self.articles for c in a.audits]


@dataclass(frozen=True)
class Rulebook:
    """What the site renders: every jurisdiction's versions (oldest first) and the topics."""

    books: dict[str, tuple[SiteBook, ...]]
    topics: dict[str, tuple[str, str]]  # key → (zh, en)
    overlays: tuple[str, ...] = field(default=())

    @property
    def jurisdictions(self) -> list[str]:
        return sorted(self.books)

    def current(self, jurisdiction: str) -> SiteBook:
        return self.books[jurisdiction][-1]


_DAYS = re.compile(r"\b(working_days_between|days_between|months_between)\(([^)]*)\)\s*(>=|>|<=|<|==)\s*(\d+)")
_UNIT = {"working_days_between": "working days", "days_between": "days", "months_between": "months"}


def _span(days: int, unit: str) -> str:
    return f"{days} {'working days' if unit == 'working' else 'months' if unit == 'months' else 'days'}"


def read(engine: Engine, *, rulebook: str | Path | None = None, overlays: Iterable[str | Path] = ()) -> Rulebook:
    """The site's records of a loaded engine. `rulebook` and `overlays` are the folders it was loaded from
    (for the rule tests and the review record that sit beside the rules)."""
    base = Path(rulebook) if rulebook is not None else BUNDLED
    if base.is_file():
        base = base.parent
    given = [Path(p) for p in overlays]
    overlay_dirs = [p if p.is_dir() else p.parent for p in given]
    books: dict[str, tuple[SiteBook, ...]] = {}
    for jur in engine.jurisdictions:
        own = sorted(f for d in overlay_dirs for f in (d / "tests").glob("*.yaml"))  # an overlay's tests
        cases, total = _cases([base / "tests" / f"{jur}.yaml", *own], jur)
        review = read_review(base / "review" / f"{jur}.md")
        books[jur] = tuple(_book(v, cases, total, review) for v in engine._compiled_versions(jur))
    topics = {k: (str(v.get("zh", "")), str(v.get("en", ""))) for k, v in engine.topics.items()}
    return Rulebook(books, topics, tuple(str(p) for p in given))


def _cases(files: Iterable[Path], jurisdiction: str) -> tuple[dict[str, list[Case]], int]:
    """Rule id → the cases of `jurisdiction` that name it (fires: firing; satisfies / not_fires: compliant),
    and how many cases of it there are."""
    out: dict[str, list[Case]] = {}
    total = 0
    for f in files:
        if not f.is_file():
            continue
        data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        for case in data.get("cases", ()) if isinstance(data, dict) else ():
            if not isinstance(case, dict) or (case.get("action") or {}).get("jurisdiction") != jurisdiction:
                continue
            total += 1
            expect = case.get("expect") or {}
            verdict = expect.get("verdict")
            seen: set[str] = set()
            for key, role in (("fires", "firing"), ("satisfies", "compliant"), ("not_fires", "compliant")):
                for rid in expect.get(key) or ():
                    if rid not in seen:
                        seen.add(rid)
                        out.setdefault(rid, []).append(Case(str(case.get("name", "")), verdict, role))
    return out, total


def _book(version: Any, cases: dict[str, list[Case]], cases_total: int, review: Review | None) -> SiteBook:
    meta = version.meta
    compiled: dict[int, list[Any]] = {}
    for rules in version.by_kind.values():
        for cr in rules:
            compiled.setdefault(cr.article.number, []).append(cr)
    audits: dict[int, list[Any]] = {}
    for ca in version.audits:
        audits.setdefault(ca.article.number, []).append(ca)
    defeated: dict[str, list[str]] = {}
    for crs in compiled.values():
        for cr in crs:
            for target in cr.rule.exception_to:
                defeated.setdefault(target, []).append(cr.rule.id)
    articles = []
    overlay_files: set[str] = set()
    for art in meta.articles:
        # the compiled rules are the ones in force: the file's own, those an overlay replaced, and an overlay's
        # new ones (which come after the article's own, in the order the overlay gives them)
        by_id = {cr.rule.id: cr for cr in compiled.get(art.number, ())}
        order = [r.id for r in art.rules if r.id in by_id] + [i for i in by_id if i not in {r.id for r in art.rules}]
        rules = []
        for rid in order:
            cr = by_id[rid]
            provenance = _shown(cr.provenance)
            if provenance != "bundled":
                overlay_files.add(provenance)
            rules.append(_rule(cr.rule, provenance, tuple(cases.get(rid, ())), tuple(defeated.get(rid, ()))))
        own = {id(c) for c in art.audits}
        checks = [
            _audit(ca.check, "bundled" if id(ca.check) in own else "overlay") for ca in audits.get(art.number, ())
        ]
        row = review.rows.get(art.number) if review else None
        articles.append(
            SiteArticle(
                art.number,
                art.label,
                art.chapter,
                art.status,
                art.note,
                art.text,
                tuple(rules),
                tuple(checks),
                verdict=row[1] if row else None,
                changed=row[2] if row else None,
                unsure=tuple(review.unsure.get(art.number, ())) if review else (),
            )
        )
    src = Path(version.file).parent / "sources" / meta.source
    return SiteBook(
        meta.jurisdiction,
        meta.version,
        meta.title_zh,
        meta.title_en,
        meta.short_zh,
        meta.level,
        meta.province,
        meta.document_number,
        meta.issuing_body,
        meta.adopted,
        meta.adopted_by,
        meta.issued,
        meta.effective_from,
        version.effective_until,
        meta.replaces,
        meta.source,
        src if src.is_file() else None,
        tuple(meta.source_defects),
        tuple((str(k), str(v)) for k, v in meta.roles.items()),
        tuple(articles),
        review_meta=review.meta if review else (),
        tests=cases_total,
        overlays=tuple(sorted(overlay_files)),
    )


def _rule(r: Any, provenance: str, cases: tuple[Case, ...], defeated_by: tuple[str, ...]) -> SiteRule:
    e = r.effect
    req = e.require
    due = None
    deadlines: list[str] = []
    if req is not None and req.due is not None:
        d = req.due
        due = f"{_span(d.days, d.unit)} {'before' if d.before else 'after'} {d.anchor}"
        deadlines.append(_span(d.days, d.unit))
    for text in (r.scope or "", r.when):
        for m in _DAYS.finditer(text):
            deadlines.append(f"{m.group(4)} {_UNIT[m.group(1)]}")
    return SiteRule(
        id=r.id,
        kind=r.kind,
        topic=r.topic,
        modality=r.modality,
        quote=r.quote,
        scope=r.scope,
        when=r.when,
        effect=e.name,
        step=req.step if req else None,
        parties=tuple(req.parties) if req else (),
        written=req.written if req else None,
        system=req.system if req else None,
        timing=req.timing if req else None,
        due=due,
        deadlines=tuple(dict.fromkeys(deadlines)),
        exception_to=tuple(r.exception_to),
        presume=tuple((p.fact, _value(p.value), p.reason.zh, p.reason.en) for p in r.presume),
        judgement=r.judgement,
        message_zh=r.message.zh,
        message_en=r.message.en,
        provenance=provenance,
        cases=cases,
        defeated_by=defeated_by,
    )


def _shown(provenance: str) -> str:
    """An overlay's file as its author knows it: relative to the working folder when under it."""
    if provenance == "bundled":
        return provenance
    try:
        return Path(provenance).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return provenance


def _value(v: object) -> str:
    return "true" if v is True else "false" if v is False else str(v)


def _audit(c: Any, provenance: str) -> SiteAudit:
    spans: list[str] = []
    if c.expect is not None:
        x = c.expect
        if x.within is not None:
            spans.append(_span(x.within.days, x.within.unit))
            what = f"then `{x.event}` within {_span(x.within.days, x.within.unit)}"
        elif x.ahead is not None:
            spans.append(_span(x.ahead.days, x.ahead.unit))
            what = f"preceded by `{x.event}` at least {_span(x.ahead.days, x.ahead.unit)} ahead"
        else:
            what = f"then `{x.event}` (open: no deadline in the text)"
        if x.due_field:
            what += f", or by `{x.due_field}` when given"
        if c.silence == "consent":
            what += "; silence is consent"
    elif c.limit is not None:
        per = f" per {', '.join(c.limit.per)}" if c.limit.per else ""
        what = f"at most {c.limit.count}{per} a {c.limit.period}"
    else:
        f = c.frequency
        what = f"at least {f.at_least} a {f.period}" if f.period else f"one every {f.every_days} days"
    summary = f"`{c.trigger.event}`" + (f" where {c.trigger.when}" if c.trigger.when != "true" else "") + f": {what}"
    return SiteAudit(c.id, c.topic, c.modality, c.quote, summary, tuple(spans), c.message.zh, c.message.en, provenance)

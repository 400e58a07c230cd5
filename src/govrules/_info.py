"""What a loaded rulebook shows its callers: small frozen views of the compiled rulebook.

`Engine.versions()`, `Engine.version_for()` and `Engine.rules()` return these, never the compiler's
own types (`Version`, `CompiledRule`, `CompiledAudit`), so that the compiler can change without breaking a caller
(Cedar's public crate wraps each core type the same way). Built once per version, on first use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from ._vocab import Level, Modality

if TYPE_CHECKING:
    from ._lang.compiled import CompiledAudit, CompiledRule, Version
    from ._lang.rulebook import AuditCheck, Rule

CheckForm = Literal["within", "open", "ahead", "limit", "period", "cadence"]


@dataclass(frozen=True)
class RuleInfo:
    """One rule in force: what it governs, the article it encodes, and what it requires."""

    id: str
    jurisdiction: str
    kind: str  # the action kind it judges
    topic: str  # the provision, keyed the same in every jurisdiction (`govrules compare`)
    modality: Modality
    article: int
    label: str  # the article's label in the text: 七十、
    citation_zh: str  # 依据《…工作规则》第六十二条
    when: str  # the condition, in the rule language
    effect: str  # a one-line summary: deny, permit, or require STEP (PARTIES) [under SYSTEM][, DUE]
    message_zh: str
    message_en: str
    quote: str | None = None  # the words of the article the rule encodes
    exception_to: tuple[str, ...] = ()
    provenance: str = "bundled"  # the rulebook shipped with govrules, or the overlay file's path
    scope: str | None = None  # when the provision applies at all (a deny rule's), in the rule language


@dataclass(frozen=True)
class AuditCheckInfo:
    """One audit check in force: a duty `govrules audit` checks over a log of events."""

    id: str
    jurisdiction: str
    topic: str  # the provision, keyed the same in every jurisdiction, as a rule's
    modality: Modality
    article: int
    label: str
    citation_zh: str
    form: CheckForm  # see `check_form`
    trigger: str  # the event type that triggers it
    when: str  # the trigger's condition, in the rule language
    expects: str | None  # the event type it expects (a follow-up or a lead time)
    message_zh: str
    message_en: str
    quote: str | None = None
    provenance: str = "bundled"  # the rulebook shipped with govrules, or the overlay file's path


@dataclass(frozen=True)
class ArticleInfo:
    """One article of a rulebook's text, with the rules encoded from it."""

    number: int
    label: str
    chapter: str
    status: Literal["encoded", "principle", "external"]
    text: str
    note: str | None = None
    rules: tuple[RuleInfo, ...] = ()
    audits: tuple[AuditCheckInfo, ...] = ()


@dataclass(frozen=True)
class RulebookVersion:
    """One jurisdiction's rules as in force over a span of dates."""

    jurisdiction: str
    version: str
    title_zh: str
    title_en: str
    short_zh: str
    effective_from: dt.date
    effective_until: dt.date | None  # the last day in force; None: still in force
    file: str  # the rulebook file it was loaded from
    articles: tuple[ArticleInfo, ...]
    rules: tuple[RuleInfo, ...]  # every rule of the version, including overlays' and exceptions
    # The document itself, as its rulebook file describes it.
    level: Level
    province: str
    document_number: str | None
    issuing_body: str
    issued: dt.date
    adopted: dt.date | None
    adopted_by: str | None
    replaces: str | None
    source: str  # the source text's file name, under the rulebook's `sources/`
    source_defects: tuple[str, ...]
    roles: Mapping[str, str]  # role id → the title this jurisdiction gives it
    _compiled: Version = field(repr=False, compare=False)
    audits: tuple[AuditCheckInfo, ...] = ()  # every audit check of the version, including overlays'

    @property
    def key(self) -> str:
        """`jurisdiction@version`, as a decision's `rulebook` names it."""
        return f"{self.jurisdiction}@{self.version}"

    def in_force(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_until is None or day <= self.effective_until)

    @classmethod
    def _of(cls, v: Version) -> RulebookVersion:
        rules = tuple(_rule_info(r) for kind in v.by_kind.values() for r in kind)
        audits = tuple(_audit_info(a) for a in v.audits)
        by_article: dict[int, list[RuleInfo]] = {}
        for r in rules:
            by_article.setdefault(r.article, []).append(r)
        checks: dict[int, list[AuditCheckInfo]] = {}
        for c in audits:
            checks.setdefault(c.article, []).append(c)
        meta = v.meta
        articles = []
        for a in meta.articles:
            order = {r.id: i for i, r in enumerate(a.rules)}  # the text's order; overlays' after
            mine = sorted(by_article.get(a.number, ()), key=lambda r: order.get(r.id, len(order)))
            articles.append(
                ArticleInfo(
                    number=a.number,
                    label=a.label,
                    chapter=a.chapter,
                    status=a.status,
                    text=a.text,
                    note=a.note,
                    rules=tuple(mine),
                    audits=tuple(checks.get(a.number, ())),
                )
            )
        return cls(
            jurisdiction=meta.jurisdiction,
            version=meta.version,
            title_zh=meta.title_zh,
            title_en=meta.title_en,
            short_zh=meta.short_zh,
            effective_from=meta.effective_from,
            effective_until=v.effective_until,
            file=v.file,
            articles=tuple(articles),
            rules=rules,
            level=meta.level,
            province=meta.province,
            document_number=meta.document_number,
            issuing_body=meta.issuing_body,
            issued=meta.issued,
            adopted=meta.adopted,
            adopted_by=meta.adopted_by,
            replaces=meta.replaces,
            source=meta.source,
            source_defects=meta.source_defects,
            roles=MappingProxyType({str(k): t for k, t in meta.roles.items()}),
            _compiled=v,
            audits=audits,
        )


def _rule_info(c: CompiledRule) -> RuleInfo:
    r = c.rule
    return RuleInfo(
        id=r.id,
        jurisdiction=c.jurisdiction,
        kind=r.kind,
        topic=r.topic,
        modality=r.modality,
        article=c.article.number,
        label=c.article.label,
        citation_zh=c.citation_zh,
        when=r.when,
        effect=effect_summary(r),
        message_zh=r.message.zh,
        message_en=r.message.en,
        quote=r.quote,
        exception_to=r.exception_to,
        provenance=c.provenance,
        scope=r.scope,
    )


def check_form(c: AuditCheck) -> CheckForm:
    """The form of an audit check: a follow-up by a deadline (`within`), one with no deadline (`open`),
    a lead time (`ahead`), at most so many a year (`limit`), at least so many a calendar period
    (`period`), or one every so many days (`cadence`)."""
    if c.expect is not None:
        return "within" if c.expect.within else "open" if c.expect.open else "ahead"
    if c.limit is not None:
        return "limit"
    assert c.frequency is not None
    return "cadence" if c.frequency.every_days else "period"


def _audit_info(a: CompiledAudit) -> AuditCheckInfo:
    c = a.check
    return AuditCheckInfo(
        id=c.id,
        jurisdiction=a.jurisdiction,
        topic=c.topic,
        modality=c.modality,
        article=a.article.number,
        label=a.article.label,
        citation_zh=a.citation_zh,
        form=check_form(c),
        trigger=c.trigger.event,
        when=c.trigger.when,
        expects=c.expect.event if c.expect is not None else None,
        message_zh=c.message.zh,
        message_en=c.message.en,
        quote=c.quote,
        provenance=a.provenance,
    )


def effect_summary(rule: Rule) -> str:
    """A rule's effect in one line: `deny`, `permit`, or `require STEP (PARTIES) …`."""
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


def public_versions(versions: Iterable[Version], cache: dict[str, RulebookVersion]) -> tuple[RulebookVersion, ...]:
    """The public view of each version, built once (`cache` is keyed by `jurisdiction@version`)."""
    out = []
    for v in versions:
        view = cache.get(v.key)
        if view is None:
            view = cache[v.key] = RulebookVersion._of(v)
        out.append(view)
    return tuple(out)

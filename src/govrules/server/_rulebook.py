"""The rulebook a server answers with: the engine, its digest (`Engine.digest`), the files it was
loaded from, and a catalogue of its jurisdictions and articles in the server's own models.

This is the one module of the server that knows where govrules keeps its files and what its
private types look like: `_files` (the files, fingerprinted to notice a change during a load) and
`_catalogue` (the articles).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict

import govrules


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class RuleView(_Out):
    """A rule encoded from an article, as `govrules show` prints it."""

    id: str
    kind: str
    topic: str
    modality: str
    quote: str | None = None
    when: str
    exception_to: tuple[str, ...] = ()
    message_zh: str
    message_en: str


class ArticleView(_Out):
    """An article of one version of a jurisdiction's rules: its text, status and rules."""

    jurisdiction: str
    rulebook: str  # jurisdiction@version, as in `Decision.rulebook`
    document: str  # the rules' title
    number: int
    label: str
    chapter: str
    status: str  # encoded | principle | external
    note: str | None = None
    text: str
    rules: tuple[RuleView, ...] = ()


class VersionView(_Out):
    """One version of a jurisdiction's rules and the days it is in force."""

    rulebook: str
    title_zh: str
    title_en: str
    effective_from: dt.date
    effective_until: dt.date | None = None
    articles: int


class JurisdictionView(_Out):
    id: str
    versions: tuple[VersionView, ...]


@dataclass(frozen=True)
class LoadedRulebook:
    """An engine with its digest (`Engine.digest`). Immutable: a reload makes a new one,
    and a request keeps the one it started with."""

    engine: govrules.Engine
    digest: str  # `Engine.digest`: sha256:<hex> of what the engine judges with
    files: tuple[str, ...]
    loaded_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    jurisdictions: tuple[JurisdictionView, ...] = ()
    articles: dict[tuple[str, str, int], ArticleView] = field(default_factory=dict)  # (j, rulebook, n) → article

    def article(self, jurisdiction: str, number: int, day: dt.date | None = None) -> ArticleView | None:
        """Article `number` of the version in force on `day` (default today; else the latest version)."""
        views = [v for j in self.jurisdictions if j.id == jurisdiction for v in j.versions]
        if not views:
            return None
        day = day or dt.date.today()
        chosen = next(
            (
                v
                for v in reversed(views)
                if v.effective_from <= day and (v.effective_until is None or day <= v.effective_until)
            ),
            views[-1],
        )
        return self.articles.get((jurisdiction, chosen.rulebook, number))


EngineLoader = Callable[[], LoadedRulebook]


def rulebook_loader(rulebook: str | Path | None = None, rules: Sequence[str | Path] = ()) -> EngineLoader:
    """A loader of the bundled rulebook (or the folder `rulebook`) plus the overlay files or folders
    `rules`, as `govrules serve --rules` loads them. Each call loads the files anew (a reload). Raises
    RulebookError when they do not validate, and GovrulesError when they change while being loaded."""

    def load() -> LoadedRulebook:
        before = _files(rulebook, rules)
        engine = govrules.load(rulebook, extra=list(rules))
        after = _files(rulebook, rules)
        if after != before:  # the engine must be compiled from exactly the files named
            raise govrules.GovrulesError("the rulebook files changed while they were loaded: reload again")
        jurisdictions, articles = _catalogue(engine)
        return LoadedRulebook(engine, engine.digest, after[1], jurisdictions=jurisdictions, articles=articles)

    return load


def _files(rulebook: str | Path | None, rules: Sequence[str | Path]) -> tuple[str, tuple[str, ...]]:
    """A fingerprint (sha256) of the files govrules loads, and their names: the YAML files (topics.yaml
    included) of the rulebook folder (default: the bundled one) and of each overlay folder, and each
    overlay file given by name. Rule tests (tests/) are not loaded, so not hashed."""
    from govrules._lang.compiled import bundled_dir  # private: see the module's docstring

    files: list[Path] = []
    for root in [Path(rulebook) if rulebook is not None else bundled_dir(), *map(Path, rules)]:
        files += sorted(root.glob("*.yaml")) if root.is_dir() else [root]
    h = hashlib.sha256()
    for f in files:
        data = f.read_bytes() if f.is_file() else b""
        h.update(f"{f.name}\0{len(data)}\0".encode())
        h.update(data)
    return "sha256:" + h.hexdigest(), tuple(str(f) for f in files)


def _catalogue(engine: govrules.Engine) -> tuple[tuple[JurisdictionView, ...], dict[tuple[str, str, int], ArticleView]]:
    """The jurisdictions, their versions and every article, read once from the engine's private
    version objects (`engine.versions(j)[i].meta`) into the server's own models."""
    jurisdictions, articles = [], {}
    for j in engine.jurisdictions:
        versions = []
        for v in engine._compiled_versions(j):  # private: the full rulebook file models
            m = v.meta
            versions.append(
                VersionView(
                    rulebook=v.key,
                    title_zh=m.title_zh,
                    title_en=m.title_en,
                    effective_from=m.effective_from,
                    effective_until=m.effective_until,
                    articles=len(m.articles),
                )
            )
            for a in m.articles:
                rules = tuple(
                    RuleView(
                        id=r.id,
                        kind=r.kind,
                        topic=r.topic,
                        modality=r.modality,
                        quote=r.quote,
                        when=r.when,
                        exception_to=r.exception_to,
                        message_zh=r.message.zh,
                        message_en=r.message.en,
                    )
                    for r in a.rules
                )
                articles[(j, v.key, a.number)] = ArticleView(
                    jurisdiction=j,
                    rulebook=v.key,
                    document=m.title_zh,
                    number=a.number,
                    label=a.label,
                    chapter=a.chapter,
                    status=a.status,
                    note=a.note,
                    text=a.text.strip(),
                    rules=rules,
                )
        jurisdictions.append(JurisdictionView(id=j, versions=tuple(versions)))
    return tuple(jurisdictions), articles

"""What the compiler produces and the engine reads: one jurisdiction's `Version` of the rules,
each `CompiledRule` and `CompiledAudit` with its article and checked conditions, and the `Site`
where each rule or check stands in its file.

These are internal: the public face (`govrules._info`) wraps them in frozen views, so that no
compiled type leaks through a public method.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._errors import Diagnostic
from .condition import Checked
from .rulebook import Article, AuditCheck, Rule, RulebookFile

if TYPE_CHECKING:  # a `Site` is made by the compiler only: a load from the cache imports no YAML
    from .document import Document

BUNDLED = "rulebook"


def bundled_dir() -> Path:
    """The rulebook shipped inside the package (a folder of files: the loader reads them by path)."""
    return Path(__file__).resolve().parent.parent / BUNDLED


def rulebook_files(paths: Iterable[str | Path]) -> list[Path]:
    """The rulebook files under the given files or folders (tests/ and topics.yaml aside)."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(f for f in p.glob("*.yaml") if f.name != "topics.yaml")
        else:
            found.append(p)
    return found


@dataclass(frozen=True, eq=False)
class CompiledRule:
    rule: Rule
    jurisdiction: str
    article: Article
    citation_zh: str
    condition: Checked  # for a deny rule with a scope: `scope and when`
    scope: Checked | None = None
    exceptions: list[CompiledRule] = field(default_factory=list)  # filled once, in pass 8
    provenance: str = "bundled"  # or the path of the file the rule was read from


@dataclass(frozen=True, eq=False)
class CompiledAudit:
    check: AuditCheck
    jurisdiction: str
    article: Article
    citation_zh: str
    trigger: Checked
    expect: Checked | None
    provenance: str = "bundled"  # or the path of the file the check was read from (an overlay)


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
        return self.meta.effective_from <= day and (self.effective_until is None or day <= self.effective_until)


@dataclass(frozen=True, eq=False)
class Site:
    """Where a rule or a check stands: its file and path, and the article (of the base rulebook)
    it cites. An overlay's rules stand in the overlay file but cite the base rulebook's articles."""

    doc: Document
    path: tuple[str | int, ...]
    book: RulebookFile
    article: Article
    item: Rule | AuditCheck

    @property
    def provenance(self) -> str:
        """`bundled` for the rulebook shipped with govrules, else the file the item was read from."""
        return "bundled" if Path(self.doc.file).parent == bundled_dir() else self.doc.file

    def error(self, key: str, code: str, message: str, hint: str | None = None) -> Diagnostic:
        return self.doc.diagnostic((*self.path, key), code, message, rule=self.item.id, hint=hint)


def digest(versions: Mapping[str, Sequence[Version]], topics: Mapping[str, Any]) -> str:
    """`sha256:` and the SHA-256 of what an engine judges with: every version (its text, rules and
    checks, its dates in force), every rule and check it holds with its provenance (an overlay's
    path), and the topics. Not of file names, comments or load order: two loads of the same rules
    have the same digest, wherever their files are."""
    h = hashlib.sha256()
    for jurisdiction in sorted(versions):
        for v in versions[jurisdiction]:
            h.update(v.meta.model_dump_json().encode())
            h.update(f"\0{v.effective_until}\0".encode())
            compiled: list[CompiledRule | CompiledAudit] = [r for kind in sorted(v.by_kind) for r in v.by_kind[kind]]
            compiled += v.audits
            for c in sorted(compiled, key=lambda c: (c.jurisdiction, _item(c).id, c.provenance)):
                h.update(_item(c).model_dump_json().encode())
                h.update(f"\0{c.provenance}\0".encode())
    h.update(json.dumps(topics, sort_keys=True, ensure_ascii=False, default=str).encode())
    return "sha256:" + h.hexdigest()


def _item(c: CompiledRule | CompiledAudit) -> Rule | AuditCheck:
    return c.rule if isinstance(c, CompiledRule) else c.check

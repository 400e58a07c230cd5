"""Render the site: the records of `_adapter` through the Jinja2 templates into a folder of static files.

Every page links to the others by relative paths (and `…/index.html`, never a bare folder), so the tree
works from `file://` as well as served under any prefix (`/rulebook/`). The search index is a script
(`static/search-index.js`), not JSON fetched at run time, because a browser refuses `fetch` on `file://`.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

import govrules

from . import _adapter
from ._adapter import Rulebook, SiteArticle, SiteAudit, SiteBook, SiteRule
from ._urls import article_url

STATIC = Path(__file__).resolve().parent / "static"

JURISDICTION_ZH = {
    "qianjin": "前进区",
    "zhanqian": "站前区",
    "qinghemen": "清河门区",
    "hegang": "鹤岗市",
    "xiangshan": "象山区",
}
STATUS = {"encoded": ("已编码", "encoded"), "principle": ("原则性", "principle"), "external": ("外部制度", "external")}
MODALITY = {
    "must": ("必须", "must"),
    "shall": ("应当", "shall"),
    "in_principle": ("原则上", "in principle"),
    "may": ("可以", "may"),
}
EFFECT = {"deny": ("禁止", "deny"), "permit": ("允许", "permit"), "require": ("须履行", "require")}


@dataclass
class SiteReport:
    """What was written: the folder, every page, and the counts the overview shows."""

    out: Path
    pages: list[Path] = field(default_factory=list)
    articles: int = 0
    rules: int = 0
    audits: int = 0
    topics: int = 0


def build_site(
    out: str | Path,
    *,
    rulebook: str | Path | None = None,
    rules: Sequence[str | Path] = (),
    base_url: str | None = None,
) -> SiteReport:
    """Generate the website of a rulebook into `out` (created; files of an earlier run are overwritten).

    `rulebook`: a rulebook folder instead of the bundled one; `rules`: overlay files or folders shown in
    place with their provenance; `base_url`: where the site will be published, shown on every article as
    its permanent address. Raises `govrules.RulebookError` for a broken rulebook or overlay."""
    engine = govrules.load(rulebook, extra=list(rules))
    book = _adapter.read(engine, rulebook=rulebook, overlays=rules)
    # INVARIANT: the engine is not read past this point; the templates see only the adapter's records
    return Renderer(book, Path(out), base_url).render()


# --- presentation helpers (pure functions of the records) -----------------------------------------

_INLINE = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*|\*([^*]+)\*")


def inline_md(text: str | None) -> Markup:
    """The review record's inline Markdown (`code`, **bold**, *em*) as HTML; everything else escaped."""
    if not text:
        return Markup("")
    out, last = [], 0
    for m in _INLINE.finditer(text):
        out.append(str(escape(text[last : m.start()])))
        code, bold, em = m.groups()
        out.append(
            f"<code>{escape(code)}</code>"
            if code
            else f"<strong>{escape(bold)}</strong>"
            if bold
            else f"<em>{escape(em)}</em>"
        )
        last = m.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


def locate(text: str, quote: str) -> tuple[int, int] | None:
    """Where `quote` stands in `text`, whitespace aside (the loader's rule: only whitespace may differ)."""
    kept = [i for i, ch in enumerate(text) if not ch.isspace()]
    squashed = "".join(text[i] for i in kept)
    needle = "".join(quote.split())
    at = squashed.find(needle) if needle else -1
    if at < 0:
        return None
    return kept[at], kept[at + len(needle) - 1] + 1


def highlight(text: str, quotes: Iterable[tuple[int, str | None]]) -> Markup:
    """The article text with every rule's quoted words marked, each mark numbered by the rules quoting it."""
    owners: list[set[int]] = [set() for _ in text]
    for n, quote in quotes:
        where = locate(text, quote) if quote else None
        if where:
            for i in range(*where):
                owners[i].add(n)
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and owners[j] == owners[i]:
            j += 1
        piece = str(escape(text[i:j]))
        if owners[i]:
            tags = " ".join(str(n) for n in sorted(owners[i]))
            out.append(f'<mark class="q" data-rules="{tags}">{piece}<sup>{tags.replace(" ", ",")}</sup></mark>')
        else:
            out.append(piece)
        i = j
    return Markup("".join(out))


def effect_text(r: SiteRule) -> str:
    if r.effect != "require":
        return r.effect
    parts = f"{r.step} → {' / '.join(r.parties)}"
    if r.written:
        parts += " (written)"
    if r.system:
        parts += f" under {r.system}"
    return f"require {parts}"


@dataclass(frozen=True)
class Cell:
    jurisdiction: str
    values: tuple[str, ...]
    silent: bool
    odd: bool = False


@dataclass(frozen=True)
class Row:
    label_zh: str
    label_en: str
    cells: tuple[Cell, ...]
    compared: bool  # a row whose values are compared (and differences marked)
    differs: bool = False
    kind: str = "text"  # text / code / rules / articles / messages


Entry = tuple[int, SiteRule | None, SiteAudit | None]  # article number, and a rule or a check


def compare(book: Rulebook, topic: str) -> tuple[list[Row], dict[str, list[Entry]]]:
    """The topic's matrix: one column per jurisdiction, one row per aspect; compared rows mark the cells
    that differ from the most common value (all of them when no two agree)."""
    found: dict[str, list[Entry]] = {}
    for jur in book.jurisdictions:
        cur = book.current(jur)
        items: list[Entry] = []
        for art in cur.articles:
            items += [(art.number, r, None) for r in art.rules if r.topic == topic]
            items += [(art.number, None, c) for c in art.audits if c.topic == topic]
        found[jur] = items

    def values(jur: str, pick: str) -> tuple[str, ...]:
        out: list[str] = []
        for _, r, c in found[jur]:
            if r is not None:
                out += {
                    "modality": [r.modality],
                    "effect": [effect_text(r)],
                    "deadline": list(r.deadlines),
                    "timing": [r.timing] if r.timing else [],
                }[pick]
            elif c is not None:
                out += {
                    "modality": [c.modality],
                    "effect": ["audit over time"],
                    "deadline": list(c.spans),
                    "timing": [],
                }[pick]
        return tuple(sorted(set(out)))

    rows: list[Row] = []
    for pick, zh, en in (
        ("modality", "效力", "Modality"),
        ("effect", "效果", "Effect"),
        ("deadline", "时限", "Deadline"),
        ("timing", "时序", "Timing"),
    ):
        cells = [Cell(j, values(j, pick), not found[j]) for j in book.jurisdictions]
        spoken = [c.values for c in cells if not c.silent]
        common = Counter(spoken).most_common()
        differs = len(common) > 1
        if differs:
            top = common[0][0] if common[0][1] > 1 else None
            cells = [Cell(c.jurisdiction, c.values, c.silent, odd=not c.silent and c.values != top) for c in cells]
        if any(c.values for c in cells):
            rows.append(Row(zh, en, tuple(cells), True, differs))
    return rows, found


# --- the renderer ----------------------------------------------------------------------------------


class Renderer:
    def __init__(self, book: Rulebook, out: Path, base_url: str | None):
        self.book = book
        self.out = out
        self.base_url = base_url
        self.env = Environment(
            loader=PackageLoader("govrules.site", "templates"),
            autoescape=select_autoescape(default=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["md"] = inline_md
        self.env.globals.update(
            STATUS=STATUS,
            MODALITY=MODALITY,
            EFFECT=EFFECT,
            JZH=JURISDICTION_ZH,
            effect_text=effect_text,
            highlight=highlight,
            book=book,
            numbered_quotes=numbered_quotes,
        )
        # where each rule id stands (current versions), for links from exceptions and topic pages
        self.rule_page: dict[str, str] = {}
        for jur in book.jurisdictions:
            for r in book.current(jur).rules:
                self.rule_page.setdefault(r.id, f"{jur}/index.html#rule-{r.id}")
        self.report = SiteReport(out)

    def write(self, rel: str, text: str) -> None:
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.report.pages.append(path)

    def page(self, template: str, rel: str, **ctx: object) -> None:
        root = "../" * rel.count("/")
        self.write(rel, self.env.get_template(template).render(root=root, here=rel, rule_page=self.rule_page, **ctx))

    def render(self) -> SiteReport:
        self.out.mkdir(parents=True, exist_ok=True)
        shutil.copytree(STATIC, self.out / "static", dirs_exist_ok=True)
        book = self.book
        sources = {}
        for jur in book.jurisdictions:
            versions = book.books[jur]
            for v in versions:
                if v.source_path is not None:
                    sources[v.key] = self.source(v)
            for n, v in enumerate(versions):
                rel = f"{jur}/index.html" if n == len(versions) - 1 else f"{jur}/{v.version}.html"
                self.page(
                    "jurisdiction.html",
                    rel,
                    b=v,
                    versions=versions,
                    source=sources.get(v.key),
                    permalink=self.permalink,
                )
            cur = book.current(jur)
            self.report.articles += len(cur.articles)
            self.report.rules += len(cur.rules)
            self.report.audits += len(cur.audits)
        used = sorted(
            {r.topic for j in book.jurisdictions for r in book.current(j).rules}
            | {c.topic for j in book.jurisdictions for c in book.current(j).audits}
        )
        matrix = {t: {j: compare_count(book.current(j), t) for j in book.jurisdictions} for t in book.topics}
        for t in book.topics:
            rows, found = compare(book, t)
            self.page("topic.html", f"topics/{t}.html", topic=t, rows=rows, found=found)
        self.report.topics = len(book.topics)
        self.page("topics.html", "topics/index.html", matrix=matrix, used=used)
        totals = {s: sum(book.current(j).count(s) for j in book.jurisdictions) for s in STATUS}
        totals["tests"] = sum(book.current(j).tests for j in book.jurisdictions)
        self.page("index.html", "index.html", matrix=matrix, sources=sources, report=self.report, totals=totals)
        self.page("search.html", "search.html")
        self.write(
            "static/search-index.js",
            "window.GOVRULES_INDEX = "
            + json.dumps(self.search_index(), ensure_ascii=False, separators=(",", ":"))
            + ";\n",
        )
        return self.report

    def permalink(self, jurisdiction: str, number: int) -> str | None:
        return article_url(self.base_url, jurisdiction, number) if self.base_url else None

    def source(self, v: SiteBook) -> str:
        """The shipped source text, as a page (a browser guesses a .txt's encoding from file://) and as is."""
        assert v.source_path is not None
        raw = f"sources/{v.source_path.name}"
        self.out.joinpath("sources").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(v.source_path, self.out / raw)
        rel = f"sources/{v.source_path.stem}.html"
        self.page("source.html", rel, b=v, text=v.source_path.read_text(encoding="utf-8"), raw=v.source_path.name)
        return rel

    def search_index(self) -> list[list[str]]:
        """[type, jurisdiction, title, text, href] for every article, rule, check and topic."""
        out: list[list[str]] = []
        for jur in self.book.jurisdictions:
            cur = self.book.current(jur)
            for a in cur.articles:
                out.append(
                    [
                        "article",
                        jur,
                        f"{cur.short_zh} {a.zh}（{a.label}） · {a.chapter}",
                        " ".join(a.text.split()),
                        f"{jur}/index.html#art-{a.number}",
                    ]
                )
                for r in a.rules:
                    out.append(
                        [
                            "rule",
                            jur,
                            r.id,
                            f"{r.message_zh} {r.message_en} {r.topic} {r.kind}",
                            f"{jur}/index.html#rule-{r.id}",
                        ]
                    )
                for c in a.audits:
                    out.append(
                        [
                            "audit",
                            jur,
                            c.id,
                            f"{c.message_zh} {c.message_en} {c.topic}",
                            f"{jur}/index.html#audit-{c.id}",
                        ]
                    )
        for t, (zh, en) in self.book.topics.items():
            out.append(["topic", "", t, f"{zh} {en}", f"topics/{t}.html"])
        return out


def compare_count(b: SiteBook, topic: str) -> int:
    return sum(r.topic == topic for r in b.rules) + sum(c.topic == topic for c in b.audits)


def numbered_quotes(a: SiteArticle) -> list[tuple[int, str | None]]:
    """The quotes of an article's rules, then of its checks, numbered 1… as their cards are."""
    return [(n, q) for n, q in enumerate([r.quote for r in a.rules] + [c.quote for c in a.audits], 1)]

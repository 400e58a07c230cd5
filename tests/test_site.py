"""The website generator (`govrules site`): every article and rule is on its page, anchors are unique,
every internal link resolves, every quote is highlighted in its own article, overlays show in place."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import govrules
from govrules._cli import main
from govrules.site import article_url, rule_url, topic_url
from govrules.site._build import SiteReport, build_site, locate

ROOT = Path(__file__).resolve().parent.parent
OVERLAY = ROOT / "examples" / "overlay" / "rules"
OVERLAY_RULE = "qinghemen.local.office_directors_file_in_writing"


class Page(HTMLParser):
    """The ids and the links (href, src, form action) of one generated page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"] or "")
        for key in ("href", "src", "action"):
            if a.get(key):
                self.links.append(a[key] or "")


def parse(path: Path) -> Page:
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> SiteReport:
    return build_site(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def overlay_site(tmp_path_factory: pytest.TempPathFactory) -> SiteReport:
    return build_site(tmp_path_factory.mktemp("overlay-site"), rules=[OVERLAY])


def section(page: str, anchor: str) -> str:
    """The HTML of one article's section (up to the next one)."""
    start = page.index(f'id="{anchor}"')
    end = page.find("<section ", start + 1)
    return page[start:] if end < 0 else page[start:end]


def test_every_article_and_every_rule_has_its_anchor(site: SiteReport, engine: govrules.Engine) -> None:
    for jur in engine.jurisdictions:
        ids = set(parse(site.out / jur / "index.html").ids)
        meta = engine._compiled_versions(jur)[-1].meta
        assert {f"art-{a.number}" for a in meta.articles} <= ids
        for a in meta.articles:
            assert {f"rule-{r.id}" for r in a.rules} <= ids, jur
            assert {f"audit-{c.id}" for c in a.audits} <= ids, jur
    assert site.articles == 333
    assert site.rules == sum(1 for _ in engine.rules())


def test_every_article_text_is_on_its_page(site: SiteReport, engine: govrules.Engine) -> None:
    for jur in engine.jurisdictions:
        page = (site.out / jur / "index.html").read_text(encoding="utf-8")
        for a in engine._compiled_versions(jur)[-1].meta.articles:
            text = re.sub(r"<sup>[^<]*</sup>|<[^>]+>", "", section(page, f"art-{a.number}"))
            assert "".join(a.text.split()) in "".join(html.unescape(text).split()), f"{jur} art. {a.number}"


def test_anchors_are_unique_on_every_page(site: SiteReport) -> None:
    for path in site.out.rglob("*.html"):
        ids = parse(path).ids
        dupes = {i for i in ids if ids.count(i) > 1}
        assert not dupes, f"{path}: {sorted(dupes)[:5]}"


def check_links(out: Path) -> int:
    """Every internal link of every page resolves to a file, and its fragment to an id on that page."""
    ids: dict[Path, set[str]] = {}
    checked = 0
    problems = []
    for page in sorted(out.rglob("*.html")):
        for link in parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                problems.append(f"{page}: external or absolute link `{link}` (the site must work offline)")
                continue
            assert not parts.path.startswith("/"), f"{page}: root-relative `{link}` breaks file://"
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.is_file():
                problems.append(f"{page.relative_to(out)}: `{link}` → no file")
                continue
            if parts.fragment:
                if target not in ids:
                    ids[target] = set(parse(target).ids)
                if unquote(parts.fragment) not in ids[target]:
                    problems.append(f"{page.relative_to(out)}: `{link}` → no anchor")
            checked += 1
    assert not problems, "\n".join(problems[:20])
    return checked


def test_every_internal_link_resolves(site: SiteReport) -> None:
    assert check_links(site.out) > 5000


def test_the_link_checker_catches_a_broken_link(site: SiteReport, tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text('<a href="b.html#nowhere">x</a><a href="b.html#here">y</a>', encoding="utf-8")
    (tmp_path / "b.html").write_text('<p id="here">', encoding="utf-8")
    with pytest.raises(AssertionError, match="no anchor"):
        check_links(tmp_path)


MARK = re.compile(r'<mark class="q" data-rules="([^"]*)">([^<]*)<sup>')


def test_every_quote_is_highlighted_in_the_article_it_cites(site: SiteReport, engine: govrules.Engine) -> None:
    quoted = 0
    for jur in engine.jurisdictions:
        page = (site.out / jur / "index.html").read_text(encoding="utf-8")
        for a in engine._compiled_versions(jur)[-1].meta.articles:
            marks = MARK.findall(section(page, f"art-{a.number}"))
            for n, quote in enumerate([r.quote for r in a.rules] + [c.quote for c in a.audits], 1):
                if not quote:
                    continue
                marked = "".join(html.unescape(text) for tags, text in marks if str(n) in tags.split())
                assert "".join(marked.split()) == "".join(quote.split()), f"{jur} art. {a.number} quote {n}"
                quoted += 1
    assert quoted > 400


def test_locate_ignores_whitespace_only() -> None:
    assert locate("区政府\n组成人员要严格", "政府组成 人员") == (1, 8)
    assert locate("区政府组成人员", "政府组长") is None


def test_a_topic_page_highlights_the_differing_deadlines(site: SiteReport) -> None:
    page = (site.out / "topics" / "consult.reply_deadline.html").read_text(encoding="utf-8")
    row = next(r for r in page.split("<tr") if "Deadline" in r)
    odd = re.findall(r'<td class="[^"]*\bodd\b[^"]*">([^<]*)</td>', row)
    assert "2 working days" in odd[0] and "3 working days" in odd[1] and "7 working days" in odd[2]
    assert 'class="differs"' in page


def test_overview_counts_and_matrix(site: SiteReport, engine: govrules.Engine) -> None:
    page = (site.out / "index.html").read_text(encoding="utf-8")
    assert f'<td class="num">{site.articles}</td>' in page and f'<td class="num">{site.rules}</td>' in page
    for t in engine.topics:
        assert f'href="topics/{t}.html"' in page
    for src in (ROOT / "src/govrules/rulebook/sources").glob("*.txt"):
        assert (site.out / "sources" / src.name).read_bytes() == src.read_bytes()
        assert f'href="sources/{src.stem}.html"' in page


def test_the_review_verdict_stands_beside_its_article(site: SiteReport) -> None:
    page = (site.out / "qinghemen" / "index.html").read_text(encoding="utf-8")
    art70 = section(page, "art-70")
    assert "fixed: government&#39;s step removed, condition" in art70
    assert "the leave system&#39;s party" in art70  # the reviewer's doubt about art. 70


def test_rule_tests_are_listed_beside_the_rule(site: SiteReport) -> None:
    page = (site.out / "qinghemen" / "index.html").read_text(encoding="utf-8")
    card = page[page.index('id="rule-qinghemen.leave.leave_system"') :]
    card = card[: card.index("</article>")]
    assert re.search(r"[1-9]\d* 触发 firing", card) and re.search(r"[1-9]\d* 合规 compliant", card)
    assert "without having followed the leave system" in card


def test_search_index_covers_articles_and_rules(site: SiteReport, engine: govrules.Engine) -> None:
    text = (site.out / "static" / "search-index.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("=") + 1 :].strip().rstrip(";"))
    hrefs = {e[4] for e in index}
    for jur in engine.jurisdictions:
        for a in engine._compiled_versions(jur)[-1].meta.articles:
            assert f"{jur}/index.html#art-{a.number}" in hrefs
    assert {f"{r.jurisdiction}/index.html#rule-{r.id}" for r in engine.rules()} <= hrefs


def test_overlay_rules_show_in_place_with_their_provenance(overlay_site: SiteReport) -> None:
    page = (overlay_site.out / "qinghemen" / "index.html").read_text(encoding="utf-8")
    art70 = section(page, "art-70")
    card = art70[art70.index(f'id="rule-{OVERLAY_RULE}"') :]
    card = card[: card.index("</article>")]
    assert 'class="rule overlay"' in art70[art70.rindex("<article", 0, art70.index(f'id="rule-{OVERLAY_RULE}"')) :]
    assert "qinghemen-local.yaml" in card and "补充规则" in card
    assert "区政府办公室主任、副主任离阜" in card
    assert "Includes supplementary rules from" in page
    assert re.search(r"[1-9]\d* 触发 firing", card) and re.search(r"[1-9]\d* 合规 compliant", card)  # its own tests
    # the bundled rules of art. 70 are still there, not marked as overlay
    assert 'id="rule-qinghemen.leave.leave_system"' in art70
    topic = (overlay_site.out / "topics" / "leave.written_request.html").read_text(encoding="utf-8")
    assert OVERLAY_RULE in topic
    check_links(overlay_site.out)


def test_article_url_from_a_base() -> None:
    assert article_url("https://x.gov.cn/rulebook/", "qinghemen", 70) == "https://x.gov.cn/rulebook/qinghemen/#art-70"
    assert article_url("/rulebook", "hegang", 3) == "/rulebook/hegang/#art-3"
    assert article_url("file:///srv/site", "hegang", 3) == "file:///srv/site/hegang/index.html#art-3"
    assert rule_url("/rulebook", "hegang", "hegang.leave.a") == "/rulebook/hegang/#rule-hegang.leave.a"
    assert topic_url("/rulebook/", "consult.reply_deadline") == "/rulebook/topics/consult.reply_deadline.html"


def test_a_finding_links_to_the_article_it_cites(site: SiteReport, engine: govrules.Engine) -> None:
    action = {
        "kind": "leave_jurisdiction",
        "jurisdiction": "qinghemen",
        "date": "2026-03-09",
        "actor": {"role": "deputy"},
        "destination": "out_of_province",
        "leaves_city": True,
        "leads_delegation": False,
    }
    for f in engine.evaluate(action).findings:
        url = article_url(site.out.as_uri(), action["jurisdiction"], f.article)
        parts = urlsplit(url)
        assert f"art-{f.article}" in parse(Path(unquote(parts.path))).ids


def test_cli_writes_the_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["site", str(tmp_path / "out"), "--base-url", "https://x.gov.cn/rulebook"]) == 0
    assert "333 articles" in capsys.readouterr().out
    page = (tmp_path / "out" / "qinghemen" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://x.gov.cn/rulebook/qinghemen/#art-70"' in page


def test_cli_bad_overlay_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "rules"
    bad.mkdir()
    (bad / "x.yaml").write_text("extends: qinghemen\nversion: '2022'\nrules:\n  - article: 999\n", encoding="utf-8")
    assert main(["site", str(tmp_path / "out"), "--rules", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "x.yaml:4:" in err and "Traceback" not in err


def test_cli_unwritable_output_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    assert main(["site", str(blocker)]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_import_govrules_does_not_import_the_site() -> None:
    code = (
        "import sys, govrules; govrules.load(); "
        "print(sorted(m for m in sys.modules if m.startswith(('jinja2', 'markupsafe', 'govrules.site'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_cli_parser_does_not_import_jinja2() -> None:
    code = (
        "import sys; from govrules._cli import build_parser; build_parser(); "
        "print(sorted(m for m in sys.modules if m.startswith(('jinja2', 'markupsafe'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_without_jinja2_the_command_says_which_extra(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['jinja2'] = None; from govrules._cli import main; "
        f"sys.exit(main(['site', {str(tmp_path / 'out')!r}]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 2
    assert "pip install 'govrules[site]'" in done.stderr and "Traceback" not in done.stderr

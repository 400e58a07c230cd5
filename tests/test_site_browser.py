"""The generated site in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright): from
file:// and served under /rulebook/ by a real http.server on 127.0.0.1. Screenshots go to a temporary folder,
or to $GOVRULES_SCREENSHOTS (docs/site/ refreshes the ones docs/site.md shows)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from govrules.site import article_url, rule_url, topic_url
from govrules.site._build import SiteReport, build_site

from ._browser import chromium

ACCENT = "rgb(138, 28, 28)"  # the header's colour: the stylesheet was found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> SiteReport:
    # under a folder named rulebook/, so that http.server serves it as /rulebook/
    return build_site(tmp_path_factory.mktemp("www") / "rulebook")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from chromium()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    ctx.close()
    assert not errors, errors


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = Path(os.environ.get("GOVRULES_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture(scope="module")
def server(site: SiteReport) -> Iterator[str]:
    """A real http.server on 127.0.0.1 serving the folder above the site: the site is at /rulebook/."""
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1"],
        cwd=site.out.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        port = re.search(r"port (\d+)", line)
        assert port, line
        yield f"http://127.0.0.1:{port.group(1)}/rulebook"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def rule(id_: str) -> str:
    return f'[id="rule-{id_}"]'


def test_jurisdiction_page_from_file(site: SiteReport, page: Page, shots: Path) -> None:
    page.goto(article_url(site.out.as_uri(), "qinghemen", 70))
    expect(page.locator("header.top")).to_have_css("background-color", ACCENT)
    art = page.locator("#art-70")
    expect(art).to_be_in_viewport()
    expect(art.locator("h3")).to_contain_text("第七十条")
    expect(art.locator("mark.q").first).to_be_visible()
    expect(art.locator(rule("qinghemen.leave.leave_system"))).to_contain_text("区政府组成人员离阜外出")
    card = art.locator(rule("qinghemen.leave.leave_system"))
    card.locator("details.tests summary").click()
    expect(card.locator("details.tests li").first).to_be_visible()
    card.locator("details.tests summary").click()
    page.screenshot(path=shots / "jurisdiction.png")


def test_exception_links_to_the_rule_it_defeats(site: SiteReport, page: Page) -> None:
    page.goto((site.out / "qinghemen" / "index.html").as_uri())
    link = page.locator("dt:has-text('Exception to') + dd a").first
    target = link.get_attribute("href")
    assert target and "#rule-" in target
    link.click()
    expect(page.locator(f'[id="{target.split("#", 1)[1]}"]')).to_be_in_viewport()


def test_topic_page_from_file(site: SiteReport, page: Page, shots: Path) -> None:
    page.goto(topic_url(site.out.as_uri(), "consult.reply_deadline"))
    row = page.locator("tr.differs", has_text="Deadline")
    expect(row.locator("td.odd")).to_have_count(3)
    expect(row).to_contain_text("2 working days")
    expect(row).to_contain_text("7 working days")
    page.screenshot(path=shots / "topic.png")


def test_search_from_file(site: SiteReport, page: Page, shots: Path) -> None:
    page.goto((site.out / "index.html").as_uri())
    page.locator("header .find input").fill("请销假")
    page.locator("header .find input").press("Enter")
    expect(page).to_have_url(re.compile(r"search\.html\?q="))
    results = page.locator("#results li")
    expect(results.first).to_be_visible()
    expect(page.locator("#count")).to_contain_text("results")
    page.locator("#q").fill("consult.reply_deadline")
    expect(results.first).to_contain_text("consult.reply_deadline")
    page.locator("#q").fill("会签 7个工作日")
    expect(results.first).to_contain_text("会签")
    page.screenshot(path=shots / "search.png")
    results.first.locator("a").click()
    expect(page).to_have_url(re.compile(r"/index\.html#(art|rule)-"))


def test_search_finds_nothing_for_nonsense(site: SiteReport, page: Page) -> None:
    page.goto((site.out / "search.html").as_uri() + "?q=zzzqqq")
    expect(page.locator("#count")).to_contain_text("0 条结果")
    expect(page.locator("#results li")).to_have_count(0)


def test_served_under_rulebook(server: str, page: Page) -> None:
    page.goto(article_url(server, "qinghemen", 70))  # the served form: /rulebook/qinghemen/#art-70
    expect(page.locator("header.top")).to_have_css("background-color", ACCENT)
    expect(page.locator("#art-70")).to_be_in_viewport()
    page.locator("header nav a", has_text="Topics").click()
    expect(page).to_have_url(f"{server}/topics/index.html")
    page.goto(f"{server}/search.html?q=qinghemen.leave.leave_system")
    expect(page.locator("#results li").first).to_contain_text("qinghemen.leave.leave_system")


@pytest.mark.parametrize(
    "path", ["qinghemen/index.html", "topics/consult.reply_deadline.html", "index.html", "search.html"]
)
def test_phone_viewport_has_no_horizontal_overflow(site: SiteReport, browser: Browser, shots: Path, path: str) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1, is_mobile=True)
    pg = ctx.new_page()
    pg.goto((site.out / path).as_uri())
    width = pg.evaluate("window.innerWidth")
    assert pg.evaluate("document.body.scrollWidth") <= width
    assert pg.evaluate("document.documentElement.scrollWidth") <= width
    if path.startswith("qinghemen"):
        pg.goto((site.out / path).as_uri() + "#art-70")
        pg.screenshot(path=shots / "phone.png")
    ctx.close()


def test_print_layout(site: SiteReport, page: Page, shots: Path) -> None:
    page.goto((site.out / "qinghemen" / "index.html").as_uri() + "#art-70")
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator("nav.toc")).to_be_hidden()
    expect(page.locator("#art-70 .law")).to_be_visible()
    assert page.pdf(format="A4")[:4] == b"%PDF"


def test_overlay_rule_in_place(tmp_path: Path, page: Page, shots: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    site = build_site(tmp_path / "site", rules=[root / "examples" / "overlay" / "rules"])
    page.goto(rule_url(site.out.as_uri(), "qinghemen", "qinghemen.local.office_directors_file_in_writing"))
    card = page.locator('[id="rule-qinghemen.local.office_directors_file_in_writing"]')
    expect(card).to_be_in_viewport()
    expect(card).to_have_class(re.compile(r"\boverlay\b"))
    expect(card.locator(".provenance")).to_contain_text("qinghemen-local.yaml")
    expect(page.locator(".overlay-banner")).to_be_visible()
    card.screenshot(path=shots / "overlay.png")

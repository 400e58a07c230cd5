"""The playground in a real headless browser (Debian's chromium, driven by Playwright) against a
real `govrules serve`: fill the form for a real case, read the verdict and the cited article."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

import govrules

from ._browser import chromium
from ._serve import Server, serve

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with serve() as s:
        yield s


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from chromium()


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1000, "height": 1180})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"{r.url}: {r.failure}"))
    page.goto(server.url + "/")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    yield page
    context.close()
    assert not errors, errors


def fill_deputy_leaving_fuxin(page: Page) -> None:
    """清河门区: a deputy head leaves Fuxin for another province on 9 March 2026 without having told
    the head (art. 70: 副区长离阜…应事先报告区长), checked the day after."""
    page.select_option("#jurisdiction", "qinghemen")
    page.fill("#date", "2026-03-09")
    page.dispatch_event("#date", "change")
    # the fields of that day's rules, not of an earlier answer (the jurisdiction's change asked too)
    expect(page.locator("#fact-fields")).to_have_attribute("data-for", "leave_jurisdiction qinghemen 2026-03-09")
    expect(page.locator("[data-fact='leaves_city'] select")).to_be_visible()
    page.fill("#as_of", "2026-03-10")
    page.select_option("[data-fact='actor.role'] select", "deputy")
    page.select_option("[data-fact='destination'] select", "out_of_province")
    page.select_option("[data-fact='leaves_city'] select", "true")
    page.select_option("[data-fact='leads_delegation'] select", "false")


def test_a_deputy_leaving_fuxin_without_notice_is_denied_citing_article_70(page: Page, engine: govrules.Engine) -> None:
    fill_deputy_leaving_fuxin(page)
    page.click("#judge")
    want = engine.evaluate(
        {
            "kind": "leave_jurisdiction",
            "jurisdiction": "qinghemen",
            "date": "2026-03-09",
            "as_of": "2026-03-10",
            "actor": {"role": "deputy"},
            "destination": "out_of_province",
            "leaves_city": True,
            "leads_delegation": False,
        }
    )
    assert want.verdict == "denied"
    expect(page.locator("#verdict")).to_have_class("verdict denied")
    expect(page.locator("#verdict")).to_have_text("不允许")
    finding = page.locator("#findings li[data-rule='qinghemen.leave.deputy_reports_to_head']")
    expect(finding).to_contain_text("依据《清河门区人民政府工作规则》第七十条")
    expect(finding).to_contain_text("副区长离阜和休假，应事先报告区长")
    expect(page.locator("#findings li")).to_have_count(len(want.findings))
    finding.locator("details summary").click()  # the article's text, fetched on expand
    expect(finding.locator("details pre")).to_contain_text("副区长离阜和休假,应事先报告区长")
    expect(page.locator("#explanation")).to_contain_text("不予准许")
    page.screenshot(path=str(DOCS / "playground.png"))
    page.check("input[name=lang][value=en]")  # the same answer in English
    expect(page.locator("#verdict")).to_have_text("denied")
    expect(finding).to_contain_text("A deputy head leaving Fuxin")
    expect(page.locator("#explanation")).to_contain_text("denied")


def test_steps_done_make_it_allowed_and_the_action_copies_as_yaml(page: Page, engine: govrules.Engine) -> None:
    fill_deputy_leaving_fuxin(page)
    for step in ("notice (head)", "external_procedure (government_office)"):
        field = page.locator(f"[data-fact='step: {step}']")
        field.locator("input[type=checkbox]").check()
        field.locator("input[type=date]").fill("2026-03-02")
    page.click("#judge")
    expect(page.locator("#verdict")).to_have_class("verdict allowed")
    page.click("#copy-yaml")
    text = page.input_value("#yaml")
    import yaml

    action = yaml.safe_load(text)
    assert action["actor"] == {"role": "deputy"} and action["leaves_city"] is True
    assert {"step": "notice", "party": "head", "date": __import__("datetime").date(2026, 3, 2)} in action["steps"]
    assert engine.evaluate(action).verdict == "allowed"  # what `govrules check` will say


def test_a_refused_action_shows_the_field(page: Page) -> None:
    page.select_option("#jurisdiction", "qinghemen")
    page.fill("#date", "2026-03-09")
    page.click("#judge")  # no role chosen
    expect(page.locator("#problem")).to_contain_text("actor.role: missing")
    expect(page.locator("#verdict")).to_have_text("")

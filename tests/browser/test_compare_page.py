"""The compare page (issue 17): 2-4 articles, one row per claim, actors side by side."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, CALLER_CLAIMS, analyze, sync_api
from tests.browser.test_editor_page import axe_violations
from tests.conftest import SEED_CONTRACT, SEED_TEXT

pytestmark = pytest.mark.browser
if sync_api is None:
    pytest.skip("Debian chromium is not installed at /usr/bin/chromium", allow_module_level=True)


@pytest.fixture
def compare_page(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(base_url + "/compare.html")
    sync_api.expect(page.locator(".compare-article")).to_have_count(2)
    yield page
    assert errors == []
    context.close()


def test_two_outlets_compared_claim_by_claim(compare_page: Any) -> None:
    page, expect = compare_page, sync_api.expect
    page.fill("#label-1", "Outlet A")
    page.fill("#text-1", SEED_TEXT)
    page.fill("#label-2", "Outlet B")
    page.fill("#text-2", SEED_TEXT + "\nA later paragraph from the second outlet.")
    page.fill("#claims", "\n".join(CALLER_CLAIMS))
    page.click("#compare")
    rows = page.locator("#rows tbody tr")
    expect(rows).to_have_count(len(CALLER_CLAIMS))
    expect(page.locator("#rows thead th")).to_have_text(["Claim", "Outlet A", "Outlet B"])
    expect(rows.nth(0).locator(".badge")).to_have_text(["Disputed", "Disputed"])
    expect(rows.nth(0)).to_contain_text("asserts")
    expect(rows.nth(1).locator(".badge")).to_have_text(["Not mentioned", "Not mentioned"])
    expect(page.locator("#actors tbody tr").first).to_be_visible()
    expect(page.locator("#status")).to_contain_text("Compared: 2 claims")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "compare-page.png"), full_page=True)


def test_one_article_is_not_enough(compare_page: Any) -> None:
    compare_page.fill("#text-1", SEED_TEXT)
    compare_page.click("#compare")
    sync_api.expect(compare_page.locator("#error")).to_have_text(
        "Paste or pick at least 2 articles to compare."
    )


def test_up_to_four_articles(compare_page: Any) -> None:
    compare_page.click("#add-article")
    compare_page.click("#add-article")
    sync_api.expect(compare_page.locator(".compare-article")).to_have_count(4)
    sync_api.expect(compare_page.locator("#add-article")).to_be_hidden()


def test_axe_finds_no_violations_on_the_compare_page(compare_page: Any) -> None:
    assert axe_violations(compare_page) == []
    compare_page.fill("#text-1", SEED_TEXT)
    compare_page.fill("#text-2", SEED_TEXT + "\nMore.")
    compare_page.fill("#claims", CALLER_CLAIMS[0])
    compare_page.click("#compare")
    sync_api.expect(compare_page.locator("#rows tbody tr")).to_have_count(1)
    assert axe_violations(compare_page) == []


def test_an_analysis_from_the_history_is_compared_with_a_pasted_article(
    browser: Any, base_url: str
) -> None:
    """Analyse on the main page, then pick that stored analysis on the compare page."""
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    page, expect = context.new_page(), sync_api.expect
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(base_url + "/")
    analyze(page, SEED_TEXT)
    expect(page.locator("#output")).to_be_visible()
    stored_id = page.url.rsplit("#a=", 1)[1]
    headline = SEED_CONTRACT["headline"]

    page.goto(base_url + "/compare.html")
    page.select_option("#stored-1", stored_id)
    expect(page.locator("#text-1")).to_be_disabled()
    page.fill("#label-2", "Outlet B")
    page.fill("#text-2", SEED_TEXT + "\nA later paragraph from the second outlet.")
    stored_claim = SEED_CONTRACT["claims"][0]["text"]
    page.fill("#claims", "\n".join([stored_claim, CALLER_CLAIMS[1]]))
    page.click("#compare")
    rows = page.locator("#rows tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#rows thead th")).to_have_text(["Claim", headline, "Outlet B"])
    # The stored analysis's own claim fills its cell; a claim it has none for is not
    # "not mentioned" (it was not read again), but "not in this analysis".
    expect(rows.nth(0).locator("td").first.locator(".badge")).to_have_text("Disputed")
    expect(rows.nth(1).locator(".badge")).to_have_text(["Not in this analysis", "Not mentioned"])
    assert axe_violations(page) == []
    assert errors == []
    context.close()

"""The demo page, end to end in headless Chromium (Debian's, never a downloaded one).

The real app runs under uvicorn on loopback with a scripted model client (tests/browser/
conftest.py), so the page exercises the same routes, validation and problem+json errors an
editor would meet.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import (
    ARTIFACTS,
    CALLER_CLAIMS,
    HOSTILE_CONTRACT,
    HOSTILE_TEXT,
    MAX_TEXT_CHARS,
    RETRY_AFTER_S,
    SLOW_MODEL,
    UPSTREAM_DOWN,
    analyze,
    sync_api,
)
from tests.conftest import SCRIPTED_MODEL, SEED_CONTRACT, SEED_TEXT

pytestmark = pytest.mark.browser
if sync_api is None:
    pytest.skip("Debian chromium is not installed at /usr/bin/chromium", allow_module_level=True)


def test_seed_article_shows_summary_matrix_and_evidence(page: Any) -> None:
    expect = sync_api.expect
    assert page.locator("#model").input_value() == SCRIPTED_MODEL

    analyze(page, SEED_TEXT, CALLER_CLAIMS)

    expect(page.locator("#summary")).to_contain_text("summoned the Russian ambassador")
    expect(page.locator("#key-points li")).to_have_count(len(SEED_CONTRACT["key_points"]))
    expect(page.locator("#actors .chip")).to_have_count(len(SEED_CONTRACT["actors"]))
    expect(page.locator("#actors")).to_contain_text("Russian President")

    # The matrix: one row per actor with a stance, each cell labelled, not only coloured.
    kremlin = page.locator(".matrix tbody tr", has=page.locator("th", has_text="Kremlin"))
    cell = kremlin.locator("button.stance.oppose")
    expect(cell).to_have_text(re.compile(r"^Oppose\s*\d+%$"))  # the word, then the confidence

    # A click on a stance highlights exactly its evidence sentence and scrolls to it.
    cell.click()
    kremlin_sentence = page.locator("#s-10")
    expect(kremlin_sentence).to_have_class(re.compile(r"\bactive\b"))
    expect(kremlin_sentence).to_have_text("The Kremlin earlier denied the reports.")
    expect(kremlin_sentence).to_be_in_viewport()
    expect(page.locator("#article .sentence.active")).to_have_count(1)
    # Selecting it says which findings cite it.
    kremlin_sentence.click()
    expect(page.locator("#cited-by")).to_contain_text("Kremlin: oppose")

    # Claims: status badges carry text; who asserts and denies, by name.
    claim = page.locator("#claim-list .claim").first
    expect(claim.locator(".badge")).to_have_text("Disputed")
    expect(claim).to_contain_text("Denied by Kremlin")
    expect(claim).to_contain_text("Volodymyr Zelenskyy")
    claim.locator("button.claim-text").click()
    expect(page.locator("#s-14")).to_have_class(re.compile(r"\bactive\b"))
    expect(page.locator("#s-10")).to_have_class(re.compile(r"\bactive\b"))

    # Caller claims come back too, one of them not mentioned.
    expect(page.locator(".badge.not_mentioned")).to_have_text("Not mentioned")
    expect(page.locator(".badge.caller")).to_have_count(len(CALLER_CLAIMS))

    # The article is rebuilt exactly from the sentence offsets.
    assert page.locator("#article").text_content() == SEED_TEXT
    expect(page.locator("#meta")).to_contain_text("openai/scripted")
    expect(page.locator("#meta")).to_contain_text("prompt analyze-v3")

    # What an editor sees after selecting the first claim: findings beside the article.
    page.locator("#claim-list .claim").first.locator("button.claim-text").click()
    page.locator("#output").scroll_into_view_if_needed()
    page.evaluate("document.querySelector('#output').scrollIntoView()")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "demo-page.png"))
    page.screenshot(path=str(ARTIFACTS / "demo-page-full.png"), full_page=True)
    assert page.console_errors == []


def test_phone_layout_has_no_sideways_scroll(page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    analyze(page, SEED_TEXT)
    sync_api.expect(page.locator("#summary")).to_be_visible()
    # Only the stance matrix may scroll sideways, inside its own region.
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    page.locator(".matrix button.stance").first.click()
    sync_api.expect(page.locator("#article .sentence.active").first).to_be_in_viewport()
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("document.querySelector('#output').scrollIntoView()")
    page.screenshot(path=str(ARTIFACTS / "demo-page-phone.png"), full_page=True)


def test_upstream_failure_reads_as_a_plain_sentence(page: Any) -> None:
    analyze(page, f"{UPSTREAM_DOWN}. The minister spoke on Monday.")
    error = page.locator("#error")
    sync_api.expect(error).to_be_visible()
    sync_api.expect(error).to_contain_text("The model provider is unavailable right now.")
    sync_api.expect(error).to_contain_text(f"Try again in {RETRY_AFTER_S} s.")
    sync_api.expect(page.locator("#analyze")).to_be_enabled()
    assert page.locator("#output").is_hidden()


def test_too_long_article_names_the_limit(page: Any) -> None:
    analyze(page, "The minister spoke on Monday. " * 1000)
    error = page.locator("#error")
    sync_api.expect(error).to_contain_text("too long")
    sync_api.expect(error).to_contain_text(f"{MAX_TEXT_CHARS:,}")


def test_article_markup_stays_text(page: Any) -> None:
    analyze(page, HOSTILE_TEXT)
    sync_api.expect(page.locator("#headline")).to_have_text(HOSTILE_CONTRACT["headline"])
    article = page.locator("#article")
    assert article.text_content() == HOSTILE_TEXT
    assert article.locator("script, img").count() == 0
    assert page.locator("#output script, #output img, #output b, #output i").count() == 0
    sync_api.expect(page.locator("#summary")).to_contain_text("<script>alert(1)</script>")
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == []


def test_cancel_stops_waiting(page: Any) -> None:
    analyze(page, f"{SLOW_MODEL}. The minister spoke on Monday.")
    # The streamed stage, not just a counter (issue 16): the model call being waited for.
    sync_api.expect(page.locator("#status")).to_have_text(
        "Model call 1: waiting for the model's answer…"
    )
    sync_api.expect(page.locator("#elapsed")).to_contain_text(
        re.compile(r"^Model call 1: waiting for the model's answer · \d+ s elapsed$")
    )
    page.keyboard.press("Enter")  # Cancel has the focus while the model works
    sync_api.expect(page.locator("#status")).to_have_text("Cancelled. Nothing was changed.")
    sync_api.expect(page.locator("#analyze")).to_be_enabled()
    sync_api.expect(page.locator("#analyze")).to_be_focused()


def test_keyboard_user_can_follow_evidence_and_come_back(page: Any) -> None:
    analyze(page, SEED_TEXT)
    cell = page.locator(".matrix button.stance").first
    cell.focus()
    page.keyboard.press("Enter")
    sync_api.expect(page.locator("#status")).to_contain_text("highlighted in the article")
    sync_api.expect(page.locator("#back")).to_be_visible()
    page.click("#back")
    sync_api.expect(cell).to_be_focused()
    sync_api.expect(cell).to_have_attribute("aria-pressed", "true")

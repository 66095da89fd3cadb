"""What an editor who keeps the page open needs (issue 17): one article at a time, limits
checked before sending, errors said once, speech acts and confidence in words, highlights
that do not drift, a "cited by" panel for keyboard and touch, dark mode, exports, print,
and no accessibility violations (axe-core). One test per behaviour."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import (
    ARTIFACTS,
    CALLER_CLAIMS,
    EMOJI_TEXT,
    MAX_TEXT_CHARS,
    analyze,
    sync_api,
)
from tests.conftest import ROOT, SEED_TEXT

pytestmark = pytest.mark.browser
if sync_api is None:
    pytest.skip("Debian chromium is not installed at /usr/bin/chromium", allow_module_level=True)
expect = sync_api.expect if sync_api else None

OTHER_ARTICLE = "The mayor opened a new bridge on Tuesday. Residents said it was overdue."


def analysed(page: Any, text: str, claims: list[str] | None = None) -> None:
    analyze(page, text, claims)
    expect(page.locator("#output")).to_be_visible()


def test_new_article_clears_results_and_claims_with_undo(page: Any) -> None:
    analysed(page, SEED_TEXT, CALLER_CLAIMS)
    page.fill("#text", OTHER_ARTICLE)
    expect(page.locator("#output")).to_be_hidden()
    expect(page.locator("#claims")).to_have_value("")
    expect(page.locator("#undo-bar")).to_contain_text("New article")

    page.click("#undo")
    expect(page.locator("#output")).to_be_visible()
    expect(page.locator("#text")).to_have_value(SEED_TEXT)
    expect(page.locator("#claims")).to_have_value("\n".join(CALLER_CLAIMS))
    expect(page.locator(".badge.caller")).to_have_count(len(CALLER_CLAIMS))
    expect(page.locator("#undo-bar")).to_be_hidden()


def test_edits_inside_the_article_keep_its_results(page: Any) -> None:
    analysed(page, SEED_TEXT)
    page.fill("#text", SEED_TEXT + "\nOne more line.")
    expect(page.locator("#output")).to_be_visible()
    expect(page.locator("#undo-bar")).to_be_hidden()


def test_size_is_checked_before_sending_with_the_servers_limit(page: Any) -> None:
    sent: list[str] = []
    page.on("request", lambda r: "/v1/analyze" in r.url and sent.append(r.url))
    too_long = "x" * (MAX_TEXT_CHARS + 5)
    page.fill("#text", too_long)
    expect(page.locator("#text-count")).to_have_text(
        f"{MAX_TEXT_CHARS + 5:,} of {MAX_TEXT_CHARS:,} characters (5 over the limit)"
    )
    page.click("#analyze")
    expect(page.locator("#error")).to_contain_text(f"{MAX_TEXT_CHARS + 5:,} characters")
    expect(page.locator("#error")).to_contain_text(f"the limit is {MAX_TEXT_CHARS:,}")
    assert sent == []
    # Characters are counted as the service counts them: an emoji is one.
    page.fill("#text", "\U0001f389" * 3)
    expect(page.locator("#text-count")).to_have_text(f"3 of {MAX_TEXT_CHARS:,} characters")


def test_an_error_clears_stale_results_and_says_its_advice_once(page: Any) -> None:
    analysed(page, SEED_TEXT)
    detail = (
        "The text has 103,600 characters; the limit is 100,000. Send a shorter article or split it."
    )
    problem = {"title": "Text too long", "status": 413, "code": "text_too_long"}
    page.route(
        "**/v1/analyze",
        lambda route: route.fulfill(
            status=413,
            content_type="application/problem+json",
            body=json.dumps({**problem, "detail": detail}),
        ),
    )
    analyze(page, SEED_TEXT + "\nAn edit further down.")
    error = page.locator("#error")
    expect(error).to_have_text(f"The article is too long to analyse in one go. {detail}")
    assert (error.text_content() or "").count("split") == 1
    # The results on screen were computed on the text before the edit: they go (with undo).
    expect(page.locator("#output")).to_be_hidden()
    expect(page.locator("#undo-bar")).to_be_visible()


def test_speech_acts_and_confidence_are_shown_in_words(page: Any) -> None:
    analysed(page, EMOJI_TEXT)
    critics = page.locator(".matrix tbody tr", has=page.locator("th", has_text="Council critics"))
    expect(critics.locator("button.stance")).to_have_text(re.compile(r"^Oppose\s*65%$"))
    claim = page.locator("#claim-list .claim").first
    expect(claim).to_contain_text("confidence 70%")
    acts = claim.locator(".evidence-acts .act")
    expect(acts).to_have_text(["[3] denies", "[2] asserts", "[4] context"])
    # In the article the act is written next to the sentence number, not only coloured.
    marker = page.evaluate("getComputedStyle(document.querySelector('#s-3'), '::before').content")
    assert "denies" in marker


def test_only_decisive_sentences_are_highlighted(page: Any) -> None:
    analysed(page, EMOJI_TEXT)
    expect(page.locator("#article .sentence.decisive")).to_have_count(2)
    expect(page.locator("#s-2")).to_have_class(re.compile(r"\bact-asserts\b"))
    expect(page.locator("#s-3")).to_have_class(re.compile(r"\bact-denies\b"))
    # Sentence 4 is cited only as context: reachable, numbered, but not highlighted.
    context_only = page.locator("#s-4")
    expect(context_only).to_have_class(re.compile(r"\bcited\b"))
    expect(context_only).not_to_have_class(re.compile(r"\bdecisive\b"))
    background = page.evaluate("getComputedStyle(document.querySelector('#s-4')).backgroundColor")
    assert background == "rgba(0, 0, 0, 0)"


def test_an_emoji_before_a_sentence_does_not_shift_its_highlight(page: Any) -> None:
    analysed(page, EMOJI_TEXT)
    expect(page.locator("#s-2")).to_have_text("The mayor said the budget passed.")
    expect(page.locator("#s-3")).to_have_text("Council critics denied that the budget passed.")
    assert page.locator("#article").text_content() == EMOJI_TEXT


def test_cited_by_panel_works_by_keyboard(page: Any) -> None:
    analysed(page, EMOJI_TEXT)
    sentence = page.locator("#s-3")
    sentence.focus()
    expect(sentence).to_have_attribute("role", "button")
    page.keyboard.press("Enter")
    panel = page.locator("#cited-by")
    expect(panel).to_be_visible()
    expect(sentence).to_have_attribute("aria-expanded", "true")
    expect(panel.locator("#cited-by-title")).to_have_text("Sentence 3 is cited by")
    expect(panel.locator("li")).to_have_count(2)  # the claim and the critics' stance
    expect(panel).to_contain_text("Council critics: oppose")
    # Escape closes the panel and gives the focus back to the sentence.
    panel.locator("button.link-button").first.focus()
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(sentence).to_be_focused()
    # A finding in the panel takes the keyboard to that finding.
    page.keyboard.press(" ")
    panel.get_by_role("button", name=re.compile("Council critics: oppose")).press("Enter")
    expect(page.locator('[data-finding="stance-1"]')).to_be_focused()


def test_cited_by_panel_works_by_touch(open_page: Any) -> None:
    page = open_page(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    analysed(page, EMOJI_TEXT)
    page.locator("#s-2").tap()
    panel = page.locator("#cited-by")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("The mayor: support")
    panel.locator("#cited-by-close").tap()
    expect(panel).to_be_hidden()


def test_dark_mode_follows_the_system_setting(open_page: Any) -> None:
    light = open_page(color_scheme="light")
    dark = open_page(color_scheme="dark")

    def background(page: Any) -> str:
        return str(page.evaluate("getComputedStyle(document.body.parentElement).backgroundColor"))

    assert background(light) == "rgb(246, 247, 249)"
    assert background(dark) == "rgb(17, 20, 24)"
    analysed(dark, SEED_TEXT)
    ARTIFACTS.mkdir(exist_ok=True)
    dark.screenshot(path=str(ARTIFACTS / "demo-page-dark.png"))


def _download(page: Any, button: str) -> tuple[str, str]:
    with page.expect_download() as info:
        page.click(button)
    download = info.value
    return download.suggested_filename, Path(download.path()).read_text(encoding="utf-8-sig")


def test_export_claims_and_stances_as_csv(open_page: Any) -> None:
    page = open_page(accept_downloads=True)
    analysed(page, EMOJI_TEXT)
    name, claims_csv = _download(page, "#claims-csv")
    assert name.endswith("-claims.csv")
    rows = list(csv.DictReader(io.StringIO(claims_csv)))
    assert [r["claim"] for r in rows] == ["The budget passed."]
    assert rows[0]["status"] == "disputed"
    assert rows[0]["asserted_by"] == "The mayor"
    assert rows[0]["denied_by"] == "Council critics"
    assert rows[0]["evidence"] == "3 denies; 2 asserts; 4 context"
    name, stances_csv = _download(page, "#stances-csv")
    rows = list(csv.DictReader(io.StringIO(stances_csv)))
    assert [(r["actor"], r["stance"], r["target"], r["confidence"]) for r in rows] == [
        ("The mayor", "support", "The budget passed.", "0.80"),
        ("Council critics", "oppose", "The budget passed.", "0.65"),
    ]


def test_export_markdown_for_a_cms_note(open_page: Any) -> None:
    page = open_page(accept_downloads=True)
    analysed(page, EMOJI_TEXT)
    name, note = _download(page, "#markdown")
    assert name.endswith(".md")
    assert note.startswith("## Mayor and critics split over the budget\n")
    assert "- **Disputed** (confidence 70%): The budget passed. — asserted by The mayor" in note
    assert "  - [3] *denies*: Council critics denied that the budget passed." in note
    assert "| Council critics | Oppose | The budget passed. | 65% | 3 denies |" in note


def test_print_stylesheet_shows_findings_and_the_whole_article(page: Any) -> None:
    analysed(page, SEED_TEXT)
    page.emulate_media(media="print")
    expect(page.locator("#analyze-form")).to_be_hidden()
    expect(page.locator(".export")).to_be_hidden()
    expect(page.locator("#claim-list")).to_be_visible()
    panel = page.evaluate(
        "(() => { const s = getComputedStyle(document.querySelector('.article-panel'));"
        " return [s.position, s.overflowY, s.maxHeight]; })()"
    )
    assert panel == ["static", "visible", "none"]


AXE_JS = Path(pytest.importorskip("axe_playwright_python").__file__).parent / "axe.min.js"


def axe_violations(page: Any) -> list[tuple[str, str, list[Any]]]:
    """axe-core (bundled in the axe-playwright-python wheel, so it works offline) run in the
    page through the DevTools protocol, which the page's CSP does not block."""
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, { resultTypes: ['violations'] })")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_on_the_empty_page_and_on_results(
    open_page: Any, scheme: str
) -> None:
    page = open_page(color_scheme=scheme)
    assert axe_violations(page) == []
    analysed(page, SEED_TEXT, CALLER_CLAIMS)
    assert axe_violations(page) == []
    page.locator("#claim-list button.claim-text").first.click()
    page.locator("#s-10").click()  # the "cited by" panel open
    expect(page.locator("#cited-by")).to_be_visible()
    assert axe_violations(page) == []


def paste(page: Any, text: str) -> None:
    """What a paste does: the text lands in the field, then the paste event is handled."""
    page.fill("#text", text)
    page.dispatch_event("#text", "paste")


def test_pasted_html_becomes_article_text_with_its_title(page: Any) -> None:
    html = (ROOT / "tests" / "data" / "pages" / "kremlin-denies.html").read_text()
    paste(page, html)
    expect(page.locator("#title")).to_have_value("Kremlin denies reports of North Korean troops")
    expect(page.locator("#text")).to_have_value(re.compile(r"^The Kremlin on Friday denied"))
    assert "<" not in page.locator("#text").input_value()
    expect(page.locator("#status")).to_contain_text("extracted from the pasted HTML (title kept)")
    page.select_option("#model", "builtin/rules-en")  # the scripted model knows no such page
    page.click("#analyze")
    expect(page.locator("#headline")).to_be_visible(timeout=60_000)
    assert "<" not in (page.locator("#output").text_content() or "")


def test_a_pasted_url_with_fetching_off_says_so_plainly(page: Any) -> None:
    paste(page, "https://news.example/world/1")
    expect(page.locator("#error")).to_contain_text("This service does not fetch URLs")
    expect(page.locator("#error")).to_contain_text("Paste the article's text")
    expect(page.locator("#text")).to_have_value("https://news.example/world/1")


def test_stances_are_a_list_on_phones(open_page: Any) -> None:
    page = open_page(viewport={"width": 390, "height": 844})
    analysed(page, SEED_TEXT)
    wrap = page.locator("#matrix-wrap")
    assert page.evaluate("(w) => w.scrollWidth <= w.clientWidth", wrap.element_handle())
    expect(page.locator(".matrix thead")).to_be_hidden()
    kremlin = page.locator(".matrix tbody tr", has=page.locator("th", has_text="Kremlin"))
    expect(kremlin.locator("td:not(.empty-cell) .cell-target")).to_be_visible()
    expect(kremlin.locator("td.empty-cell").first).to_be_hidden()
    page.evaluate("document.querySelector('#output').scrollIntoView()")
    page.screenshot(path=str(ARTIFACTS / "demo-page-phone-list.png"), full_page=True)


def test_target_labels_stay_hidden_on_wide_screens(page: Any) -> None:
    analysed(page, SEED_TEXT)
    expect(page.locator(".matrix .cell-target").first).to_be_hidden()
    expect(page.locator(".matrix thead")).to_be_visible()

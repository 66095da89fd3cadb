"""The page with API keys on, editor feedback, share links and history, and live progress
(issues 16 and 17). Results are checked through the API the page calls, not only on screen."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.auth import create_key
from tests.browser.conftest import analyze, open_in, sync_api
from tests.browser.test_editor_page import axe_violations
from tests.conftest import SEED_TEXT

pytestmark = pytest.mark.browser
if sync_api is None:
    pytest.skip("Debian chromium is not installed at /usr/bin/chromium", allow_module_level=True)
expect = sync_api.expect if sync_api else None
ANALYSIS_LINK = re.compile(r"#a=([0-9a-f]{32})$")


@pytest.fixture
def contexts(browser: Any) -> Iterator[list[Any]]:
    """Browser contexts a test opens with `open_in` (closed after it)."""
    opened: list[Any] = []
    yield opened
    for context in opened:
        context.close()


def visit(browser: Any, contexts: list[Any], url: str, **options: Any) -> Any:
    context, page = open_in(browser, url, **options)
    contexts.append(context)
    return page


def analysis_id(page: Any) -> str:
    match = ANALYSIS_LINK.search(page.url)
    assert match, page.url
    return match.group(1)


def storage(page: Any) -> str:
    """Everything the page keeps in the browser, as one string."""
    return str(
        page.evaluate(
            "JSON.stringify([Object.entries(sessionStorage),"
            " Object.entries(localStorage), location.href])"
        )
    )


# ---------------------------------------------------------------- keys on


def test_with_keys_on_the_page_asks_for_a_key_and_keeps_it_in_the_tab_only(
    browser: Any, contexts: list[Any], keyed_app: tuple[str, Any]
) -> None:
    url, store = keyed_app
    key = create_key(store, "desk", ["analyze"])
    page = visit(browser, contexts, url + "/")
    expect(page.locator("#key-form")).to_be_visible()  # GET /v1/models says auth_required
    expect(page.locator("#api-key")).to_have_attribute("type", "password")

    analyze(page, SEED_TEXT)
    expect(page.locator("#error")).to_contain_text("needs a valid API key")
    expect(page.locator("#api-key")).to_be_focused()

    page.fill("#api-key", key)
    page.click("#key-form button[type=submit]")
    expect(page.locator("#api-key-state")).to_have_text("A key is set for this tab.")
    expect(page.locator("#api-key")).to_have_value("")
    page.click("#analyze")
    expect(page.locator("#output")).to_be_visible()
    kept = page.evaluate("[sessionStorage.getItem('stancewire.apiKey'), localStorage.length]")
    assert kept[0] == key
    assert key not in page.evaluate("JSON.stringify(Object.entries(localStorage))")
    assert key not in page.url

    page.click("#forget-key")
    expect(page.locator("#api-key-state")).to_have_text("No key set.")
    assert key not in storage(page)


def test_with_keys_on_scope_rate_limit_and_budget_problems_read_plainly(
    browser: Any, contexts: list[Any], keyed_app: tuple[str, Any]
) -> None:
    url, store = keyed_app
    jobs_only = create_key(store, "bulk-only", ["jobs"])
    limited = create_key(store, "one-a-minute", ["analyze"], rate_limit_per_minute=1)
    # The scripted model costs 150 tokens a call: the second analysis finds the budget spent.
    frugal = create_key(store, "frugal", ["analyze"], token_budget_per_day=100)
    page = visit(browser, contexts, url + "/")
    for key, message in (
        (jobs_only, "lacks the scope"),
        (limited, None),
        (limited, "too many requests"),
        (frugal, None),
        (frugal, "token budget for today is spent"),
    ):
        page.fill("#api-key", key)
        page.click("#key-form button[type=submit]")
        analyze(page, SEED_TEXT)
        if message is None:
            expect(page.locator("#output")).to_be_visible()
        else:
            expect(page.locator("#error")).to_contain_text(message)


def test_with_keys_on_a_share_link_opens_once_the_key_is_typed(
    browser: Any, contexts: list[Any], keyed_app: tuple[str, Any]
) -> None:
    url, store = keyed_app
    key = create_key(store, "desk-share", ["analyze"])
    page = visit(browser, contexts, url + "/")
    page.fill("#api-key", key)
    page.click("#key-form button[type=submit]")
    analyze(page, SEED_TEXT)
    expect(page.locator("#output")).to_be_visible()

    colleague = visit(browser, contexts, page.url)  # a new browser: no key yet
    expect(colleague.locator("#error")).to_contain_text("needs a valid API key")
    expect(colleague.locator("#api-key")).to_be_focused()
    colleague.fill("#api-key", key)
    colleague.keyboard.press("Enter")
    expect(colleague.locator("#headline")).to_have_text(page.locator("#headline").inner_text())


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_on_the_key_prompt(
    browser: Any, contexts: list[Any], keyed_app: tuple[str, Any], scheme: str
) -> None:
    page = visit(browser, contexts, keyed_app[0] + "/", color_scheme=scheme)
    expect(page.locator("#key-form")).to_be_visible()
    analyze(page, SEED_TEXT)
    expect(page.locator("#error")).to_be_visible()
    assert axe_violations(page) == []


# ---------------------------------------------------------------- feedback


def test_this_is_wrong_stores_feedback_and_the_flag_survives_a_reload(
    page: Any, base_url: str
) -> None:
    analyze(page, SEED_TEXT)
    expect(page.locator("#output")).to_be_visible()
    stored = analysis_id(page)
    claim = page.locator("#claim-list li.claim").first
    claim_id = claim.get_attribute("data-flag")
    claim.get_by_role("button", name=re.compile("^This is wrong")).click()
    expect(page.locator("#fb-finding")).to_have_value(claim_id)
    expect(page.locator("#fb-answer")).to_be_focused()
    page.select_option("#fb-answer", "denied")
    page.fill("#fb-note", "The ministry denied it on Friday.")
    page.click("#fb-send")
    expect(page.locator("#fb-status")).to_contain_text("stored with the analysis")

    answer = httpx.get(f"{base_url}/v1/analyses/{stored}/feedback").json()
    assert [(i["finding"], i["problem"], i["expected"], i["note"]) for i in answer["items"]] == [
        (claim_id, "wrong_status", "denied", "The ministry denied it on Friday.")
    ]
    expect(claim.locator(".flag-mark")).to_have_text(
        "Flagged: should be Denied — “The ministry denied it on Friday.”"
    )

    page.reload()
    flagged = page.locator(f'[data-flag="{claim_id}"] .flag-mark')
    expect(flagged).to_contain_text("should be Denied")
    expect(page.locator("#fb-list li")).to_have_count(1)


def test_a_stance_and_an_actor_can_be_flagged_too(page: Any, base_url: str) -> None:
    analyze(page, SEED_TEXT)
    expect(page.locator("#output")).to_be_visible()
    stored = analysis_id(page)
    page.locator(".stance-cell .flag-button").first.click()
    page.select_option("#fb-answer", "neutral")
    page.click("#fb-send")
    expect(page.locator("#fb-list li")).to_have_count(1)
    page.locator("#actors .flag-button").first.click()
    page.select_option("#fb-answer", "not_an_actor")
    page.click("#fb-send")
    expect(page.locator("#fb-list li")).to_have_count(2)
    items = httpx.get(f"{base_url}/v1/analyses/{stored}/feedback").json()["items"]
    assert [(i["finding"], i["problem"], i.get("expected")) for i in items] == [
        ("stances/0", "wrong_stance", "neutral"),
        ("actors/A1", "not_an_actor", None),
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_with_feedback_given_and_history(
    open_page: Any, scheme: str
) -> None:
    page = open_page(color_scheme=scheme)
    analyze(page, SEED_TEXT)
    expect(page.locator("#output")).to_be_visible()
    page.locator("#claim-list .flag-button").first.click()
    page.click("#fb-send")
    expect(page.locator(".flag-mark")).to_have_count(1)
    expect(page.locator("#history")).to_be_visible()
    assert axe_violations(page) == []


# ---------------------------------------------------------------- share link, history


def texts(page: Any, selector: str) -> list[str]:
    return [t.strip() for t in page.locator(selector).all_text_contents()]


def test_a_share_link_opens_the_same_results_in_a_new_browser(
    open_page: Any, browser: Any, contexts: list[Any]
) -> None:
    page = open_page(permissions=["clipboard-read", "clipboard-write"])
    analyze(page, SEED_TEXT)
    expect(page.locator("#output")).to_be_visible()
    page.click("#share")
    expect(page.locator("#export-status")).to_contain_text("Share link copied")
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == page.url and ANALYSIS_LINK.search(link)

    other = visit(browser, contexts, link)  # a new context: no storage shared with the first
    expect(other.locator("#output")).to_be_visible()
    for selector in (
        "#headline",
        "#claim-list .claim-text",
        "#actors .chip-name",
        "#matrix-wrap button.stance",
    ):
        assert texts(other, selector) == texts(page, selector), selector
    # The article is not stored: the cited sentences are shown, with their numbers.
    expect(other.locator("#status")).to_contain_text("shows the sentences its findings cite")
    assert texts(other, "#article .sentence.decisive") == texts(page, "#article .sentence.decisive")
    assert SEED_TEXT not in storage(other)


def test_history_lists_analyses_and_deletes_them_from_the_service(
    open_page: Any, base_url: str
) -> None:
    page = open_page()
    analyze(page, SEED_TEXT)
    expect(page.locator("#output")).to_be_visible()
    stored = analysis_id(page)
    headline = page.locator("#headline").text_content() or ""
    page.goto(base_url + "/")  # a later visit in the same browser
    entry = page.locator(f'#history-list li[data-id="{stored}"]')
    expect(entry.locator("a")).to_have_text(headline)
    assert SEED_TEXT[:60] not in storage(page)  # only id, headline and time are kept

    entry.locator("a").click()
    expect(page.locator("#output")).to_be_visible()
    entry.get_by_role("button", name=re.compile("^Delete")).click()
    expect(entry).to_have_count(0)
    expect(page.locator("#output")).to_be_hidden()
    assert httpx.get(f"{base_url}/v1/analyses/{stored}").status_code == 404


def test_a_link_to_a_deleted_analysis_says_so(
    browser: Any, contexts: list[Any], base_url: str
) -> None:
    page = visit(browser, contexts, base_url + "/#a=" + "0" * 32)
    expect(page.locator("#error")).to_contain_text("not stored any more")


# ---------------------------------------------------------------- live progress


def test_progress_shows_the_streamed_stages_with_the_builtin_engine(page: Any) -> None:
    page.select_option("#model", "builtin/rules-en")
    analyze(page, SEED_TEXT)
    expect(page.locator("#output")).to_be_visible(timeout=60_000)
    expect(page.locator("#stages")).to_have_text(
        re.compile(r"^Stages: Queued → Analysing \d+ sentences with the built-in engine → Done$")
    )


def test_progress_names_the_model_call_while_it_waits(page: Any) -> None:
    analyze(page, SEED_TEXT)
    expect(page.locator("#output")).to_be_visible()
    expect(page.locator("#stages")).to_contain_text("Model call 1: waiting for the model's answer")


def test_the_compare_page_with_keys_on_uses_the_same_key_panel(
    browser: Any, contexts: list[Any], keyed_app: tuple[str, Any]
) -> None:
    url, store = keyed_app
    key = create_key(store, "compare-desk", ["analyze"])
    page = visit(browser, contexts, url + "/compare.html")
    expect(page.locator("#key-form")).to_be_visible()
    page.fill("#text-1", SEED_TEXT)
    page.fill("#text-2", SEED_TEXT + "\nA later paragraph.")
    page.click("#compare")
    expect(page.locator("#error")).to_contain_text("needs a valid API key")
    page.fill("#api-key", key)
    page.click("#key-form button[type=submit]")
    page.click("#compare")
    expect(page.locator("#status")).to_contain_text("Compared:")


def test_without_streaming_fetch_the_page_falls_back_to_plain_json(open_page: Any) -> None:
    page = open_page()
    page.add_init_script("delete window.TextDecoderStream")
    page.reload()
    accepts: list[str] = []
    page.on(
        "request",
        lambda r: r.url.endswith("/v1/analyze") and accepts.append(r.headers.get("accept", "")),
    )
    analyze(page, SEED_TEXT)
    expect(page.locator("#output")).to_be_visible()
    assert accepts == ["application/json"]
    expect(page.locator("#stages")).to_be_hidden()

"""The demo page, end to end in headless Chromium (Debian's, never a downloaded one).

The real app runs under uvicorn on loopback with a scripted model client, so the page
exercises the same routes, validation and problem+json errors an editor would meet.
"""

from __future__ import annotations

import copy
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from api.app import create_app
from api.compose import make_analyzer
from api.config import Settings
from api.errors import UpstreamUnavailable
from api.llm.types import ChatRequest
from tests.conftest import ROOT, SCRIPTED_MODEL, SEED_CONTRACT, SEED_TEXT
from tests.fakes import ScriptedClient

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian chromium is not installed at /usr/bin/chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

ARTIFACTS = ROOT / "artifacts"
MAX_TEXT_CHARS = 20_000
RETRY_AFTER_S = 30
SLOW_REPLY_S = 2.0

# Markers in an article pick the scripted model's behaviour.
UPSTREAM_DOWN = "UPSTREAM-DOWN"
SLOW_MODEL = "SLOW-MODEL"
HOSTILE_TEXT = (
    "Council officials said the file contained "
    '<script>window.__pwned = 1; alert("pwned")</script> when it was found on Monday.\n'
    'A second council file held <img src=x onerror="window.__pwned = 2"> as well.'
)
HOSTILE_CONTRACT: dict[str, Any] = {
    "headline": "Council file held <b>markup</b>",
    "summary": "Officials found a <script>alert(1)</script> tag in a council file.",
    "key_points": ["<i>Two</i> council files held markup."],
    "actors": [
        {"id": "A1", "name": "Council officials", "kind": "group", "role": None, "aliases": []}
    ],
    "claims": [
        {
            "id": "C1",
            "text": "A council file contained a <script> tag.",
            "status": "confirmed",
            "asserted_by": ["A1"],
            "denied_by": [],
            "evidence": [{"sentence": 1, "act": "asserts"}],
            "confidence": 0.8,
        }
    ],
    "stances": [
        {
            "actor": "A1",
            "target": "C1",
            "stance": "support",
            "evidence": [{"sentence": 1, "act": "asserts"}],
            "confidence": 0.8,
        },
    ],
}
CALLER_CLAIMS = ["North Korea sent 10,000 troops to Russia.", "The moon is made of cheese."]


def scripted_reply(request: ChatRequest) -> dict[str, Any]:
    """The scripted model: answers by what the article in the prompt contains."""
    prompt = "\n".join(m["content"] for m in request.messages)
    if UPSTREAM_DOWN in prompt:
        raise UpstreamUnavailable("The model provider is down.", retry_after=RETRY_AFTER_S)
    if SLOW_MODEL in prompt:
        time.sleep(SLOW_REPLY_S)  # blocks this test server only; the page cancels meanwhile
    if "council file" in prompt:
        return copy.deepcopy(HOSTILE_CONTRACT)
    contract = copy.deepcopy(SEED_CONTRACT)
    asked = re.findall(r"^\s+(\d+)\. ", prompt.split("caller_claims by index:")[-1], re.M)
    if "caller_claims by index:" in prompt:
        contract["caller_claims"] = [_assess(int(i)) for i in asked]
    return contract


def _assess(index: int) -> dict[str, Any]:
    if index == 1:
        return {
            "index": 1,
            "status": "disputed",
            "asserted_by": ["A6"],
            "evidence": [{"sentence": 14, "act": "asserts"}],
            "confidence": 0.8,
        }
    return {"index": index, "status": "not_mentioned", "confidence": 0.9}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    settings = Settings(
        default_model=SCRIPTED_MODEL,
        models=[SCRIPTED_MODEL],
        cache_size=0,
        max_text_chars=MAX_TEXT_CHARS,
        _env_file=None,
    )
    app = create_app(settings, make_analyzer(settings, client=ScriptedClient(scripted_reply)))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the app did not start under uvicorn")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.console_errors = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.goto(base_url + "/")
    # The model list comes from GET /v1/models.
    sync_api.expect(page.locator("#model option")).to_have_count(2)
    yield page
    context.close()


def analyze(page: Any, text: str, claims: list[str] | None = None) -> None:
    page.fill("#text", text)
    if claims:
        page.click(".caller-claims summary")
        page.fill("#claims", "\n".join(claims))
    page.click("#analyze")


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
    expect(cell).to_have_text("Oppose")

    # A click on a stance highlights exactly its evidence sentence and scrolls to it.
    cell.click()
    kremlin_sentence = page.locator("#s-10")
    expect(kremlin_sentence).to_have_class(re.compile(r"\bactive\b"))
    expect(kremlin_sentence).to_have_text("The Kremlin earlier denied the reports.")
    expect(kremlin_sentence).to_be_in_viewport()
    expect(page.locator("#article .sentence.active")).to_have_count(1)
    # Hovering it says which findings cite it.
    assert "Kremlin: oppose" in (kremlin_sentence.get_attribute("title") or "")

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
    expect(page.locator("#meta")).to_contain_text("prompt analyze-v2")

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
    sync_api.expect(page.locator("#status")).to_contain_text("Analysing with openai/scripted")
    sync_api.expect(page.locator("#elapsed")).to_contain_text("s elapsed")
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

"""The demo page's test server: the real app under uvicorn on loopback with a scripted model
client, so the page exercises the same routes, validation and problem+json errors an editor
would meet; and headless Chromium (Debian's, never a downloaded one) to drive it."""

from __future__ import annotations

import asyncio
import copy
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from api.app import create_app
from api.compose import make_analyzer
from api.config import Settings
from api.errors import UpstreamUnavailable
from api.llm.types import ChatRequest, Completion
from api.storage import Store
from tests.conftest import ROOT, SCRIPTED_MODEL, SEED_CONTRACT
from tests.fakes import ScriptedClient

CHROMIUM = Path("/usr/bin/chromium")
# Test modules skip themselves without Chromium (a conftest cannot skip); these fixtures
# are only reached when it is there.
sync_api: Any = pytest.importorskip("playwright.sync_api") if CHROMIUM.exists() else None

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
# An article that opens with emoji (each is 1 code point but 2 UTF-16 units) and cites one
# sentence only as context: it must be focusable but not highlighted.
EMOJI_TEXT = (
    "\U0001f389\U0001f389\U0001f389 The festival opened on Monday. "
    "The mayor said the budget passed. "
    "Council critics denied that the budget passed. "
    "The mayor spoke about the budget at the town hall."
)
EMOJI_CONTRACT: dict[str, Any] = {
    "headline": "Mayor and critics split over the budget",
    "summary": "The mayor said the budget passed; council critics denied it.",
    "key_points": ["The mayor says the budget passed.", "Critics deny it."],
    "actors": [
        {"id": "A1", "name": "The mayor", "kind": "person", "role": None, "aliases": []},
        {"id": "A2", "name": "Council critics", "kind": "group", "role": None, "aliases": []},
    ],
    "claims": [
        {
            "id": "C1",
            "text": "The budget passed.",
            "status": "disputed",
            "asserted_by": ["A1"],
            "denied_by": ["A2"],
            "evidence": [
                {"sentence": 3, "act": "denies"},
                {"sentence": 2, "act": "asserts"},
                {"sentence": 4, "act": "context"},
            ],
            "confidence": 0.7,
        }
    ],
    "stances": [
        {
            "actor": "A1",
            "target": "C1",
            "stance": "support",
            "evidence": [{"sentence": 2, "act": "asserts"}],
            "confidence": 0.8,
        },
        {
            "actor": "A2",
            "target": "C1",
            "stance": "oppose",
            "evidence": [{"sentence": 3, "act": "denies"}],
            "confidence": 0.65,
        },
    ],
}
CALLER_CLAIMS = ["North Korea sent 10,000 troops to Russia.", "The moon is made of cheese."]


def scripted_reply(request: ChatRequest) -> dict[str, Any]:
    """The scripted model: answers by what the article in the prompt contains."""
    prompt = "\n".join(m["content"] for m in request.messages)
    if UPSTREAM_DOWN in prompt:
        raise UpstreamUnavailable("The model provider is down.", retry_after=RETRY_AFTER_S)
    if "council file" in prompt:
        return copy.deepcopy(HOSTILE_CONTRACT)
    if "festival opened" in prompt:
        return copy.deepcopy(EMOJI_CONTRACT)
    contract = copy.deepcopy(SEED_CONTRACT)
    asked = re.findall(r"^\s*(\d+)\. ", prompt.split("caller_claims by index:")[-1], re.M)
    if "caller_claims by index:" in prompt:
        contract["caller_claims"] = [_assess(int(i)) for i in asked]
    return contract


class PacedClient(ScriptedClient):
    """The scripted model, slow for a SLOW_MODEL article the way a real one is: it waits
    without blocking the server, so streamed stages reach the page meanwhile."""

    async def complete(self, request: ChatRequest) -> Completion:
        if any(SLOW_MODEL in m["content"] for m in request.messages):
            await asyncio.sleep(SLOW_REPLY_S)
        return await super().complete(request)


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
    app = create_app(settings, make_analyzer(settings, client=PacedClient(scripted_reply)))
    yield from serve(app)


@pytest.fixture(scope="module")
def keyed_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Store]]:
    """The same app with API keys on (its own storage): (base URL, store to make keys in)."""
    settings = Settings(
        default_model=SCRIPTED_MODEL,
        models=[SCRIPTED_MODEL],
        cache_size=0,
        auth=True,
        data_dir=tmp_path_factory.mktemp("keyed"),
        _env_file=None,
    )
    app = create_app(settings, make_analyzer(settings, client=PacedClient(scripted_reply)))
    for url in serve(app):
        yield url, app.state.store


def serve(app: Any) -> Iterator[str]:
    """Run `app` under uvicorn on a free loopback port until the generator is closed."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60  # lifespan warms the engine: slow on a busy machine
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


def open_in(browser: Any, url: str, **options: Any) -> tuple[Any, Any]:
    """A new browser context (its own storage) with the page at `url` (a path on the app)."""
    context = browser.new_context(**{"viewport": {"width": 1360, "height": 900}, **options})
    page = context.new_page()
    page.goto(url)
    return context, page


def _open(browser: Any, url: str, **options: Any) -> tuple[Any, Any]:
    context = browser.new_context(**{"viewport": {"width": 1360, "height": 900}, **options})
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.goto(url + "/")
    # The model list (and the limits) come from GET /v1/models.
    sync_api.expect(page.locator("#model option")).to_have_count(2)
    return context, page


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    context, page = _open(browser, base_url)
    yield page
    context.close()


@pytest.fixture
def open_page(browser: Any, base_url: str) -> Iterator[Callable[..., Any]]:
    """Open the page in a browser context with options (color_scheme, has_touch, …)."""
    contexts: list[Any] = []

    def opener(**options: Any) -> Any:
        context, page = _open(browser, base_url, **options)
        contexts.append(context)
        return page

    yield opener
    for context in contexts:
        context.close()


def analyze(page: Any, text: str, claims: list[str] | None = None) -> None:
    page.fill("#text", text)
    if claims:
        page.click(".caller-claims summary")
        page.fill("#claims", "\n".join(claims))
    page.click("#analyze")

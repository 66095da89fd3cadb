"""/docs and /redoc render offline in headless Chromium (issue 14, defect 7).

Before, both pages loaded their scripts from a CDN and stayed blank without internet. Every
request that leaves loopback is refused here, as it would be on an offline machine, and the
Content-Security-Policy header is in force: the pages must render from the app's own assets
with no script or style blocked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.app import create_app
from api.config import Settings
from tests.live_server import live_server

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian chromium is not installed at /usr/bin/chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    settings = Settings(_env_file=None)
    with live_server(create_app(settings), settings) as (host, port):
        yield f"http://{host}:{port}"


@pytest.fixture
def offline_page(base_url: str) -> Iterator[tuple[Any, list[str], list[str]]]:
    """A page that can reach only the app; yields it with its console errors and the
    off-machine requests it tried."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        errors: list[str] = []
        outside: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))

        def only_loopback(route: Any) -> None:
            if route.request.url.startswith(base_url):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", only_loopback)
        yield page, errors, outside
        browser.close()


def test_swagger_ui_renders_offline(
    base_url: str, offline_page: tuple[Any, list[str], list[str]]
) -> None:
    page, errors, outside = offline_page
    page.goto(base_url + "/docs")
    page.wait_for_selector(".opblock-summary-path:has-text('/v1/analyze/batch')", timeout=20_000)
    assert page.locator(".opblock").count() >= 6  # every documented operation is listed
    page.locator("text=Analyse one article").first.click()
    page.wait_for_selector(".opblock-body", timeout=10_000)
    assert page.locator("option[value='application/problem+json']").count() > 0
    assert outside == [] and errors == []


def test_redoc_renders_offline(
    base_url: str, offline_page: tuple[Any, list[str], list[str]]
) -> None:
    page, errors, outside = offline_page
    page.goto(base_url + "/redoc")
    page.wait_for_selector("h2:has-text('Analyse one article')", timeout=20_000)
    assert page.locator("text=Analyse several articles").count() > 0
    assert outside == []
    # ReDoc's "API docs by Redocly" footer links its logo from the vendor's CDN: the CSP
    # blocks that one image (the page renders without it); nothing else may be blocked.
    blocked = [e for e in errors if "Content Security Policy" in e]
    assert all("cdn.redoc.ly/redoc/logo-mini.svg" in e for e in blocked), blocked
    assert len(errors) == len(blocked), errors

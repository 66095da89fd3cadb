"""Security headers on every response (issue 14, defect 7): before, the demo page had a CSP
meta tag only (which cannot forbid framing), and no response had nosniff, framing rules or a
Referrer-Policy. The docs pages are served from local assets, never a CDN."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.compose import make_analyzer
from api.config import Settings
from tests.fakes import ScriptedClient

SELF_ONLY_SCRIPTS = "script-src 'self';"


@pytest.fixture(scope="module")
def api() -> Iterator[TestClient]:
    settings = Settings(default_model="openai/s", models=["openai/s"], _env_file=None)
    analyzer = make_analyzer(settings, client=ScriptedClient({"not": "a contract"}))
    with TestClient(create_app(settings, analyzer)) as client:
        yield client


def _assert_hardened(response: Any) -> str:
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    csp: str = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and SELF_ONLY_SCRIPTS in csp
    assert "http" not in csp  # no third-party origin anywhere
    return csp


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/", None, 200),
        ("GET", "/app.js", None, 200),
        ("GET", "/style.css", None, 200),
        ("GET", "/healthz", None, 200),
        ("GET", "/metrics", None, 200),
        ("GET", "/openapi.json", None, 200),
        ("GET", "/v1/models", None, 200),
        ("GET", "/nope", None, 404),
        ("POST", "/v1/analyze", {"text": ""}, 422),
        ("POST", "/v1/analyze", {"text": "The mayor spoke."}, 502),
        ("GET", "/docs", None, 200),
        ("GET", "/redoc", None, 200),
        ("GET", "/docs-assets/swagger-ui-bundle.js", None, 200),
    ],
)
def test_every_response_carries_the_security_headers(
    api: TestClient, method: str, path: str, body: Any, status: int
) -> None:
    response = api.request(method, path, json=body)
    assert response.status_code == status, response.text
    csp = _assert_hardened(response)
    if path not in {"/docs", "/redoc"}:
        assert "'unsafe-inline'" not in csp


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_pages_load_only_local_assets(api: TestClient, path: str) -> None:
    page = api.get(path).text
    assert "cdn" not in page.lower() and "https://" not in page
    assert "<script>" not in page  # no inline script: script-src 'self' holds
    for asset in ("docs-assets/swagger-ui-bundle.js", "docs-assets/redoc.standalone.js"):
        if asset in page:
            assert api.get("/" + asset).status_code == 200

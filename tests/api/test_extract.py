"""Pasted HTML and URLs (issue 17): article text extracted with trafilatura, URLs fetched only
when enabled and only from public addresses. No network: pages are recorded files served by
respx, and DNS answers come from a fake resolver."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from fastapi.testclient import TestClient

from api import fetch
from api.app import create_app
from api.config import Settings
from api.errors import (
    FetchFailed,
    FetchTimeout,
    NoArticleText,
    PageTooLarge,
    UrlFetchDisabled,
    UrlNotAllowed,
)
from api.extract import extract_article, looks_like_html, looks_like_url
from api.fetch import fetch_page
from tests.conftest import ROOT

PAGE = (ROOT / "tests" / "data" / "pages" / "kremlin-denies.html").read_bytes()
TITLE = "Kremlin denies reports of North Korean troops"
FIRST = "The Kremlin on Friday denied reports that North Korea had sent troops"
PUBLIC = "93.184.216.34"
DNS = {"news.example": [PUBLIC], "intranet.example": ["10.0.0.7"]}


async def fake_resolve(host: str, port: int) -> list[str]:
    if host not in DNS:
        raise OSError(f"no such host {host}")
    return DNS[host]


def enabled(**overrides: Any) -> Settings:
    return Settings(_env_file=None, fetch_urls=True, **overrides)


def html_page(body: bytes = PAGE, **headers: str) -> httpx.Response:
    return httpx.Response(200, content=body, headers={"content-type": "text/html", **headers})


def fetched(url: str, settings: Settings | None = None) -> bytes:
    return asyncio.run(fetch_page(url, settings or enabled(), fake_resolve))


# -- what counts as HTML or a URL ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "html", "url"),
    [
        (PAGE.decode(), True, False),
        ("<p>The minister said so.</p>", True, False),
        ("  <!-- saved page --> <div><p>Text</p></div>", True, False),
        ("Officials found <script>alert(1)</script> in a file.", False, False),
        ("<3 to all readers, said the mayor.", False, False),
        ("https://news.example/world/1", False, True),
        ("  http://news.example/a?b=c \n", False, True),
        ("See https://news.example/world/1 for more.", False, False),
    ],
)
def test_html_and_urls_are_told_from_plain_text(text: str, html: bool, url: bool) -> None:
    assert looks_like_html(text) is html
    assert looks_like_url(text) is url


# -- extraction ---------------------------------------------------------------------------------


def test_a_saved_page_yields_its_article_text_and_title() -> None:
    found = extract_article(PAGE)
    assert found.title == TITLE
    assert found.source == "extracted_from_html"
    assert found.text.startswith(FIRST)
    assert "dangerous development in the war." in found.text
    for boilerplate in ("Subscribe", "Most read", "Celebrity", "rights reserved", "analytics"):
        assert boilerplate not in found.text


def test_a_short_pasted_fragment_still_yields_its_text() -> None:
    found = extract_article(
        "<p>The minister <b>said</b> the budget passed.</p><p>Critics denied it.</p>"
    )
    assert found.text == "The minister said the budget passed.\nCritics denied it."


def test_html_without_text_is_a_clear_error() -> None:
    with pytest.raises(NoArticleText):
        extract_article("<div><img src='a.png'></div>")


# -- fetching -----------------------------------------------------------------------------------


def test_fetching_is_off_unless_the_operator_enables_it() -> None:
    with respx.mock(assert_all_mocked=True) as router, pytest.raises(UrlFetchDisabled) as err:
        fetched("https://news.example/world/1", Settings(_env_file=None))
    assert "STANCEWIRE_FETCH_URLS" in err.value.detail
    assert router.calls.call_count == 0


def test_a_public_page_is_fetched_at_the_checked_address() -> None:
    with respx.mock(assert_all_called=True) as router:
        route = router.get(f"https://{PUBLIC}/world/1").mock(return_value=html_page())
        assert fetched("https://news.example/world/1") == PAGE
    sent = route.calls.last.request
    # Connected to the address that was checked; the name travels in Host and TLS SNI.
    assert sent.headers["host"] == "news.example"
    assert sent.extensions["sni_hostname"] == "news.example"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.7",
        "192.168.1.1",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "::ffff:127.0.0.1",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(address: str) -> None:
    DNS["inside.example"] = [PUBLIC, address]  # one bad answer among good ones is enough
    try:
        with respx.mock(assert_all_mocked=True) as router, pytest.raises(UrlNotAllowed):
            fetched("http://inside.example/admin")
        assert router.calls.call_count == 0
    finally:
        del DNS["inside.example"]


def test_a_redirect_is_checked_again() -> None:
    with respx.mock() as router:
        router.get(f"http://{PUBLIC}/go").mock(
            return_value=httpx.Response(302, headers={"location": "http://intranet.example/"})
        )
        with pytest.raises(UrlNotAllowed, match=r"intranet\.example"):
            fetched("http://news.example/go")
        assert router.calls.call_count == 1


def test_other_schemes_are_refused() -> None:
    for url in ("file:///etc/passwd", "ftp://news.example/a"):
        with pytest.raises(UrlNotAllowed):
            fetched(url)


def test_a_page_over_the_size_cap_is_refused_whether_declared_or_not() -> None:
    small = enabled(fetch_max_bytes=1000)
    with respx.mock() as router:
        router.get(f"http://{PUBLIC}/big").mock(return_value=html_page(b"x" * 5000))
        with pytest.raises(PageTooLarge):
            fetched("http://news.example/big", small)

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"x" * 400

    def undeclared(request: httpx.Request) -> httpx.Response:
        # Streamed: no Content-Length to refuse it by.
        return httpx.Response(200, content=chunks(), headers={"content-type": "text/html"})

    with respx.mock() as router:
        router.get(f"http://{PUBLIC}/stream").mock(side_effect=undeclared)
        with pytest.raises(PageTooLarge):
            fetched("http://news.example/stream", small)


def test_one_time_limit_covers_the_whole_fetch() -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(2)
        return html_page()

    with respx.mock(assert_all_called=False) as router:  # cancelled mid-call
        router.get(f"http://{PUBLIC}/slow").mock(side_effect=slow)
        with pytest.raises(FetchTimeout):
            fetched("http://news.example/slow", enabled(fetch_timeout_s=0.1))


def test_errors_and_non_pages_are_fetch_failures() -> None:
    with respx.mock() as router:
        router.get(f"http://{PUBLIC}/gone").mock(return_value=httpx.Response(404))
        router.get(f"http://{PUBLIC}/pdf").mock(
            return_value=httpx.Response(
                200, content=b"%PDF", headers={"content-type": "application/pdf"}
            )
        )
        router.get(f"http://{PUBLIC}/reset").mock(side_effect=httpx.ConnectError("reset"))
        for path, words in (
            ("gone", "HTTP 404"),
            ("pdf", "application/pdf"),
            ("reset", "ConnectError"),
        ):
            with pytest.raises(FetchFailed, match=words):
                fetched(f"http://news.example/{path}")
    with pytest.raises(FetchFailed, match="could not be found"):
        fetched("http://nowhere.example/")


# -- through the API ----------------------------------------------------------------------------


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The built-in engine; URL fetching on; DNS answered by the fake resolver."""
    monkeypatch.setattr(fetch, "resolve_host", fake_resolve)
    settings = Settings(_env_file=None, fetch_urls=True, cache_size=0)
    with TestClient(create_app(settings)) as client:
        yield client


def test_pasted_html_is_analysed_as_its_article_text(api: TestClient) -> None:
    response = api.post("/v1/analyze", json={"text": PAGE.decode()})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["text_source"] == "extracted_from_html"
    text = body["text"]
    assert text.startswith(FIRST) and "<p>" not in text
    assert "<" not in (body["headline"] or "") and "<" not in (body["summary"] or "")
    # Offsets index the returned text (code points and UTF-16 alike; the page holds an emoji).
    spans = [e for c in body["claims"] + body["stances"] for e in c["evidence"]]
    assert spans
    utf16 = text.encode("utf-16-le")
    for span in spans:
        assert text[span["start"] : span["end"]] == span["quote"]
        assert (
            utf16[2 * span["start_utf16"] : 2 * span["end_utf16"]].decode("utf-16-le")
            == span["quote"]
        )


def test_plain_text_is_still_analysed_as_sent(api: TestClient) -> None:
    response = api.post("/v1/analyze", json={"text": "The mayor said the bridge opened on Monday."})
    assert response.status_code == 200, response.text
    assert response.json()["text_source"] == "submitted" and response.json()["text"] is None


def test_a_url_is_fetched_and_extracted(api: TestClient) -> None:
    with respx.mock() as router:
        router.get(f"https://{PUBLIC}/world/1").mock(return_value=html_page())
        response = api.post("/v1/extract", json={"text": "https://news.example/world/1"})
    assert response.status_code == 200, response.text
    assert response.json()["title"] == TITLE
    assert response.json()["text"].startswith(FIRST)
    assert response.json()["url"] == "https://news.example/world/1"


def test_a_url_with_fetching_off_is_a_clear_problem() -> None:
    with TestClient(create_app(Settings(_env_file=None))) as client:
        for path in ("/v1/analyze", "/v1/extract"):
            response = client.post(path, json={"text": "https://news.example/world/1"})
            assert response.status_code == 422
            assert response.headers["content-type"].startswith("application/problem+json")
            problem = response.json()
            assert problem["code"] == "url_fetch_disabled"
            assert "Paste the article's text" in problem["detail"]


def test_a_private_url_is_a_problem_not_a_500(api: TestClient) -> None:
    response = api.post("/v1/extract", json={"text": "http://intranet.example/"})
    assert response.status_code == 422
    assert response.json()["code"] == "url_not_allowed"


def test_saved_test_page_is_what_the_tests_read() -> None:
    assert Path(ROOT / "tests" / "data" / "pages" / "kremlin-denies.html").stat().st_size < 4000


def test_extraction_runs_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    """lxml parsing a page of up to FETCH_MAX_BYTES must not stall every other request."""
    from api import extract

    threads: list[str] = []
    real = extract.extract_article

    def spy(html: str | bytes) -> extract.SourceText:
        threads.append(threading.current_thread().name)
        return real(html)

    monkeypatch.setattr(extract, "extract_article", spy)
    found = asyncio.run(extract.source_text(PAGE.decode(), Settings(_env_file=None)))
    assert found.title == TITLE
    assert threads and threads[0] != threading.main_thread().name

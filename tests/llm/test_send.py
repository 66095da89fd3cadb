"""The direct path's POST without the Client's layers (api/llm/send.py) sends what
`AsyncClient.post` sent: the same request line, headers in the same order, body bytes,
timeout and cookies, on the transport the Client would have picked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from api.llm.send import post_json, sent_headers

URL = "https://llm.test/v1/chat/completions"
HEADERS = {"Authorization": "Bearer sk-test", "Content-Type": "application/json"}
BODY = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Ünïcode — “quotes” 😀"}]}
Seen = list[tuple[str, str, list[tuple[bytes, bytes]], bytes, dict[str, Any]]]


def recorder(seen: Seen, cookie: str | None = None) -> httpx.MockTransport:
    """Records every request as sent; answers JSON, setting `cookie` if given."""

    def answer(request: httpx.Request) -> httpx.Response:
        raw = (request.method, str(request.url), request.headers.raw, request.content)
        seen.append((*raw, request.extensions["timeout"]))
        headers = {"set-cookie": f"{cookie}; Path=/; Secure"} if cookie else {}
        return httpx.Response(200, json={"choices": [{"n": len(seen)}]}, headers=headers)

    return httpx.MockTransport(answer)


def make(transport: httpx.MockTransport) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(12.5))


async def twice(client: httpx.AsyncClient, send: Callable[..., Any]) -> list[httpx.Response]:
    return [await send(client) for _ in range(2)]


def by_client(client: httpx.AsyncClient) -> Any:
    return client.post(URL, headers=HEADERS, json=BODY)


def by_post_json(client: httpx.AsyncClient) -> Any:
    return post_json(client, httpx.URL(URL), sent_headers(client, HEADERS), BODY)


@pytest.mark.parametrize("cookie", [None, "__cf_bm=abc123"])
async def test_the_same_request_as_the_clients_post(cookie: str | None) -> None:
    old: Seen = []
    new: Seen = []
    old_answers = await twice(make(recorder(old, cookie)), by_client)
    new_answers = await twice(make(recorder(new, cookie)), by_post_json)

    assert new == old  # method, URL, raw headers in order, body bytes, timeout
    if cookie:  # kept from the first answer and sent back with the second
        assert (b"Cookie", cookie.encode()) in new[1][2]
    for before, after in zip(old_answers, new_answers, strict=True):
        assert (after.status_code, after.content, after.json()) == (
            before.status_code,
            before.content,
            before.json(),
        )
        assert after.is_closed and after.request.url == before.request.url


async def test_a_route_without_content_type_still_sends_json() -> None:
    """The body's bytes are the ones `json=` writes; the JSON Content-Type is added."""
    old: Seen = []
    new: Seen = []
    bare = {"Authorization": "Bearer sk-test"}
    await make(recorder(old)).post(URL, headers=bare, json=BODY)
    await post_json(
        make(recorder(new)), httpx.URL(URL), sent_headers(make(recorder([])), bare), BODY
    )

    assert new[0][3] == old[0][3]  # body bytes: compact, UTF-8, no ASCII escapes
    assert sorted(new[0][2]) == sorted(old[0][2])  # the same headers (Content-Type moved)
    assert (b"Content-Type", b"application/json") in new[0][2]


async def test_the_transport_the_client_would_pick() -> None:
    """A mounted transport (as an environment proxy is mounted) takes the request."""
    mounted: Seen = []
    default: Seen = []
    client = httpx.AsyncClient(
        transport=recorder(default), mounts={"https://llm.test": recorder(mounted)}
    )
    await by_post_json(client)
    assert len(mounted) == 1 and not default


async def test_transport_errors_are_httpx_errors_and_a_closed_client_refuses() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")  # as httpcore's errors arrive: no request

    client = make(httpx.MockTransport(refuse))
    with pytest.raises(httpx.ConnectError) as failed:
        await by_post_json(client)
    assert failed.value.request.url == URL  # named, as the Client's send names it
    await client.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await by_post_json(client)

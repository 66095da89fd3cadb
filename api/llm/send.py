"""One JSON POST on a pooled httpx client's own transport (issue 18).

`AsyncClient.post` was 9.2 % of `stancewire serve`'s CPU under load (py-spy), of which
about half were the Client's layers around the transport: the URL parsed and the headers
merged again on every call, an auth flow (an async generator) and the redirect loop with
its event hooks, a timing wrapper around the response stream, and `extract_cookies`
building urllib request and response shims for every answer (1.3 % alone). The direct
path uses none of them: no auth (the key is a header), no redirects followed (the Client
default), no hooks. So the request is built as `build_request` builds it — the client's
default headers, then the route's, the client's cookies, the client's timeout — and handed
to the transport the Client would pick (its pool, or an environment proxy's), which respx
patches like the Client's own send. Cookies a provider sets (e.g. Cloudflare's) are kept
and sent back as the Client does; the jar is only consulted when an answer has a
Set-Cookie header, which is the only case its extraction did anything (RFC 2965's
Set-Cookie2 is off in the jar's default policy). The Client's "HTTP Request" INFO log line is
not written (the service keeps httpx's logger at WARNING anyway, api/llm/client.py).

The body is encoded by pydantic-core's serializer: the bytes httpx's `json=` writes
(compact separators, UTF-8, no ASCII escapes; checked on all 1,706 shared-data requests),
in under half the stdlib encoder's time (67 -> 26 us for a request of ~6 KB). The two
differ only where httpx refuses anyway: a NaN (settings bound every float the body holds)
and a lone surrogate (refused with a 422 where it enters, api/json_body.py).
"""

from __future__ import annotations

from typing import Any

import httpx
import pydantic_core


def sent_headers(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Headers:
    """The client's default headers, then these, as `AsyncClient.build_request` merges them;
    a JSON Content-Type after them where none was given (httpx's `json=` adds one too, after
    Content-Length rather than before it)."""
    merged = httpx.Headers(client.headers)
    merged.update(headers)
    merged.setdefault("Content-Type", "application/json")
    return merged


async def post_json(
    client: httpx.AsyncClient, url: httpx.URL, headers: httpx.Headers, body: Any
) -> httpx.Response:
    """`client.post(url, headers=…, json=body)` without the Client's layers: the same bytes
    on the wire (where the headers give a Content-Type, as every provider route's do), the
    same response (read whole), the same httpx exceptions."""
    if client.is_closed:
        raise RuntimeError("Cannot send a request, as the client has been closed.")
    request = httpx.Request(
        "POST",
        url,
        headers=headers,
        cookies=client.cookies or None,
        content=pydantic_core.to_json(body),
        extensions={"timeout": client.timeout.as_dict()},
    )
    transport = client._transport_for_url(url)  # the pool, or the proxy the env names
    try:
        response = await transport.handle_async_request(request)
    except httpx.RequestError as exc:
        exc.request = request  # as the Client's send names it (reading the body does itself)
        raise
    response.request = request
    try:
        await response.aread()  # closes the stream: the connection goes back to the pool
    except BaseException:
        await response.aclose()
        raise
    if "set-cookie" in response.headers:
        client.cookies.extract_cookies(response)
    return response

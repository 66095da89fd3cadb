"""Fetch a web page for a URL a caller sent, safely (server-side request forgery).

Only when the operator enables it (`STANCEWIRE_FETCH_URLS`). Every hop (the URL and each
redirect) is resolved here and refused unless all its addresses are public; the request then
goes to the checked address itself (Host header and TLS SNI keep the name), so a DNS answer
that changes between check and connect (rebinding) cannot send it elsewhere. One time limit
covers the whole fetch, redirects included, and the body is read up to a size cap.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from contextlib import aclosing

import httpx

from api.config import Settings
from api.errors import FetchFailed, FetchTimeout, PageTooLarge, UrlFetchDisabled, UrlNotAllowed

Resolver = Callable[[str, int], Awaitable[list[str]]]
MAX_REDIRECTS = 5
HTML_TYPES = ("text/html", "application/xhtml+xml")
USER_AGENT = "stancewire (article analysis; fetches one page a caller asked for)"


async def resolve_host(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


async def fetch_page(url: str, settings: Settings, resolve: Resolver | None = None) -> bytes:
    """The page's bytes (HTML); problem+json errors for everything that can go wrong."""
    if not settings.fetch_urls:
        raise UrlFetchDisabled(
            "This service does not fetch URLs (its operator has not set STANCEWIRE_FETCH_URLS). "
            "Paste the article's text, or its HTML, instead."
        )
    try:
        async with asyncio.timeout(settings.fetch_timeout_s):
            return await _follow(url, settings, resolve or resolve_host)
    except TimeoutError as exc:
        raise FetchTimeout(
            f"The page did not arrive within {settings.fetch_timeout_s:g} s. "
            "Paste the article's text instead."
        ) from exc


async def _follow(url: str, settings: Settings, resolve: Resolver) -> bytes:
    # trust_env=False: a proxy from the environment would connect on our behalf, unchecked.
    async with httpx.AsyncClient(follow_redirects=False, trust_env=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            target = httpx.URL(url)
            address = await _public_address(target, resolve)
            request = client.build_request(
                "GET",
                target.copy_with(host=address),
                headers={"Host": target.netloc.decode("ascii"), "User-Agent": USER_AGENT},
                extensions={"sni_hostname": target.host},
            )
            try:
                response = await client.send(request, stream=True)
            except httpx.HTTPError as exc:
                raise FetchFailed(f"The page could not be fetched ({type(exc).__name__}).") from exc
            async with aclosing(response):
                if response.is_redirect and "location" in response.headers:
                    url = str(target.join(response.headers["location"]))
                    continue
                return await _read_page(response, settings.fetch_max_bytes)
    raise FetchFailed(f"The page redirected more than {MAX_REDIRECTS} times.")


async def _public_address(url: httpx.URL, resolve: Resolver) -> str:
    if url.scheme not in ("http", "https") or not url.host:
        raise UrlNotAllowed("Only http and https URLs of public web pages can be fetched.")
    try:
        addresses = await resolve(url.host, url.port or (443 if url.scheme == "https" else 80))
    except OSError as exc:
        raise FetchFailed(f"The host {url.host} could not be found.") from exc
    private = [a for a in addresses if not _is_public(a)]
    if private or not addresses:
        raise UrlNotAllowed(
            f"The host {url.host} resolves to a private, loopback or link-local address "
            f"({', '.join(private) or 'none'}); only public web pages can be fetched."
        )
    return addresses[0]


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is loopback too
    return ip.is_global and not ip.is_multicast


async def _read_page(response: httpx.Response, max_bytes: int) -> bytes:
    if response.status_code >= 400:
        raise FetchFailed(f"The page answered HTTP {response.status_code}.")
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in HTML_TYPES:
        raise FetchFailed(f"The URL is not a web page (content type {media_type or 'none'}).")
    too_large = PageTooLarge(f"The page is larger than {max_bytes:,} bytes.")
    if int(response.headers.get("content-length") or 0) > max_bytes:
        raise too_large
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise too_large
    return bytes(body)

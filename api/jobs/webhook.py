"""The completion webhook: the job's status, POSTed once every item is done, signed and
retried with backoff (tenacity).

Signature: `X-Stancewire-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`
with `X-Stancewire-Timestamp: <unix seconds>`; a receiver recomputes it over the raw body and
rejects old timestamps (replays).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

import httpx
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential_jitter,
)

log = logging.getLogger(__name__)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def signed_headers(secret: str | None, body: bytes, now: float | None = None) -> dict[str, str]:
    timestamp = str(int(time.time() if now is None else now))
    headers = {"Content-Type": "application/json", "X-Stancewire-Timestamp": timestamp}
    if secret:
        headers["X-Stancewire-Signature"] = sign(secret, timestamp, body)
    return headers


def _worth_retrying(exc: BaseException) -> bool:
    """Network errors, 408, 429 and 5xx; another 4xx will not change on a retry."""
    if isinstance(exc, httpx.HTTPStatusError):
        status = exc.response.status_code
        return status in (408, 429) or status >= 500
    return isinstance(exc, httpx.TransportError)


async def deliver(
    url: str,
    body: bytes,
    secret: str | None,
    attempts: int,
    within_s: float = 120.0,
    client: httpx.AsyncClient | None = None,
) -> bool:
    """POST `body` to `url` until it is accepted (2xx), the tries run out or `within_s` has
    passed; True if accepted. Each try is signed afresh (its timestamp is when it was sent)."""
    own = client is None
    http = client or httpx.AsyncClient(timeout=min(10.0, within_s / 2))
    try:
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(attempts) | stop_after_delay(within_s),
            wait=wait_exponential_jitter(multiplier=0.5, max=within_s / 4),
            retry=retry_if_exception(_worth_retrying),
            reraise=True,
        ):
            with attempt:
                response = await http.post(url, content=body, headers=signed_headers(secret, body))
                response.raise_for_status()
        return True
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        log.warning("webhook to %s not delivered: %s", url, exc)
        return False
    finally:
        if own:
            await http.aclose()

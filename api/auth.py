"""API keys: `Authorization: Bearer <key>`, stored only as SHA-256 hashes, with scopes.

Off by default (local use: every caller is `anonymous` with every scope); on with
STANCEWIRE_AUTH=true, and always in production (STANCEWIRE_ENV=production), where the
service refuses to start without a key. Keys are 256 random bits, so one unsalted SHA-256
is enough to store them (no password stretching needed: nothing to guess).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.errors import Forbidden, Unauthorized
from api.storage import KeyRecord, Store

SCOPES = ("analyze", "jobs", "admin")
KEY_PREFIX = "sw_"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_HOW_TO = "create one with `stancewire keys create NAME --scope analyze`"


@dataclass(frozen=True)
class Caller:
    """Who is calling: the key's name (never the key), its scopes and its own limits."""

    name: str
    scopes: frozenset[str]
    rate_limit_per_minute: int | None = None
    token_budget_per_day: int | None = None


ANONYMOUS = Caller("anonymous", frozenset(SCOPES))


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(
    store: Store,
    name: str,
    scopes: list[str],
    rate_limit_per_minute: int | None = None,
    token_budget_per_day: int | None = None,
) -> str:
    """Store a new key's hash and return the key (shown once, never stored)."""
    if not _NAME.match(name):
        raise ValueError("a key name is 1-64 letters, digits, '.', '_' or '-'")
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise ValueError(f"scopes must be some of {', '.join(SCOPES)} (got {scopes})")
    if any(k.name == name for k in store.list_keys()):
        raise ValueError(f"a key named {name!r} exists; revoke it first or pick another name")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    record = KeyRecord(
        name,
        hash_key(key),
        tuple(s for s in SCOPES if s in scopes),
        rate_limit_per_minute,
        token_budget_per_day,
    )
    store.add_key(record)
    return key


def authenticate(store: Store, authorization: str | None) -> Caller:
    """The caller named by an Authorization header; Unauthorized when there is none."""
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized(f"Send an API key as `Authorization: Bearer <key>`; {_HOW_TO}.")
    digest = hash_key(token)
    record = store.key_by_hash(digest)
    # Looked up by hash, then compared in constant time: timing says nothing about the key.
    if record is None or not hmac.compare_digest(record.key_hash, digest):
        raise Unauthorized(f"The API key is not valid (mistyped or revoked); {_HOW_TO}.")
    return Caller(
        record.name,
        frozenset(record.scopes),
        record.rate_limit_per_minute,
        record.token_budget_per_day,
    )


def caller_for(request: Request, scope: str) -> Caller:
    """Authenticate the request for `scope` and note the key's name for logs and limits."""
    if not request.app.state.settings.auth_enabled:
        caller = ANONYMOUS
    else:
        caller = authenticate(request.app.state.store, request.headers.get("authorization"))
        if scope not in caller.scopes:
            raise Forbidden(
                f"The key {caller.name!r} lacks the scope {scope!r} (it has: "
                f"{', '.join(sorted(caller.scopes))}); create a key with --scope {scope}."
            )
    request.state.key_name = caller.name
    return caller


# Documents the scheme in OpenAPI (Swagger UI's "Authorize"); the header is read by
# `authenticate`, which also answers the problem+json 401 this class would not.
BEARER = HTTPBearer(
    auto_error=False,
    description="An API key from `stancewire keys create` (only when keys are on).",
)
BearerDoc = Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]


def require(scope: str) -> Callable[..., Caller]:
    """A dependency admitting keys with `scope` (sync: FastAPI runs it in its thread pool,
    so the key lookup in SQLite or Redis never blocks the event loop)."""

    def dependency(request: Request, _: BearerDoc) -> Caller:
        return caller_for(request, scope)

    return dependency


AdminCaller = Annotated[Caller, Depends(require("admin"))]

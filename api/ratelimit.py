"""Per-key request rate limits and model-token budgets, on the `limits` library: in memory
for one process, in Redis (`redis_url`) so replicas and job workers share them.

Requests: a moving window per minute (no burst at a window's edge). Tokens: a fixed window of
a day from a key's first use, checked before an analysis and charged after it (its size is
known only then), so the last analysis may overshoot a budget by its own tokens.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from limits import RateLimitItem, RateLimitItemPerDay, RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from api.auth import BearerDoc, Caller, caller_for
from api.config import Settings
from api.errors import BudgetExhausted, RateLimited

# Set on request.state; api/logs.py adds them to the response (success and 429 alike).
HEADERS_STATE = "ratelimit_headers"


class KeyLimiter:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.storage = storage_from_string(settings.redis_url or "memory://")
        self._requests = MovingWindowRateLimiter(self.storage)
        self._tokens = FixedWindowRateLimiter(self.storage)

    def _per_minute(self, own: int | None) -> RateLimitItem | None:
        amount = self.settings.rate_limit_per_minute if own is None else own
        return RateLimitItemPerMinute(amount, namespace="requests") if amount > 0 else None

    def _per_day(self, own: int | None) -> RateLimitItem | None:
        amount = self.settings.token_budget_per_day if own is None else own
        return RateLimitItemPerDay(amount, namespace="tokens") if amount > 0 else None

    def check_and_consume(
        self, key_name: str, cost: int = 1, per_minute: int | None = None
    ) -> dict[str, str]:
        """Count `cost` requests of `key_name`; RateLimited (429) when over its limit.
        Returns the RateLimit-* headers to send."""
        item = self._per_minute(per_minute)
        if item is None:
            return {}
        allowed = self._requests.hit(item, key_name, cost=cost)
        stats = self._requests.get_window_stats(item, key_name)
        reset = max(1, math.ceil(stats.reset_time - time.time()))
        headers = {
            "RateLimit-Limit": str(item.amount),
            "RateLimit-Remaining": str(stats.remaining),
            "RateLimit-Reset": str(reset),
            "RateLimit-Policy": f"{item.amount};w=60",
        }
        if not allowed:
            raise RateLimited(
                f"The key {key_name!r} may send {item.amount} requests a minute; "
                f"retry in {reset} s.",
                retry_after=reset,
                limit_headers=headers,
            )
        return headers

    def check_budget(self, key_name: str, per_day: int | None = None) -> None:
        """BudgetExhausted (429) when `key_name` has no model tokens left today."""
        item = self._per_day(per_day)
        if item is None or self._tokens.test(item, key_name):
            return
        stats = self._tokens.get_window_stats(item, key_name)
        reset = max(1, math.ceil(stats.reset_time - time.time()))
        raise BudgetExhausted(
            f"The key {key_name!r} has used its {item.amount:,} model tokens for the day; "
            f"the budget renews in {reset} s.",
            retry_after=reset,
            limit_headers={},  # the request's RateLimit-* headers are already set
        )

    def has_budget(self, per_day: int | None = None) -> bool:
        """Whether a key with this own budget (None: the service's) has tokens counted."""
        return self._per_day(per_day) is not None

    def spend_tokens(self, key_name: str, tokens: int, per_day: int | None = None) -> None:
        item = self._per_day(per_day)
        if item is not None and tokens > 0:
            self._tokens.hit(item, key_name, cost=tokens)

    def reset(self) -> None:
        self.storage.reset()


def admit(scope: str) -> Callable[..., Awaitable[Caller]]:
    """The dependency of a route that costs capacity: authenticate for `scope`, count one
    request against the key's rate limit, refuse when its token budget is spent."""

    def admitted(request: Request) -> Caller:
        caller = caller_for(request, scope)
        limiter: KeyLimiter = request.app.state.limiter
        headers = limiter.check_and_consume(caller.name, 1, caller.rate_limit_per_minute)
        setattr(request.state, HEADERS_STATE, headers)
        limiter.check_budget(caller.name, caller.token_budget_per_day)
        return caller

    async def dependency(request: Request, _: BearerDoc) -> Caller:
        # Key lookups (SQLite, Redis) and Redis counters block: in the thread pool. Without
        # keys and with counters in memory nothing does, and the hop cost more than the
        # work (issue 18).
        settings: Settings = request.app.state.settings
        if settings.auth_enabled or settings.redis_url:
            return await run_in_threadpool(admitted, request)
        return admitted(request)

    return dependency


AnalyzeCaller = Annotated[Caller, Depends(admit("analyze"))]

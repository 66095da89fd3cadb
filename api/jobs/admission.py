"""Where a job meets the per-key rules of the API (api/auth.py, api/ratelimit.py).

The key's `jobs` scope is checked by the job routes' dependency (api/routes/jobs.py) before
a body is read. Then, before anything is queued, a job of N items counts as N requests
against the key's rate limit (429 `rate_limited` with RateLimit-* headers), and a key whose
token budget is spent may not queue more (429 `budget_exhausted`). With keys off every
caller may queue.
"""

from __future__ import annotations

from starlette.requests import Request

from api.auth import Caller
from api.ratelimit import HEADERS_STATE, KeyLimiter


def charge_job(request: Request, caller: Caller, items: int) -> None:
    """Count the job's items against the key's rate limit and refuse a spent budget.
    Blocking (limiter): call it in a thread."""
    limiter: KeyLimiter = request.app.state.limiter
    headers = limiter.check_and_consume(caller.name, items, caller.rate_limit_per_minute)
    setattr(request.state, HEADERS_STATE, headers)
    limiter.check_budget(caller.name, caller.token_budget_per_day)

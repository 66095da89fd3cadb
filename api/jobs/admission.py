"""Where a job meets the per-key rules of the API (issue 15 builds them).

HOOK: once API keys exist, `check_job_allowed` is where a job is checked against its key
before anything is queued: the key's scope (may it submit jobs, use these models?), its
rate limit (a job of N items counts as N analyses) and its budget (estimated cost of the
items). It raises the same problems /v1/analyze raises for that key (401/403/429). Today
every caller may queue a job.
"""

from __future__ import annotations

from starlette.requests import Request

from schemas.jobs import JobItem


def check_job_allowed(request: Request, items: list[tuple[JobItem, str]]) -> None:
    """Raise a StancewireError when the caller's key may not queue these items."""
    del request, items  # no keys yet: everything is allowed

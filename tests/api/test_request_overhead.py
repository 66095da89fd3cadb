"""Per-request work that is not needed is not done (issue 18): the app's shared objects are
handed to a route without a thread hop each, admission goes to the thread pool only when it
could block, and tokens are not counted (in a thread) for a key without a budget."""

from __future__ import annotations

import asyncio
import inspect
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.routing import APIRoute

from api import ratelimit
from api.auth import ANONYMOUS
from api.config import Settings
from api.ratelimit import KeyLimiter
from api.routes import analyze as analyze_route
from api.routes import deps
from schemas.analysis import Usage


def test_the_shared_objects_are_read_without_a_dependency() -> None:
    """/v1/analyze resolves one dependency, the caller (key and rate limit); the settings,
    analyzer, store and limiter are read from the app's state (each dependency cost ~20 us
    a request, issue 18)."""
    route = next(
        r
        for r in analyze_route.router.routes
        if isinstance(r, APIRoute) and r.path.endswith("/analyze")
    )
    from_deps = [d.call for d in route.dependant.dependencies if d.call in vars(deps).values()]
    assert from_deps == [] and len(route.dependant.dependencies) == 1


def test_the_other_routes_get_the_shared_objects_without_the_thread_pool() -> None:
    for call in (deps.get_settings_dep, deps.get_analyzer, deps.get_store, deps.get_limiter):
        assert inspect.iscoroutinefunction(call)


@pytest.mark.parametrize(("budget", "hops"), [(0, 0), (1_000_000, 1)])
def test_tokens_are_counted_only_under_a_budget(
    monkeypatch: pytest.MonkeyPatch, budget: int, hops: int
) -> None:
    limiter = KeyLimiter(Settings(_env_file=None, token_budget_per_day=budget))
    threads: list[Any] = []

    async def to_thread(fn: Any, *args: Any) -> Any:
        threads.append(fn)
        return fn(*args)

    monkeypatch.setattr(analyze_route.asyncio, "to_thread", to_thread)
    # What accounting reads of an analysis and a request.
    usage = Usage(prompt_tokens=900, completion_tokens=100, total_tokens=1000)
    meta = SimpleNamespace(
        engine="llm", model="openai/gpt-4o-mini", cache_hit=False, usage=usage, cost_usd=None,
        attempts=1,
    )  # fmt: skip
    request = SimpleNamespace(state=SimpleNamespace())

    account = analyze_route.account_analysis(
        request,  # type: ignore[arg-type]
        limiter,
        ANONYMOUS,
        SimpleNamespace(meta=meta),  # type: ignore[arg-type]
    )
    asyncio.run(account)
    assert len(threads) == hops


@pytest.mark.parametrize(
    ("settings", "hops"),
    [({}, 0), ({"rate_limit_per_minute": 5}, 0), ({"redis_url": "redis://127.0.0.1:9/0"}, 1)],
)
def test_admission_blocks_the_loop_only_where_it_could(
    monkeypatch: pytest.MonkeyPatch, settings: dict[str, Any], hops: int
) -> None:
    """Keys off and counters in memory: admitted in place; Redis (or keys): in the pool."""
    configured = Settings(_env_file=None, **settings)
    limiter = KeyLimiter(Settings(_env_file=None, rate_limit_per_minute=5))  # memory counters
    threads: list[Any] = []

    async def in_pool(fn: Any, *args: Any) -> Any:
        threads.append(fn)
        return fn(*args)

    monkeypatch.setattr(ratelimit, "run_in_threadpool", in_pool)
    state = SimpleNamespace(settings=configured, limiter=limiter)
    request = SimpleNamespace(app=SimpleNamespace(state=state), state=SimpleNamespace())

    caller = asyncio.run(ratelimit.admit("analyze")(request, None))
    assert caller is ANONYMOUS
    assert len(threads) == hops
    assert request.state.ratelimit_headers["RateLimit-Limit"] == "5"

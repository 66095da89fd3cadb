"""Per-key rate limits and token budgets: 429 with Retry-After and RateLimit-* headers, in
memory and shared by two app instances through a real Redis; the plain function workers call."""

from __future__ import annotations

from typing import Any

from tests.fakes import denied_caller_claim
from tests.production.conftest import AppFactory, bearer, store_of


def _analyze(client: Any, text: str, headers: dict[str, str] | None = None) -> Any:
    return client.post("/v1/analyze", json={"text": text}, headers=headers or {})


def test_over_the_rate_limit_is_429_with_retry_after(make_app: AppFactory, seed_text: str) -> None:
    client = make_app(rate_limit_per_minute=2)
    first, second, third = (_analyze(client, seed_text) for _ in range(3))
    assert first.status_code == second.status_code == 200
    assert first.headers["ratelimit-limit"] == "2"
    remaining = [r.headers["ratelimit-remaining"] for r in (first, second)]
    assert remaining == ["1", "0"]
    assert third.status_code == 429
    assert third.json()["code"] == "rate_limited"
    assert 1 <= int(third.headers["retry-after"]) <= 60
    assert third.headers["ratelimit-remaining"] == "0"
    assert client.get("/healthz").status_code == 200  # health checks are never limited


def test_each_key_has_its_own_limit(make_app: AppFactory, seed_text: str) -> None:
    client = make_app(auth=True, rate_limit_per_minute=5)
    store = store_of(client)
    strict, default = bearer(store, "trial", rate_limit_per_minute=1), bearer(store, "cms")
    assert _analyze(client, seed_text, strict).status_code == 200
    assert _analyze(client, seed_text, strict).status_code == 429
    assert _analyze(client, seed_text, default).status_code == 200
    assert _analyze(client, seed_text, default).headers["ratelimit-limit"] == "5"


def test_a_spent_token_budget_is_429_until_it_renews(make_app: AppFactory, seed_text: str) -> None:
    # The scripted model reports 150 tokens an analysis; the cache is off so each one counts.
    client = make_app(cache_size=0, token_budget_per_day=200)
    assert _analyze(client, seed_text).status_code == 200  # 150 of 200
    assert _analyze(client, seed_text).status_code == 200  # 300: the last one may overshoot
    spent = _analyze(client, seed_text)
    assert spent.status_code == 429 and spent.json()["code"] == "budget_exhausted"
    assert int(spent.headers["retry-after"]) > 3600


def test_cache_hits_cost_no_tokens(make_app: AppFactory, seed_text: str) -> None:
    client = make_app(token_budget_per_day=200)
    assert all(_analyze(client, seed_text).status_code == 200 for _ in range(4))


def test_two_instances_share_limits_through_redis(
    make_app: AppFactory, seed_text: str, redis_url: str
) -> None:
    one = make_app(redis_url=redis_url, rate_limit_per_minute=3)
    two = make_app(redis_url=redis_url, rate_limit_per_minute=3)
    statuses = [_analyze(app, seed_text).status_code for app in (one, two, one, two)]
    assert statuses == [200, 200, 200, 429]


def test_two_instances_share_budgets_through_redis(
    make_app: AppFactory, seed_text: str, redis_url: str
) -> None:
    one = make_app(redis_url=redis_url, cache_size=0, token_budget_per_day=100)
    two = make_app(redis_url=redis_url, cache_size=0, token_budget_per_day=100)
    assert _analyze(one, seed_text).status_code == 200
    assert _analyze(two, seed_text).json()["code"] == "budget_exhausted"


def test_each_batch_item_counts_against_the_rate_limit(
    make_app: AppFactory, seed_text: str
) -> None:
    client = make_app(rate_limit_per_minute=3)
    items = {"items": [{"text": seed_text}, {"text": seed_text}]}
    first = client.post("/v1/analyze/batch", json=items)
    assert first.status_code == 200 and first.headers["ratelimit-remaining"] == "1"
    second = client.post("/v1/analyze/batch", json=items)
    assert second.status_code == 429 and second.json()["code"] == "rate_limited"


def test_a_streamed_analysis_spends_the_budget_like_a_plain_one(
    make_app: AppFactory, seed_text: str
) -> None:
    """Regression: an analysis streamed as server-sent events was never charged to the key's
    token budget (nor counted in metrics): a spent budget could be bypassed with a stream."""
    client = make_app(cache_size=0, token_budget_per_day=200)
    events = {"Accept": "text/event-stream"}
    for _ in range(2):  # 150 tokens each: 300 of 200 after the second
        streamed = client.post("/v1/analyze", json={"text": seed_text}, headers=events)
        assert streamed.status_code == 200 and "event: done" in streamed.text
    spent = _analyze(client, seed_text)
    assert spent.status_code == 429 and spent.json()["code"] == "budget_exhausted"


def test_a_comparison_spends_the_budget_for_each_article(
    make_app: AppFactory, seed_text: str, seed_contract: dict[str, Any]
) -> None:
    """Regression: POST /v1/compare analysed 2-4 articles on the key's model without charging
    their tokens to its budget, so a spent budget could be bypassed through compare."""
    seed_contract["caller_claims"] = [denied_caller_claim()]
    client = make_app(cache_size=0, token_budget_per_day=200)
    articles = [{"text": seed_text, "label": "A"}, {"text": seed_text, "label": "B"}]
    compared = client.post(
        "/v1/compare", json={"articles": articles, "claims": ["Russia denied the reports"]}
    )
    assert compared.status_code == 200, compared.text  # 2 analyses of 150 tokens: 300 of 200
    spent = client.post(
        "/v1/analyze", json={"text": seed_text, "claims": ["Russia denied the reports"]}
    )
    assert spent.status_code == 429 and spent.json()["code"] == "budget_exhausted"

"""Jobs obey the API's keys and limits: the `jobs` scope, and N items count as N requests."""

from __future__ import annotations

from typing import Any

from tests.production.conftest import AppFactory, bearer, make_app, store_of

__all__ = ["make_app"]  # the production tests' app fixture, used here too

ITEMS = {"items": [{"text": "A meteor shower lit up the sky on Sunday."}] * 3}


def test_job_routes_need_a_key_with_the_jobs_scope(make_app: AppFactory, redis_url: str) -> None:
    api = make_app(auth=True, redis_url=redis_url)
    analyze_only = bearer(store_of(api), "cms", "analyze")
    assert api.post("/v1/jobs", json=ITEMS).status_code == 401
    refused = api.post("/v1/jobs", json=ITEMS, headers=analyze_only)
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert api.get("/v1/jobs/job_nope", headers=analyze_only).status_code == 403
    allowed = api.post("/v1/jobs", json=ITEMS, headers=bearer(store_of(api), "wire", "jobs"))
    assert allowed.status_code == 202


def test_a_job_counts_each_item_against_the_rate_limit(
    make_app: AppFactory, redis_url: str
) -> None:
    api = make_app(auth=True, redis_url=redis_url)
    headers: dict[str, Any] = bearer(store_of(api), "wire", "jobs", rate_limit_per_minute=4)
    first = api.post("/v1/jobs", json=ITEMS, headers=headers)  # 3 of 4
    assert first.status_code == 202 and first.headers["RateLimit-Remaining"] == "1"
    second = api.post("/v1/jobs", json=ITEMS, headers=headers)  # 6 > 4
    assert (second.status_code, second.json()["code"]) == (429, "rate_limited")
    assert "retry-after" in second.headers

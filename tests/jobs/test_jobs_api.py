"""POST/GET/DELETE /v1/jobs end to end: the API queues, an arq worker on the test Redis
runs the items through the real built-in engine, the API serves state and results."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.compose import make_analyzer
from api.config import Settings
from tests.jobs.conftest import drain, job_settings, short_articles


@pytest.fixture
def settings(redis_url: str) -> Settings:
    return job_settings(redis_url)


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, make_analyzer(settings))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http
    store = getattr(app.state, "job_store", None)
    if store is not None:
        await store.redis.aclose()


def _problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    return body


async def test_job_runs_every_item_once_and_serves_results(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    texts = short_articles(6)
    items = [{"text": t, "id": f"a{i}"} for i, t in enumerate(texts)]
    items.append({"text": "Photo: Reuters", "id": "credits-only"})  # a per-item problem
    created = await client.post("/v1/jobs", json={"items": items})
    assert created.status_code == 202, created.text
    job = created.json()
    assert created.headers["location"] == f"/v1/jobs/{job['id']}"
    queued = (await client.get(job["status_url"])).json()
    assert (queued["state"], queued["total"], queued["pending"]) == ("queued", 7, 7)

    await drain(settings)

    status = (await client.get(job["status_url"])).json()
    assert (status["state"], status["done"], status["failed"], status["pending"]) == (
        "completed",
        6,
        1,
        0,
    )
    assert status["items_per_s"] > 0 and status["eta_s"] is None
    page = (await client.get(job["results_url"], params={"limit": 4})).json()
    assert [item["index"] for item in page["items"]] == [0, 1, 2, 3]
    assert page["next_offset"] == 4
    last = (await client.get(job["results_url"], params={"offset": 4, "limit": 4})).json()
    assert last["next_offset"] is None
    problem = last["items"][-1]
    assert problem["id"] == "credits-only" and problem["ok"] is False
    assert problem["problem"]["code"] == "nothing_to_analyse"
    first = page["items"][0]
    assert first["id"] == "a0" and first["ok"] is True
    for claim in first["analysis"]["claims"]:
        for span in claim["evidence"]:
            assert texts[0][span["start"] : span["end"]] == span["quote"]

    streamed = await client.get(job["results_url"], headers={"Accept": "application/x-ndjson"})
    assert streamed.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in streamed.text.splitlines()]
    assert [line["index"] for line in lines] == list(range(7))


async def test_job_progress_streams_as_events(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    items = [{"text": text} for text in short_articles(2)]
    job = (await client.post("/v1/jobs", json={"items": items})).json()
    watching = asyncio.create_task(
        client.get(job["status_url"], headers={"Accept": "text/event-stream"})
    )
    await asyncio.sleep(0.3)  # the stream has seen the job queued
    await drain(settings)
    response = await watching
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [line for line in response.text.splitlines() if line.startswith("event:")]
    assert events[0] == "event: progress" and events[-1] == "event: done"
    assert '"state":"queued"' in response.text and '"state":"completed"' in response.text
    missing = await client.get("/v1/jobs/job_nope", headers={"Accept": "text/event-stream"})
    _problem(missing, 404, "job_not_found")


async def test_jsonl_upload_with_default_ids(client: httpx.AsyncClient, settings: Settings) -> None:
    body = "\n".join(json.dumps({"text": t}) for t in short_articles(2)) + "\n\n"
    created = await client.post(
        "/v1/jobs", content=body, headers={"Content-Type": "application/x-ndjson"}
    )
    assert created.status_code == 202, created.text
    await drain(settings)
    lines = (
        await client.get(created.json()["results_url"], headers={"Accept": "application/x-ndjson"})
    ).text.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["0", "1"]


async def test_cancel_stops_items_not_yet_run(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    items = [{"text": t} for t in short_articles(3)]
    job = (await client.post("/v1/jobs", json={"items": items})).json()
    cancelled = await client.delete(job["status_url"])
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    await drain(settings)
    status = (await client.get(job["status_url"])).json()
    assert (status["state"], status["done"], status["pending"]) == ("cancelled", 0, 3)
    assert (await client.get(job["results_url"])).json()["items"] == []


async def test_bad_jobs_are_refused_before_anything_is_queued(client: httpx.AsyncClient) -> None:
    _problem(await client.get("/v1/jobs/job_nope"), 404, "job_not_found")
    _problem(await client.delete("/v1/jobs/job_nope"), 404, "job_not_found")
    _problem(
        await client.post("/v1/jobs", content=b"x", headers={"Content-Type": "text/plain"}),
        415,
        "unsupported_media_type",
    )
    _problem(await client.post("/v1/jobs", json={"items": []}), 422, "validation_error")
    unknown = _problem(
        await client.post(
            "/v1/jobs", json={"items": [{"text": "A said B."}, {"text": "C.", "model": "x/y"}]}
        ),
        422,
        "validation_error",
    )
    assert unknown["errors"][0]["loc"] == ["items", 1, "model"]
    twice = [{"text": "A said B.", "id": "same"}, {"text": "C said D.", "id": "same"}]
    duplicate = _problem(
        await client.post("/v1/jobs", json={"items": twice}), 422, "validation_error"
    )
    assert duplicate["errors"][0]["type"] == "duplicate_id"
    bad_line = _problem(
        await client.post(
            "/v1/jobs",
            content=b'{"text": "A said B."}\n{oops\n',
            headers={"Content-Type": "application/x-ndjson"},
        ),
        400,
        "invalid_json",
    )
    assert "Line 2" in bad_line["detail"]


async def test_job_body_may_exceed_the_analyze_limit(redis_url: str) -> None:
    settings = job_settings(redis_url, max_body_bytes=20_000)
    app = create_app(settings, make_analyzer(settings))
    transport = httpx.ASGITransport(app=app)
    big = {"items": [{"text": t} for t in short_articles(3)] * 30}
    assert len(json.dumps(big)) > settings.max_body_bytes
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        assert (await http.post("/v1/jobs", json=big)).status_code == 202
        too_big = await http.post("/v1/analyze", json={"text": "x" * 30_000})
        _problem(too_big, 413, "payload_too_large")
    await app.state.job_store.redis.aclose()


async def test_without_redis_jobs_answer_503() -> None:
    settings = Settings(_env_file=None, redis_url=None)
    transport = httpx.ASGITransport(app=create_app(settings, make_analyzer(settings)))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        _problem(
            await http.post("/v1/jobs", json={"items": [{"text": "A."}]}), 503, "jobs_unavailable"
        )


async def test_redis_down_is_a_503_problem_not_a_500() -> None:
    from redis.asyncio import Redis

    from api.jobs.store import JobStore
    from tests.live_server import free_port

    settings = job_settings(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    transport = httpx.ASGITransport(app=create_app(settings, make_analyzer(settings)))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        down = _problem(await http.get("/v1/jobs/job_x"), 503, "jobs_unavailable")
        assert down["retry_after"] == 5

    # Redis gone after the API connected: the failing call is a 503 too.
    app = create_app(settings, make_analyzer(settings))
    app.state.job_store = JobStore(Redis.from_url(str(settings.redis_url)), 60)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        _problem(await http.get("/v1/jobs/job_x"), 503, "jobs_unavailable")
    await app.state.job_store.redis.aclose()

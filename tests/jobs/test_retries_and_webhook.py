"""Per-item retries (transient errors only) and the signed completion webhook, through a
real arq worker on the test Redis. Model items use a scripted LLM client (tests/fakes)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import respx

from api.compose import make_analyzer
from api.errors import UpstreamUnavailable
from api.jobs.queue import ITEM_TASK, connect, submit
from api.jobs.store import JobStore
from api.jobs.webhook import deliver, sign
from api.jobs.worker import build_worker, run_item
from schemas.jobs import JobItem
from tests.conftest import SCRIPTED_MODEL
from tests.fakes import ScriptedClient
from tests.jobs.conftest import drain, job_settings

HOOK = "http://hooks.test/stancewire"


async def _one_job(
    redis_url: str, seed_text: str, count: int = 1, **settings_fields: Any
) -> tuple[JobStore, str, Any]:
    settings = job_settings(
        redis_url, default_model=SCRIPTED_MODEL, models=[SCRIPTED_MODEL], **settings_fields
    )
    redis = await connect(settings)
    items = [(JobItem(text=seed_text), SCRIPTED_MODEL) for _ in range(count)]
    job_id, store = await submit(redis, settings, items, settings_fields.get("hook"))
    return store, job_id, settings


async def test_transient_error_is_retried_and_recorded_once(
    redis_url: str, seed_text: str, seed_contract: dict[str, Any]
) -> None:
    store, job_id, settings = await _one_job(redis_url, seed_text)
    client = ScriptedClient(UpstreamUnavailable("provider down", retry_after=1), seed_contract)
    await drain(settings, "llm", make_analyzer(settings, client=client))
    status = await store.status(job_id)
    assert (status.state, status.done, status.failed) == ("completed", 1, 0)
    assert len(client.requests) == 2  # the failed try, then the good one
    [line] = [json.loads(raw) for raw in await store.lines(job_id, 0, 1)]
    assert line["ok"] is True and line["analysis"]["meta"]["model"] == SCRIPTED_MODEL
    await store.redis.aclose()


async def test_transient_error_on_the_last_try_becomes_the_items_problem(
    redis_url: str, seed_text: str
) -> None:
    store, job_id, settings = await _one_job(redis_url, seed_text, job_max_tries=1)
    client = ScriptedClient(UpstreamUnavailable("provider down", retry_after=1))
    await drain(settings, "llm", make_analyzer(settings, client=client))
    [line] = [json.loads(raw) for raw in await store.lines(job_id, 0, 1)]
    assert line["problem"]["code"] == "upstream_unavailable"
    assert len(client.requests) == 1
    await store.redis.aclose()


async def test_other_errors_are_not_retried(redis_url: str, seed_text: str) -> None:
    store, job_id, settings = await _one_job(redis_url, seed_text, repair_attempts=0)
    client = ScriptedClient("this is not JSON")
    await drain(settings, "llm", make_analyzer(settings, client=client))
    [line] = [json.loads(raw) for raw in await store.lines(job_id, 0, 1)]
    assert line["problem"]["code"] == "model_output_invalid"
    assert len(client.requests) == 1  # no job-level retry of a bad answer
    assert (await store.status(job_id)).failed == 1
    await store.redis.aclose()


@respx.mock
async def test_completed_job_posts_a_signed_webhook_once(
    respx_mock: respx.MockRouter, redis_url: str, seed_text: str, seed_contract: dict[str, Any]
) -> None:
    hook = respx_mock.post(HOOK).mock(
        side_effect=[httpx.Response(503), httpx.Response(200)]  # retried after the 503
    )
    store, job_id, settings = await _one_job(
        redis_url, seed_text, count=3, hook=HOOK, webhook_secret="s3cret"
    )
    await drain(settings, "llm", make_analyzer(settings, client=ScriptedClient(seed_contract)))
    assert hook.call_count == 2
    sent = hook.calls.last.request
    body = json.loads(sent.content)
    assert (body["id"], body["state"], body["done"]) == (job_id, "completed", 3)
    timestamp = sent.headers["X-Stancewire-Timestamp"]
    assert sent.headers["X-Stancewire-Signature"] == sign("s3cret", timestamp, sent.content)
    await store.redis.aclose()


@respx.mock
async def test_webhook_gives_up_on_a_client_error_and_after_its_tries() -> None:
    refused = respx.post(HOOK).mock(return_value=httpx.Response(410))
    assert await deliver(HOOK, b"{}", "k", attempts=5, within_s=5) is False
    assert refused.call_count == 1  # a 4xx will not change on a retry
    down = respx.post(HOOK + "/down").mock(return_value=httpx.Response(500))
    assert await deliver(HOOK + "/down", b"{}", None, attempts=2, within_s=5) is False
    assert down.call_count == 2
    assert "X-Stancewire-Signature" not in down.calls.last.request.headers  # no secret set


def test_signature_is_hmac_sha256_over_timestamp_and_body() -> None:
    import hashlib
    import hmac

    expected = hmac.new(b"k", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert sign("k", "1700000000", b"{}") == "sha256=" + expected


async def test_an_item_whose_every_try_died_with_its_worker_is_a_problem_not_lost(
    redis_url: str, seed_text: str
) -> None:
    """Regression: arq dropped an item whose last try was cut short by a dead worker, and
    its job stayed `running` for ever. The extra try records a worker_lost problem."""
    store, job_id, settings = await _one_job(redis_url, seed_text, job_max_tries=2)
    client = ScriptedClient(RuntimeError("must not be called"))
    ctx = {
        "store": store,
        "settings": settings,
        "analyzer": make_analyzer(settings, client=client),
        "job_try": settings.job_max_tries + 1,  # tries 1 and 2 started, never finished
        "engine": "llm",
        "redis": store.redis,
    }
    assert await run_item(ctx, job_id, 0, "0", {"text": seed_text}) == "worker_lost"
    status = await store.status(job_id)
    assert (status.state, status.done, status.failed) == ("completed", 0, 1)
    [line] = [json.loads(raw) for raw in await store.lines(job_id, 0, 1)]
    assert line["problem"]["code"] == "worker_lost" and client.requests == []
    worker = build_worker(settings, "llm", burst=True, handle_signals=False)
    assert worker.functions[ITEM_TASK].max_tries == 3
    await store.redis.aclose()

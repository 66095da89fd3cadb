"""Submitting a job: its record, then one arq job per item on its engine's queue."""

from __future__ import annotations

import asyncio
from typing import Literal

from arq.connections import ArqRedis, RedisSettings, create_pool

from api.config import Settings
from api.errors import JobsUnavailable
from api.jobs.store import JobStore, new_job_id
from api.model_ref import engine_kind
from schemas.jobs import JobItem

Engine = Literal["builtin", "llm"]
ITEM_TASK = "analyze_item"
WEBHOOK_TASK = "send_webhook"
_ENQUEUE_AT_ONCE = 64  # enqueue round trips in flight while a job is submitted


def queue_name(engine: Engine) -> str:
    """Built-in items and model items wait apart: their workers are tuned differently."""
    return f"stancewire:queue:{engine}"


def redis_settings(settings: Settings) -> RedisSettings:
    if not settings.redis_url:
        raise JobsUnavailable(
            "Jobs need Redis: set STANCEWIRE_REDIS_URL (and run `stancewire worker`).",
            retry_after=None,
        )
    return RedisSettings.from_dsn(settings.redis_url)


async def connect(settings: Settings) -> ArqRedis:
    return await create_pool(redis_settings(settings), retry=2)


async def submit(
    redis: ArqRedis,
    settings: Settings,
    items: list[tuple[JobItem, str]],
    webhook_url: str | None = None,
) -> tuple[str, JobStore]:
    """Queue `items` (each with its resolved model); the new job's id."""
    job_id = new_job_id()
    store = JobStore(redis, settings.job_ttl_s)
    fields = {"webhook_url": webhook_url} if webhook_url else {}
    await store.create(job_id, len(items), fields)
    ids = item_ids([item for item, _ in items])
    pending = [
        _enqueue(redis, job_id, index, ids[index], item, model)
        for index, (item, model) in enumerate(items)
    ]
    for start in range(0, len(pending), _ENQUEUE_AT_ONCE):
        await asyncio.gather(*pending[start : start + _ENQUEUE_AT_ONCE])
    return job_id, store


def item_ids(items: list[JobItem]) -> list[str]:
    """Each item's id: the caller's, or its 0-based index."""
    return [item.id or str(index) for index, item in enumerate(items)]


async def _enqueue(
    redis: ArqRedis, job_id: str, index: int, item_id: str, item: JobItem, model: str
) -> None:
    fields = item.model_dump(mode="json", exclude={"id"}, exclude_unset=True) | {"model": model}
    await redis.enqueue_job(
        ITEM_TASK,
        job_id,
        index,
        item_id,
        fields,
        _job_id=f"{job_id}:{index}",  # arq refuses a second job with this id: queued once
        _queue_name=queue_name(engine_kind(model)),
    )

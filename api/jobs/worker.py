"""`stancewire worker`: an arq worker on one engine's queue, running items through the
Analyzer the API uses.

Concurrency follows the engine: built-in items are CPU work, so the worker runs them in its
process pool (one process per core, `STANCEWIRE_ENGINE_PROCESSES`) and takes two items per
process from the queue (one running, one ready); model items are I/O, so it keeps
`STANCEWIRE_JOB_LLM_CONCURRENCY` of them in flight. Any number of workers, on any machine,
may share the Redis URL.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

from arq import Retry
from arq.worker import Worker, func

from api.compose import make_analyzer
from api.config import Settings
from api.errors import WorkerLost
from api.jobs.items import TransientItemError, analyze_item, problem_line
from api.jobs.queue import ITEM_TASK, WEBHOOK_TASK, Engine, queue_name, redis_settings
from api.jobs.store import JobStore
from api.jobs.webhook import deliver
from api.pipeline.analyze import Analyzer
from api.pipeline.cpu import cpu_runner_for

log = logging.getLogger(__name__)
# Imported once by the engine pool's fork server, so its processes fork warm.
ENGINE_PRELOAD = ("api.builtin.worker",)
# arq's own timeout sits above the item's deadline, so the item ends in its own problem
# (deadline_exceeded) rather than an arq timeout that would record nothing.
_ARQ_TIMEOUT_MARGIN_S = 2.0


def default_max_jobs(settings: Settings, engine: Engine) -> int:
    if engine == "llm":
        return settings.job_llm_concurrency
    processes = settings.engine_processes
    workers = (os.cpu_count() or 1) if processes is None else max(processes, 1)
    return 2 * workers


def build_worker(
    settings: Settings,
    engine: Engine,
    max_jobs: int | None = None,
    burst: bool = False,
    analyzer: Analyzer | None = None,
    handle_signals: bool = True,
) -> Worker:
    """`analyzer`: one already built (tests, benchmarks); by default the worker builds its
    own, with a process pool for the built-in engine."""
    slots = max_jobs or default_max_jobs(settings, engine)
    arq_timeout = settings.job_item_timeout_s + _ARQ_TIMEOUT_MARGIN_S

    async def startup(ctx: dict[str, Any]) -> None:
        nonlocal analyzer
        if analyzer is None:
            cpu = None
            if engine == "builtin":  # the pool's queue never overflows: arq hands out `slots`
                cpu = cpu_runner_for(settings.engine_processes, slots, ENGINE_PRELOAD)
            analyzer = make_analyzer(settings, cpu=cpu)
        await asyncio.to_thread(analyzer.warm_up)
        ctx |= {"settings": settings, "analyzer": analyzer, "engine": engine}
        ctx["store"] = JobStore(ctx["redis"], settings.job_ttl_s)
        log.info("worker on %s: %d items at once", queue_name(engine), slots)

    async def shutdown(ctx: dict[str, Any]) -> None:
        if "analyzer" in ctx:
            ctx["analyzer"].close()

    return Worker(
        functions=[
            func(
                run_item,
                name=ITEM_TASK,
                timeout=arq_timeout,
                # One try more than the item's own: a try that finds every earlier one cut
                # short by a dead worker records the item's problem (arq would drop it).
                max_tries=settings.job_max_tries + 1,
            ),
            # Same timeout as items: arq's in-progress mark outlives the longest timeout of any
            # function, and it is what keeps a dead worker's items from others that long.
            func(send_webhook, name=WEBHOOK_TASK, max_tries=1, timeout=arq_timeout),
        ],
        redis_settings=redis_settings(settings),
        queue_name=queue_name(engine),
        max_jobs=slots,
        on_startup=startup,
        on_shutdown=shutdown,
        keep_result=60,  # our results live in the job store; arq's are only for arq
        poll_delay=0.2,
        burst=burst,
        handle_signals=handle_signals,
    )


async def run_item(
    ctx: dict[str, Any], job_id: str, index: int, item_id: str, fields: dict[str, Any]
) -> str:
    store: JobStore = ctx["store"]
    settings: Settings = ctx["settings"]
    state = await store.started(job_id)
    if state in (None, "cancelled", "completed"):
        return f"skipped ({state or 'expired'})"
    if ctx["job_try"] > settings.job_max_tries:  # every try died with its worker
        lost = WorkerLost(
            f"The item was started {settings.job_max_tries} times and its worker stopped each "
            "time (killed or out of memory); it was not analysed."
        )
        line = problem_line(index, item_id, lost, f"{job_id}-{index}")
        if await store.record(job_id, index, line) == 2:
            await _after_last_item(ctx, job_id)
        return lost.code
    try:
        line = await analyze_item(
            ctx["analyzer"],
            fields,
            index=index,
            item_id=item_id,
            request_id=f"{job_id}-{index}",
            timeout_s=settings.job_item_timeout_s,
            last_try=ctx["job_try"] >= settings.job_max_tries,
        )
    except TransientItemError as exc:
        # arq puts the item back on the queue; another worker may take it.
        defer = exc.retry_after or min(2 ** ctx["job_try"], 60)
        log.info("item %s-%d: %s; retry in %s s", job_id, index, exc, defer)
        raise Retry(defer=defer) from exc
    if await store.record(job_id, index, line) == 2:
        await _after_last_item(ctx, job_id)
    return "ok" if line["ok"] else line["problem"]["code"]


async def _after_last_item(ctx: dict[str, Any], job_id: str) -> None:
    status = await ctx["store"].status(job_id)
    log.info("job %s completed: %d done, %d failed", job_id, status.done, status.failed)
    if status.webhook_url:
        await ctx["redis"].enqueue_job(
            WEBHOOK_TASK,
            job_id,
            _job_id=f"{job_id}:webhook",  # one delivery per job, even if two items raced
            _queue_name=queue_name(ctx["engine"]),
        )


async def send_webhook(ctx: dict[str, Any], job_id: str) -> bool:
    settings: Settings = ctx["settings"]
    status = await ctx["store"].status(job_id)
    if not status.webhook_url:
        return False
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    body = status.model_dump_json().encode()
    return await deliver(
        status.webhook_url,
        body,
        secret,
        attempts=settings.webhook_attempts,
        within_s=settings.job_item_timeout_s,
    )

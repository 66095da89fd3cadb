"""A job's record in Redis: one hash of counters and times, one hash of result lines.

Counters change only inside Lua scripts, together with the write they count, so a result
recorded twice (an item re-run after its worker was killed) is stored and counted once.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from redis.asyncio import Redis

from api.errors import JobNotFound
from schemas.jobs import JobStatus

PREFIX = "stancewire:job:"

# KEYS: meta, results. ARGV: index, line, ok (1/0), now, ttl.
# Returns 0 (already recorded), 1 (recorded), 2 (recorded, and it was the job's last item).
_RECORD = """
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('EXPIRE', KEYS[2], ARGV[5])
redis.call('HINCRBY', KEYS[1], ARGV[3] == '1' and 'done' or 'failed', 1)
local m = redis.call('HMGET', KEYS[1], 'total', 'done', 'failed', 'state')
if tonumber(m[2] or 0) + tonumber(m[3] or 0) >= tonumber(m[1]) and m[4] ~= 'cancelled' then
  redis.call('HSET', KEYS[1], 'state', 'completed', 'finished_at', ARGV[4])
  return 2
end
return 1
"""
# KEYS: meta. ARGV: now. The first item to start moves a queued job to running.
_START = """
if redis.call('HGET', KEYS[1], 'state') == 'queued' then
  redis.call('HSET', KEYS[1], 'state', 'running', 'started_at', ARGV[1])
end
return redis.call('HGET', KEYS[1], 'state')
"""
# KEYS: meta. ARGV: now. Cancels an unfinished job; returns the state after.
_CANCEL = """
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'queued' or state == 'running' then
  redis.call('HSET', KEYS[1], 'state', 'cancelled', 'finished_at', ARGV[1])
  return 'cancelled'
end
return state
"""


def new_job_id() -> str:
    return "job_" + uuid.uuid4().hex


def meta_key(job_id: str) -> str:
    return PREFIX + job_id


def results_key(job_id: str) -> str:
    return PREFIX + job_id + ":results"


class JobStore:
    def __init__(self, redis: Redis, ttl_s: int) -> None:
        self.redis = redis
        self.ttl_s = ttl_s
        self._record = redis.register_script(_RECORD)
        self._start = redis.register_script(_START)
        self._cancel = redis.register_script(_CANCEL)

    async def create(self, job_id: str, total: int, fields: dict[str, str]) -> None:
        meta = {"state": "queued", "total": total, "done": 0, "failed": 0}
        meta |= {"created_at": time.time(), **fields}
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(meta_key(job_id), mapping=meta)
            pipe.expire(meta_key(job_id), self.ttl_s)
            await pipe.execute()

    async def started(self, job_id: str) -> str | None:
        """Mark the job running (first item); its state, None when it no longer exists."""
        state = await self._start(keys=[meta_key(job_id)], args=[time.time()])
        return _text(state)

    async def record(self, job_id: str, index: int, line: dict[str, Any]) -> int:
        """Store an item's result line once; 2 when it completed the job."""
        args: list[str | int | float] = [index, json.dumps(line), int(line["ok"]), time.time()]
        args.append(self.ttl_s)
        return int(await self._record(keys=[meta_key(job_id), results_key(job_id)], args=args))

    async def cancel(self, job_id: str) -> JobStatus:
        if await self._cancel(keys=[meta_key(job_id)], args=[time.time()]) is None:
            raise _not_found(job_id)
        return await self.status(job_id)

    async def status(self, job_id: str) -> JobStatus:
        raw: dict[bytes, bytes] = await self.redis.hgetall(meta_key(job_id))  # type: ignore[misc]
        if not raw:
            raise _not_found(job_id)
        return status_of(job_id, {k.decode(): v.decode() for k, v in raw.items()}, time.time())

    async def lines(self, job_id: str, start: int, stop: int) -> list[str]:
        """Recorded result lines for indexes [start, stop), in index order."""
        if stop <= start:
            return []
        fields = [str(i) for i in range(start, stop)]
        found: list[bytes | None] = await self.redis.hmget(results_key(job_id), fields)  # type: ignore[misc]
        return [v.decode() for v in found if v is not None]


def status_of(job_id: str, meta: dict[str, str | None], now: float) -> JobStatus:
    total, done, failed = (int(meta.get(k) or 0) for k in ("total", "done", "failed"))
    started, finished = _float(meta.get("started_at")), _float(meta.get("finished_at"))
    finished_items = done + failed
    rate = eta = None
    if started is not None and finished_items:
        rate = finished_items / max((finished or now) - started, 1e-6)
        if meta["state"] == "running":
            eta = round((total - finished_items) / rate, 1)
    return JobStatus(
        id=job_id,
        state=meta["state"],
        total=total,
        done=done,
        failed=failed,
        pending=total - finished_items,
        created_at=float(meta.get("created_at") or 0),
        started_at=started,
        finished_at=finished,
        items_per_s=None if rate is None else round(rate, 3),
        eta_s=eta,
        webhook_url=meta.get("webhook_url") or None,
    )


def _text(value: Any) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


def _float(value: str | None) -> float | None:
    return None if not value else float(value)


def _not_found(job_id: str) -> JobNotFound:
    return JobNotFound(f"No job {job_id!r} (unknown, or older than its retention period).")

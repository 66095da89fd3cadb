"""Redis storage for several replicas: every record is one key with its own expiry, so Redis
does the retention; the cache is bounded by TTL (and Redis's maxmemory policy), not by count."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

import redis

from api.storage.base import (
    CacheStats,
    FeedbackRecord,
    IdempotencyEntry,
    KeyRecord,
    StoredAnalysis,
    now,
)

PREFIX = "stancewire:"
_KEYS = PREFIX + "keys"  # hash: key_hash -> KeyRecord JSON
_CACHE = PREFIX + "cache:"
_COUNTERS = PREFIX + "counters"
_ANALYSIS = PREFIX + "analysis:"
_IDEMPOTENCY = PREFIX + "idem:"
_FEEDBACK = PREFIX + "feedback"  # lists of FeedbackRecord JSON, oldest first (+ ":<id>")


class RedisStore:
    kind = "redis"

    def __init__(self, url: str) -> None:
        # One pooled client per process; short timeouts so a dead Redis fails fast (readyz).
        # Typed Any: redis-py types every sync command as "Awaitable | value" (its sync and
        # asyncio clients share stubs), which no caller of the sync client can use.
        self._redis: Any = redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=2, socket_connect_timeout=2
        )

    def ping(self) -> None:
        self._redis.ping()

    def close(self) -> None:
        self._redis.close()

    # -- keys ---------------------------------------------------------------------------
    def add_key(self, record: KeyRecord) -> None:
        if any(k.name == record.name for k in self.list_keys()):
            raise ValueError(f"a key named {record.name!r} exists")
        self._redis.hset(_KEYS, record.key_hash, json.dumps(asdict(record)))

    def key_by_hash(self, key_hash: str) -> KeyRecord | None:
        raw = self._redis.hget(_KEYS, key_hash)
        return _key(raw) if raw else None

    def list_keys(self) -> list[KeyRecord]:
        records = [_key(raw) for raw in self._redis.hvals(_KEYS)]
        return sorted(records, key=lambda k: k.name)

    def revoke_key(self, name: str) -> bool:
        hashes = [k.key_hash for k in self.list_keys() if k.name == name]
        return bool(hashes) and self._redis.hdel(_KEYS, *hashes) > 0

    # -- cache --------------------------------------------------------------------------
    def cache_get(self, key: str) -> str | None:
        value: str | None = self._redis.get(_CACHE + key)
        self._redis.hincrby(_COUNTERS, "cache_hits" if value is not None else "cache_misses")
        return value

    def cache_put(self, key: str, value: str, ttl_s: int, max_entries: int) -> None:
        self._redis.set(_CACHE + key, value, ex=max(ttl_s, 1))

    def cache_stats(self) -> CacheStats:
        entries = sum(1 for _ in self._redis.scan_iter(_CACHE + "*", count=500))
        counters = self._redis.hgetall(_COUNTERS)
        return CacheStats(
            "redis",
            entries,
            int(counters.get("cache_hits", 0)),
            int(counters.get("cache_misses", 0)),
        )

    def cache_clear(self) -> int:
        keys = list(self._redis.scan_iter(_CACHE + "*", count=500))
        removed = int(self._redis.delete(*keys)) if keys else 0
        self._redis.hdel(_COUNTERS, "cache_hits", "cache_misses")
        return removed

    # -- stored analyses ----------------------------------------------------------------
    def put_analysis(self, record: StoredAnalysis) -> None:
        ttl = None if record.expires_at is None else max(int(record.expires_at - now()), 1)
        self._redis.set(_ANALYSIS + record.id, json.dumps(asdict(record)), ex=ttl)

    def put_analysis_nowait(self, record: StoredAnalysis) -> bool:
        return False  # a network round trip: never on the event loop

    def get_analysis(self, analysis_id: str) -> StoredAnalysis | None:
        raw = self._redis.get(_ANALYSIS + analysis_id)
        return StoredAnalysis(**json.loads(raw)) if raw else None

    def delete_analysis(self, analysis_id: str) -> bool:
        return int(self._redis.delete(_ANALYSIS + analysis_id)) > 0

    def purge_expired(self) -> int:
        return 0  # Redis expires each record by itself

    # -- idempotency --------------------------------------------------------------------
    def get_idempotent(self, owner: str, key: str) -> IdempotencyEntry | None:
        raw = self._redis.get(f"{_IDEMPOTENCY}{owner}:{key}")
        return IdempotencyEntry(**json.loads(raw)) if raw else None

    def claim_idempotent(
        self, owner: str, key: str, entry: IdempotencyEntry, ttl_s: int
    ) -> IdempotencyEntry | None:
        name = f"{_IDEMPOTENCY}{owner}:{key}"
        if self._redis.set(name, json.dumps(asdict(entry)), ex=ttl_s, nx=True):
            return None
        return self.get_idempotent(owner, key)

    def release_idempotent(self, owner: str, key: str) -> None:
        self._redis.delete(f"{_IDEMPOTENCY}{owner}:{key}")

    def put_idempotent(self, owner: str, key: str, entry: IdempotencyEntry, ttl_s: int) -> None:
        self._redis.set(f"{_IDEMPOTENCY}{owner}:{key}", json.dumps(asdict(entry)), ex=ttl_s)

    # -- feedback -----------------------------------------------------------------------
    def add_feedback(self, record: FeedbackRecord) -> None:
        raw = json.dumps(asdict(record))
        with self._redis.pipeline() as pipe:  # all of it, and per analysis (read by the API)
            pipe.rpush(_FEEDBACK, raw)
            pipe.rpush(f"{_FEEDBACK}:{record.analysis_id}", raw)
            pipe.execute()

    def list_feedback(self, analysis_id: str | None = None) -> list[FeedbackRecord]:
        key = _FEEDBACK if analysis_id is None else f"{_FEEDBACK}:{analysis_id}"
        return [FeedbackRecord(**json.loads(raw)) for raw in self._redis.lrange(key, 0, -1)]


def _key(raw: str) -> KeyRecord:
    fields: dict[str, Any] = json.loads(raw)
    fields["scopes"] = tuple(fields["scopes"])
    return KeyRecord(**fields)

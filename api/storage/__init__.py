"""Where the service keeps what must outlive a request: the analysis cache, stored analyses,
idempotency keys, API keys and editor feedback.

One machine: a SQLite file under `data_dir` (WAL, survives restarts, nothing to install).
Several replicas: Redis at `redis_url`, which the rate limits and the job queue share too.
Both implement `Store` (api/storage/base.py); the rest of the service sees only that.
"""

from __future__ import annotations

from api.config import Settings
from api.storage.base import (
    CacheStats,
    FeedbackRecord,
    IdempotencyEntry,
    KeyRecord,
    Store,
    StoredAnalysis,
)

__all__ = [
    "CacheStats",
    "FeedbackRecord",
    "IdempotencyEntry",
    "KeyRecord",
    "Store",
    "StoredAnalysis",
    "open_store",
]


def open_store(settings: Settings) -> Store:
    """Redis when `redis_url` is set, else SQLite under `data_dir`."""
    if settings.redis_url:
        from api.storage.redis_store import RedisStore

        return RedisStore(settings.redis_url)
    from api.storage.sqlite_store import SqliteStore

    return SqliteStore(settings.data_dir / "stancewire.db")

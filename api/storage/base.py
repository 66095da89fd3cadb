"""The storage interface and its records (plain dataclasses: both backends speak them)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol


def now() -> float:
    return time.time()


@dataclass(frozen=True)
class KeyRecord:
    """An API key as stored: its SHA-256 hash, never the key."""

    name: str
    key_hash: str
    scopes: tuple[str, ...]
    rate_limit_per_minute: int | None = None  # None: the service default
    token_budget_per_day: int | None = None
    created_at: float = field(default_factory=now)


@dataclass(frozen=True)
class StoredAnalysis:
    id: str
    owner: str  # the name of the key that created it
    schema_version: str
    analysis_json: str  # exactly as it was answered; an older schema version is kept as is
    request_json: str  # text, title, claims, actors: what feedback export needs for a case
    created_at: float = field(default_factory=now)
    expires_at: float | None = None


@dataclass(frozen=True)
class IdempotencyEntry:
    analysis_id: str  # PENDING while the first request is still being answered
    request_hash: str


PENDING = ""


@dataclass(frozen=True)
class FeedbackRecord:
    id: str
    analysis_id: str
    owner: str
    finding: str  # e.g. "claims/C1", "stances/2", "actors/A3"
    problem: str  # wrong_status, wrong_stance, not_an_actor, missing, other
    expected: str | None
    note: str | None
    created_at: float = field(default_factory=now)


@dataclass(frozen=True)
class CacheStats:
    backend: str
    entries: int
    hits: int
    misses: int

    @property
    def hit_ratio(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


class Store(Protocol):
    """Synchronous on purpose: every call is one short query; FastAPI runs sync dependencies
    in its thread pool and the analyzer calls the cache through a thread."""

    kind: str

    def ping(self) -> None:
        """Raise when the backend cannot answer."""

    def close(self) -> None: ...

    # API keys
    def add_key(self, record: KeyRecord) -> None: ...
    def key_by_hash(self, key_hash: str) -> KeyRecord | None: ...
    def list_keys(self) -> list[KeyRecord]: ...
    def revoke_key(self, name: str) -> bool: ...

    # the analysis cache
    def cache_get(self, key: str) -> str | None: ...
    def cache_put(self, key: str, value: str, ttl_s: int, max_entries: int) -> None: ...
    def cache_stats(self) -> CacheStats: ...
    def cache_clear(self) -> int: ...

    # stored analyses
    def put_analysis(self, record: StoredAnalysis) -> None: ...
    def put_analysis_nowait(self, record: StoredAnalysis) -> bool: ...  # False: put_analysis
    def get_analysis(self, analysis_id: str) -> StoredAnalysis | None: ...
    def delete_analysis(self, analysis_id: str) -> bool: ...
    def purge_expired(self) -> int: ...

    # Idempotency-Key -> the analysis it produced
    def get_idempotent(self, owner: str, key: str) -> IdempotencyEntry | None: ...
    def claim_idempotent(
        self, owner: str, key: str, entry: IdempotencyEntry, ttl_s: int
    ) -> IdempotencyEntry | None:
        """Store `entry` unless the key is taken (atomically); None when stored, else the
        entry that holds the key."""
        ...

    def release_idempotent(self, owner: str, key: str) -> None: ...
    def put_idempotent(self, owner: str, key: str, entry: IdempotencyEntry, ttl_s: int) -> None: ...

    # editor feedback
    def add_feedback(self, record: FeedbackRecord) -> None: ...
    def list_feedback(self, analysis_id: str | None = None) -> list[FeedbackRecord]: ...

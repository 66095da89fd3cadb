"""SQLite storage: one file, WAL (readers never wait for the writer), one connection per
thread, and a busy timeout so concurrent writers (threads or processes) queue instead of
failing with "database is locked"."""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import astuple, fields
from operator import attrgetter
from pathlib import Path

from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_random

from api.storage.base import (
    CacheStats,
    FeedbackRecord,
    IdempotencyEntry,
    KeyRecord,
    StoredAnalysis,
    now,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS keys (
    name TEXT PRIMARY KEY, key_hash TEXT UNIQUE NOT NULL, scopes TEXT NOT NULL,
    rate_limit_per_minute INTEGER, token_budget_per_day INTEGER, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS cache (
    key TEXT PRIMARY KEY, value TEXT NOT NULL, created_at REAL NOT NULL, expires_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS cache_created ON cache (created_at);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS analyses (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, schema_version TEXT NOT NULL,
    analysis_json TEXT NOT NULL, request_json TEXT NOT NULL, created_at REAL NOT NULL,
    expires_at REAL);
CREATE INDEX IF NOT EXISTS analyses_expiry ON analyses (expires_at);
CREATE TABLE IF NOT EXISTS idempotency (
    owner TEXT NOT NULL, key TEXT NOT NULL, analysis_id TEXT NOT NULL,
    request_hash TEXT NOT NULL, expires_at REAL NOT NULL, PRIMARY KEY (owner, key));
CREATE TABLE IF NOT EXISTS feedback (
    id TEXT PRIMARY KEY, analysis_id TEXT NOT NULL, owner TEXT NOT NULL, finding TEXT NOT NULL,
    problem TEXT NOT NULL, expected TEXT, note TEXT, created_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS feedback_analysis ON feedback (analysis_id);
"""
_BUSY_TIMEOUT_MS = 10_000
# Of the stored copies written without waiting (put_analysis_nowait), every Nth goes to a
# thread instead: its connection checkpoints the WAL and purges what expired.
_WAITING_WRITE_EVERY = 100


_PUT_ANALYSIS = "INSERT OR REPLACE INTO analyses VALUES (?, ?, ?, ?, ?, ?, ?)"
# A stored analysis as its row, in field order: astuple's deep copy of each field cost
# ~6 us of every answer's stored copy (issue 18).
_analysis_row = attrgetter(*(f.name for f in fields(StoredAnalysis)))


def _locked(exc: BaseException) -> bool:
    """Another connection holds the lock: SQLITE_BUSY ("database is locked") or
    SQLITE_LOCKED ("database table is locked"), with their extended codes."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    return exc.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _use_wal(db: sqlite3.Connection) -> None:
    """Switch the file to WAL once. Connections opening a new file at the same moment race
    for the switch, and SQLite answers the loser "database is locked" at once, without
    waiting out busy_timeout (seen in CI: 4 writers, 1 failed): so retry it briefly."""
    if db.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        return
    for attempt in Retrying(
        retry=retry_if_exception(_locked),
        stop=stop_after_delay(_BUSY_TIMEOUT_MS / 1000),
        wait=wait_random(0.005, 0.05),
        reraise=True,
    ):
        with attempt:
            db.execute("PRAGMA journal_mode = WAL")


class SqliteStore:
    kind = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._nowait_writes = 0
        self._db.executescript(_SCHEMA)

    @property
    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect(_BUSY_TIMEOUT_MS)
        return db

    @property
    def _nowait_db(self) -> sqlite3.Connection:
        """This thread's connection that never waits: no busy timeout, and no automatic
        WAL checkpoint (its fsync), so a write on the event loop cannot stall it."""
        db: sqlite3.Connection | None = getattr(self._local, "nowait_db", None)
        if db is None:
            db = self._local.nowait_db = self._connect(0)
            db.execute("PRAGMA wal_autocheckpoint = 0")
        return db

    def _connect(self, busy_timeout_ms: int) -> sqlite3.Connection:
        # Autocommit (isolation_level=None): each statement is its own transaction.
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        db.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        _use_wal(db)  # waits like any connection; only then its own timeout
        db.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
        db.execute("PRAGMA synchronous = NORMAL")  # durable at each WAL checkpoint
        with self._lock:
            self._connections.append(db)
        return db

    def ping(self) -> None:
        self._db.execute("SELECT 1").fetchone()

    def close(self) -> None:
        with self._lock:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self._local = threading.local()

    # -- keys ---------------------------------------------------------------------------
    def add_key(self, record: KeyRecord) -> None:
        row = astuple(record)
        self._db.execute(
            "INSERT INTO keys VALUES (?, ?, ?, ?, ?, ?)", (*row[:2], json.dumps(row[2]), *row[3:])
        )

    def key_by_hash(self, key_hash: str) -> KeyRecord | None:
        row = self._db.execute("SELECT * FROM keys WHERE key_hash = ?", (key_hash,)).fetchone()
        return _key(row) if row else None

    def list_keys(self) -> list[KeyRecord]:
        return [_key(r) for r in self._db.execute("SELECT * FROM keys ORDER BY name")]

    def revoke_key(self, name: str) -> bool:
        return self._db.execute("DELETE FROM keys WHERE name = ?", (name,)).rowcount > 0

    # -- cache --------------------------------------------------------------------------
    def cache_get(self, key: str) -> str | None:
        row = self._db.execute(
            "SELECT value FROM cache WHERE key = ? AND expires_at > ?", (key, now())
        ).fetchone()
        self._count("cache_hits" if row else "cache_misses")
        return str(row[0]) if row else None

    def cache_put(self, key: str, value: str, ttl_s: int, max_entries: int) -> None:
        stamp = now()
        db = self._db
        db.execute(
            "INSERT OR REPLACE INTO cache VALUES (?, ?, ?, ?)", (key, value, stamp, stamp + ttl_s)
        )
        db.execute("DELETE FROM cache WHERE expires_at <= ?", (stamp,))
        # Bounded like the memory cache: the oldest entries beyond max_entries go.
        db.execute(
            "DELETE FROM cache WHERE key IN (SELECT key FROM cache ORDER BY created_at DESC "
            "LIMIT -1 OFFSET ?)",
            (max_entries,),
        )

    def cache_stats(self) -> CacheStats:
        entries = self._db.execute("SELECT count(*) FROM cache WHERE expires_at > ?", (now(),))
        counters = dict(self._db.execute("SELECT name, value FROM counters").fetchall())
        return CacheStats(
            "sqlite",
            int(entries.fetchone()[0]),
            int(counters.get("cache_hits", 0)),
            int(counters.get("cache_misses", 0)),
        )

    def cache_clear(self) -> int:
        removed = self._db.execute("DELETE FROM cache").rowcount
        self._db.execute("DELETE FROM counters WHERE name LIKE 'cache_%'")
        return int(removed)

    def _count(self, name: str) -> None:
        self._db.execute(
            "INSERT INTO counters VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1",
            (name,),
        )

    # -- stored analyses ----------------------------------------------------------------
    def put_analysis(self, record: StoredAnalysis) -> None:
        db = self._db
        db.execute(_PUT_ANALYSIS, _analysis_row(record))
        # Retention as we go (indexed: touches only what expired), not only at start-up.
        db.execute("DELETE FROM analyses WHERE expires_at <= ?", (now(),))

    def put_analysis_nowait(self, record: StoredAnalysis) -> bool:
        """Store the analysis now if that cannot wait, on the calling thread (the event
        loop's: the write is ~0.06 ms, a thread hop for it cost ~0.15 ms more, issue 18).
        False, nothing written, when it would wait (another writer holds the lock) or it
        is the turn of a write in a thread (`put_analysis`: checkpoint and retention)."""
        self._nowait_writes += 1
        if self._nowait_writes % _WAITING_WRITE_EVERY == 0:
            return False
        try:
            self._nowait_db.execute(_PUT_ANALYSIS, _analysis_row(record))
        except sqlite3.OperationalError as exc:
            if _locked(exc):
                return False
            raise
        return True

    def get_analysis(self, analysis_id: str) -> StoredAnalysis | None:
        row = self._db.execute(
            "SELECT * FROM analyses WHERE id = ? AND (expires_at IS NULL OR expires_at > ?)",
            (analysis_id, now()),
        ).fetchone()
        return StoredAnalysis(*row) if row else None

    def delete_analysis(self, analysis_id: str) -> bool:
        return self._db.execute("DELETE FROM analyses WHERE id = ?", (analysis_id,)).rowcount > 0

    def purge_expired(self) -> int:
        stamp = now()
        removed = self._db.execute("DELETE FROM analyses WHERE expires_at <= ?", (stamp,)).rowcount
        self._db.execute("DELETE FROM idempotency WHERE expires_at <= ?", (stamp,))
        self._db.execute("DELETE FROM cache WHERE expires_at <= ?", (stamp,))
        return int(removed)

    # -- idempotency --------------------------------------------------------------------
    def get_idempotent(self, owner: str, key: str) -> IdempotencyEntry | None:
        row = self._db.execute(
            "SELECT analysis_id, request_hash FROM idempotency "
            "WHERE owner = ? AND key = ? AND expires_at > ?",
            (owner, key, now()),
        ).fetchone()
        return IdempotencyEntry(*row) if row else None

    def claim_idempotent(
        self, owner: str, key: str, entry: IdempotencyEntry, ttl_s: int
    ) -> IdempotencyEntry | None:
        stamp = now()
        db = self._db
        db.execute(
            "DELETE FROM idempotency WHERE owner = ? AND key = ? AND expires_at <= ?",
            (owner, key, stamp),
        )
        inserted = db.execute(
            "INSERT OR IGNORE INTO idempotency VALUES (?, ?, ?, ?, ?)",
            (owner, key, entry.analysis_id, entry.request_hash, stamp + ttl_s),
        ).rowcount
        return None if inserted else self.get_idempotent(owner, key)

    def release_idempotent(self, owner: str, key: str) -> None:
        self._db.execute("DELETE FROM idempotency WHERE owner = ? AND key = ?", (owner, key))

    def put_idempotent(self, owner: str, key: str, entry: IdempotencyEntry, ttl_s: int) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO idempotency VALUES (?, ?, ?, ?, ?)",
            (owner, key, entry.analysis_id, entry.request_hash, now() + ttl_s),
        )

    # -- feedback -----------------------------------------------------------------------
    def add_feedback(self, record: FeedbackRecord) -> None:
        self._db.execute("INSERT INTO feedback VALUES (?, ?, ?, ?, ?, ?, ?, ?)", astuple(record))

    def list_feedback(self, analysis_id: str | None = None) -> list[FeedbackRecord]:
        if analysis_id is None:
            rows = self._db.execute("SELECT * FROM feedback ORDER BY created_at")
        else:
            rows = self._db.execute(
                "SELECT * FROM feedback WHERE analysis_id = ? ORDER BY created_at", (analysis_id,)
            )
        return [FeedbackRecord(*r) for r in rows]


def _key(row: tuple[object, ...]) -> KeyRecord:
    name, key_hash, scopes, rpm, budget, created = row
    return KeyRecord(
        str(name),
        str(key_hash),
        tuple(json.loads(str(scopes))),
        rpm if isinstance(rpm, int) else None,
        budget if isinstance(budget, int) else None,
        float(created),  # type: ignore[arg-type]
    )

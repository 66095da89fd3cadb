"""The cache of finished analyses, bounded in size and age, in memory (the CLI, the evals)
or in the service's storage (SQLite or Redis: survives restarts, shared by replicas).

The key hashes exactly what changes the answer — model, the engine build fingerprint
(which covers prompt and schema versions, rules, trained and spaCy models), the text and
the request options — and nothing else (timeouts, retries, request ids, `store`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
from typing import TYPE_CHECKING

from cachetools import TTLCache

import prompts
from api.fingerprint import engine_build
from schemas import SCHEMA_VERSION
from schemas.analysis import Analysis
from schemas.request import AnalyzeRequest

if TYPE_CHECKING:
    from api.storage import Store

# Request fields that change nothing in the answer.
_NOT_IN_KEY = {"model", "store"}


def cache_key(request: AnalyzeRequest, model: str) -> str:
    options = request.model_dump(exclude=_NOT_IN_KEY)
    payload = {
        "model": model,
        "build": engine_build(),
        "prompt": prompts.prompt_version(),
        "schema": SCHEMA_VERSION,
        "request": options,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()


class AnalysisCache:
    """`size` entries at most, each for `ttl_s` seconds; either is 0: off."""

    def __init__(self, size: int, ttl_s: int, store: Store | None = None) -> None:
        self.enabled = size > 0 and ttl_s > 0
        self.size, self.ttl_s, self.store = size, ttl_s, store
        self._memory: TTLCache[str, Analysis] = TTLCache(maxsize=max(size, 1), ttl=max(ttl_s, 1))
        self._lock = threading.Lock()

    def key_for(self, request: AnalyzeRequest, model: str) -> str | None:
        """The request's key, or None while the cache is off (nothing is hashed then)."""
        return cache_key(request, model) if self.enabled else None

    async def get(self, key: str | None) -> Analysis | None:
        if key is None or not self.enabled:
            return None
        if self.store is None:
            with self._lock:
                return self._memory.get(key)
        raw = await asyncio.to_thread(self.store.cache_get, key)
        return None if raw is None else Analysis.model_validate_json(raw)

    async def put(self, key: str | None, analysis: Analysis) -> None:
        if key is None or not self.enabled:
            return
        if self.store is None:
            with self._lock:
                self._memory[key] = analysis
            return
        raw = analysis.model_dump_json()
        await asyncio.to_thread(self.store.cache_put, key, raw, self.ttl_s, self.size)

    def clear(self) -> None:
        with self._lock:
            self._memory.clear()
        if self.store is not None:
            self.store.cache_clear()

    def __len__(self) -> int:
        return len(self._memory) if self.store is None else self.store.cache_stats().entries

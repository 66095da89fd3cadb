"""In-memory cache of finished analyses, bounded in size and age.

The key hashes exactly what changes the answer — model, prompt version, schema version,
the text and the request options — and nothing else (timeouts, retries, request ids).
"""

from __future__ import annotations

import hashlib
import json
import threading

from cachetools import TTLCache

import prompts
from schemas import SCHEMA_VERSION
from schemas.analysis import Analysis
from schemas.request import AnalyzeRequest


def cache_key(request: AnalyzeRequest, model: str) -> str:
    options = request.model_dump(exclude={"model"})
    payload = {
        "model": model,
        "prompt": prompts.prompt_version(),
        "schema": SCHEMA_VERSION,
        "request": options,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()


class AnalysisCache:
    def __init__(self, size: int, ttl_s: int) -> None:
        self._enabled = size > 0 and ttl_s > 0
        self._store: TTLCache[str, Analysis] = TTLCache(maxsize=max(size, 1), ttl=max(ttl_s, 1))
        self._lock = threading.Lock()

    def get(self, key: str) -> Analysis | None:
        if not self._enabled:
            return None
        with self._lock:
            return self._store.get(key)

    def put(self, key: str, analysis: Analysis) -> None:
        if self._enabled:
            with self._lock:
                self._store[key] = analysis

    def clear(self) -> None:
        with self._lock:
            self._store.clear()

    def __len__(self) -> int:
        return len(self._store)

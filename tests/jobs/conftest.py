"""Job tests run against the real test Redis (tests/redis_server.py) and real arq workers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from api.config import Settings
from api.jobs.queue import Engine
from api.jobs.worker import build_worker
from api.pipeline.analyze import Analyzer

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT / "evals" / "datasets" / "near_miss_articles.jsonl"


def short_articles(count: int, max_chars: int = 1500) -> list[str]:
    """Real article bodies committed in the repo (near-miss set), shortest first."""
    bodies = [json.loads(line)["body"] for line in ARTICLES.read_text().splitlines()]
    short = sorted((b for b in bodies if 200 <= len(b) <= max_chars), key=len)
    return short[:count]


def job_settings(redis_url: str, **extra: Any) -> Settings:
    fields: dict[str, Any] = {"redis_url": redis_url, "cache_size": 0, "engine_processes": 0}
    return Settings(_env_file=None, **(fields | extra))


async def drain(
    settings: Settings, engine: Engine = "builtin", analyzer: Analyzer | None = None
) -> None:
    """Run one in-process worker until its queue is empty (arq burst mode)."""
    worker = build_worker(
        settings, engine, max_jobs=4, burst=True, analyzer=analyzer, handle_signals=False
    )
    try:
        await worker.async_run()
    finally:
        await worker.close()

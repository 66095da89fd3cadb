"""500 requests in flight on one process against a slow upstream: all answered, memory bounded.

A stub OpenAI-compatible server on loopback answers each call after --delay seconds; the
service (in this process, through its ASGI app) gets --requests concurrent analyses with
the cache off. Prints wall time, answers by status, and peak RSS against the RSS before.
Run: .venv/bin/python scripts/bench_concurrency.py [--requests 500] [--delay 1.0]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.app import create_app
from api.config import Settings
from scripts.bench_service import MODEL, SEED, client_for, start_server, stub_server


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def main(n: int, delay: float) -> None:
    api_base = start_server(stub_server(delay))
    settings = Settings(
        default_model=MODEL, models=[MODEL], api_base=api_base, api_key="stub-key",
        cache_size=0, llm_timeout_s=120, _env_file=None,
    )  # fmt: skip
    async with client_for(create_app(settings)) as service:
        await service.post("/v1/analyze", json={"text": SEED})  # warm-up: imports, pools
        before = rss_mb()
        started = time.perf_counter()

        async def one() -> int:
            response = await service.post("/v1/analyze", json={"text": SEED}, timeout=600)
            return response.status_code

        statuses = Counter(await asyncio.gather(*(one() for _ in range(n))))
        elapsed = time.perf_counter() - started
    print(f"{n} concurrent requests, upstream delay {delay:.1f} s: {elapsed:.1f} s wall")
    print(f"statuses: {dict(statuses)}")
    print(f"peak RSS {rss_mb():.0f} MB (before the burst: {before:.0f} MB)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--delay", type=float, default=1.0)
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.delay))

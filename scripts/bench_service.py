"""Service overhead against a stub OpenAI-compatible server on loopback (DESIGN §8).

Both sides run in this process against the same stub, so the ratio is meaningful:
- baseline: a bare FastAPI endpoint that only forwards to litellm and returns the raw JSON;
- stancewire: POST /v1/analyze on the same model (cache off), full pipeline;
- cache hit: POST /v1/analyze again with the cache on.
Run: .venv/bin/python scripts/bench_service.py [--requests 200] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.app import create_app  # noqa: E402
from api.config import Settings  # noqa: E402
from api.llm.client import load_litellm  # noqa: E402
from benchmarks.apps import MODEL  # noqa: E402
from benchmarks.stub import stub_server  # noqa: E402  (the one stub every benchmark shares)

SEED = (ROOT / "api" / "static" / "examples" / "seed_article.txt").read_text()
__all__ = ["MODEL", "SEED", "client_for", "start_server", "stub_server"]


def start_stub() -> str:
    return start_server(stub_server())


def start_server(app: FastAPI) -> str:
    """Serve `app` on a free loopback port in a daemon thread; return its /v1 base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}/v1"


def bare_app(api_base: str) -> FastAPI:
    lm = load_litellm()
    bare = FastAPI()

    @bare.post("/forward")
    async def forward(body: dict[str, Any]) -> Any:
        response = await lm.acompletion(
            model=MODEL, api_base=api_base, api_key="stub", num_retries=0,
            messages=[{"role": "user", "content": body["text"]}],
        )  # fmt: skip
        return json.loads(response.choices[0].message.content)

    return bare


async def timed(
    client: httpx.AsyncClient, path: str, n: int, conc: int
) -> tuple[list[float], float]:
    latencies: list[float] = []
    gate = asyncio.Semaphore(conc)

    async def one() -> None:
        async with gate:
            started = time.perf_counter()
            response = await client.post(path, json={"text": SEED})
            response.raise_for_status()
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(n)))
    return latencies, n / (time.perf_counter() - started)


def client_for(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")


async def main(n: int, conc: int) -> None:
    api_base = start_stub()
    settings = Settings(
        default_model=MODEL, models=[MODEL], api_base=api_base, api_key="stub-key",
        cache_size=0, _env_file=None,
    )  # fmt: skip
    cached = settings.model_copy(update={"cache_size": 16})
    async with (
        client_for(bare_app(api_base)) as bare,
        client_for(create_app(settings)) as sw,
        client_for(create_app(cached)) as sw_cached,
    ):
        for c, path in ((bare, "/forward"), (sw, "/v1/analyze"), (sw_cached, "/v1/analyze")):
            await timed(c, path, 5, 1)  # warm-up: imports, connection pools, cache fill
        results = {
            "baseline (bare forward)": await timed(bare, "/forward", n, 1),
            "stancewire": await timed(sw, "/v1/analyze", n, 1),
            "stancewire cache hit": await timed(sw_cached, "/v1/analyze", n, 1),
        }
        throughput = {
            "baseline": (await timed(bare, "/forward", n, conc))[1],
            "stancewire": (await timed(sw, "/v1/analyze", n, conc))[1],
        }
    p50 = {k: statistics.median(v[0]) * 1000 for k, v in results.items()}
    for name, value in p50.items():
        print(f"{name:28s} p50 {value:7.2f} ms")
    overhead = p50["stancewire"] - p50["baseline (bare forward)"]
    print(f"overhead p50 (stancewire - baseline): {overhead:.2f} ms")
    print(f"throughput at concurrency {conc}: baseline {throughput['baseline']:.0f}/s, "
          f"stancewire {throughput['stancewire']:.0f}/s, "
          f"ratio {throughput['stancewire'] / throughput['baseline']:.2f}")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.concurrency))

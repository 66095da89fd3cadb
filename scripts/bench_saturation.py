"""Health checks while the built-in engine is saturated: threads vs the process pool.

Starts the real server (`stancewire serve`'s configuration) on loopback twice in this
process — once with the engine in threads of the server process (ENGINE_PROCESSES=0, the
old model), once with the pool (one worker per core) — keeps --busy built-in analyses of the
seed article in flight, and meanwhile probes /healthz --probes times. Prints /healthz p50/p99
and analyses/s for both, and the ratios pool / threads (same process, same machine).
Run: .venv/bin/python scripts/bench_saturation.py [--busy 8] [--probes 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.app import create_app
from api.config import Settings
from tests.live_server import live_server

SEED = (Path(__file__).resolve().parents[1] / "api/static/examples/seed_article.txt").read_text()


@dataclass
class Result:
    p50_ms: float
    p99_ms: float
    analyses_per_s: float


def _keep_busy(url: str, stop: threading.Event, done: list[int]) -> None:
    with httpx.Client(timeout=120) as client:
        while not stop.is_set():
            response = client.post(url, json={"text": SEED})
            if response.status_code == 200:
                done.append(1)


def measure(processes: int, busy: int, probes: int) -> Result:
    settings = Settings(cache_size=0, engine_processes=processes, engine_queue=busy, _env_file=None)
    with live_server(create_app(settings), settings) as (host, port):
        base = f"http://{host}:{port}"
        httpx.post(f"{base}/v1/analyze", json={"text": SEED}, timeout=120)  # warm workers
        stop, done = threading.Event(), []
        workers = [
            threading.Thread(target=_keep_busy, args=(f"{base}/v1/analyze", stop, done))
            for _ in range(busy)
        ]
        for worker in workers:
            worker.start()
        time.sleep(2)  # saturated
        started, latencies = time.perf_counter(), []
        with httpx.Client(timeout=30) as client:
            for _ in range(probes):
                probe = time.perf_counter()
                client.get(f"{base}/healthz").raise_for_status()
                latencies.append((time.perf_counter() - probe) * 1000)
                time.sleep(0.02)
        elapsed = time.perf_counter() - started
        finished = len(done)
        stop.set()
        for worker in workers:
            worker.join()
    cuts = statistics.quantiles(latencies, n=100)
    return Result(cuts[49], cuts[98], finished / elapsed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--busy", type=int, default=8, help="analyses kept in flight")
    parser.add_argument("--probes", type=int, default=200, help="/healthz requests")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    threads = measure(0, args.busy, args.probes)
    pool = measure(cores, args.busy, args.probes)
    print(f"{args.busy} built-in analyses in flight, {args.probes} /healthz probes, {cores} cores")
    print("| engine | /healthz p50 ms | /healthz p99 ms | analyses/s |")
    print("|---|---|---|---|")
    for name, r in (("threads (old)", threads), (f"pool of {cores}", pool)):
        print(f"| {name} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.analyses_per_s:.2f} |")
    print(
        f"pool / threads: p99 {pool.p99_ms / threads.p99_ms:.2f}x, "
        f"throughput {pool.analyses_per_s / threads.analyses_per_s:.2f}x"
    )


if __name__ == "__main__":
    main()

"""Jobs throughput: the built-in engine with 1 and 2 workers, a stub hosted model at 0 s and
1 s latency on one worker (issue 16's targets: >= 1.7x with 2 workers on 2 cores; 1,000
distinct items at 1 s upstream latency in < 30 s on one worker).

Starts Debian's redis-server on a free loopback port, real `stancewire worker` processes,
and for the hosted model the stub OpenAI-compatible upstream of tests/load (no faults, a
fixed latency). Each figure is items/s from the job's first item to its last, workers
already warm (start-up not counted). Loopback only.
Run: .venv/bin/python scripts/bench_jobs.py [--articles 200] [--stub-items 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.config import Settings
from api.jobs.queue import connect, submit
from schemas.jobs import JobItem
from tests.load.fault_upstream import FaultPlan, FaultyUpstream
from tests.redis_server import _free_port, _wait_until_up

ROOT = Path(__file__).resolve().parents[1]
STANCEWIRE = Path(sys.executable).with_name("stancewire")
SEED = (ROOT / "api/static/examples/seed_article.txt").read_text()
ARTICLES = ROOT / "evals/datasets/near_miss_articles.jsonl"
STUB_MODEL = "openai/stub"


def start_redis(workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server is not installed (make redis)")
    port = _free_port()
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    process = subprocess.Popen(
        [*args, "--appendonly", "no", "--dir", str(workdir)], stdout=subprocess.DEVNULL
    )
    _wait_until_up(port, process)
    return process, f"redis://127.0.0.1:{port}/0"


def start_workers(
    count: int, env: dict[str, str], engine: str, max_jobs: int, logs: Path
) -> list[subprocess.Popen[bytes]]:
    workers = []
    for n in range(count):
        log = logs / f"{engine}-{n}-{time.monotonic_ns()}.log"
        command = [str(STANCEWIRE), "worker", "--engine", engine, "--max-jobs", str(max_jobs)]
        with log.open("wb") as out:
            workers.append(subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT))
        _wait_for_line(log, "items at once", workers[-1])
    return workers


def _wait_for_line(log: Path, text: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 180
    while text not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"worker did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


def stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        worker.wait(timeout=60)


async def run_job(settings: Settings, items: list[tuple[JobItem, str]]) -> dict[str, float]:
    redis = await connect(settings)
    await redis.flushdb()
    job_id, store = await submit(redis, settings, items)
    while (status := await store.status(job_id)).state != "completed":
        await asyncio.sleep(0.1)
    await redis.aclose()
    assert status.started_at is not None and status.finished_at is not None
    seconds = status.finished_at - status.started_at
    return {
        "items": status.total,
        "failed": status.failed,
        "seconds": round(seconds, 2),
        "items_per_s": round(status.total / seconds, 2),
    }


def builtin_items(count: int) -> list[tuple[JobItem, str]]:
    bodies = [json.loads(line)["body"] for line in ARTICLES.read_text().splitlines()]
    bodies = [b for b in bodies if len(b) >= 200]
    return [(JobItem(text=bodies[i % len(bodies)]), "builtin/rules-en") for i in range(count)]


def stub_items(count: int) -> list[tuple[JobItem, str]]:
    # Distinct texts (no cache hit possible); the stub's answer cites the seed's sentences.
    return [(JobItem(text=f"{SEED}\n\nWire item {i}."), STUB_MODEL) for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200, help="built-in job size (0: skip)")
    parser.add_argument("--stub-items", type=int, default=1000, help="hosted-model job size")
    parser.add_argument("--latencies", type=float, nargs="*", default=[0.0, 1.0])
    parser.add_argument("--llm-concurrency", type=int, default=128, help="items per worker")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        redis, url = start_redis(workdir)
        base = os.environ | {
            "STANCEWIRE_REDIS_URL": url,
            "STANCEWIRE_CACHE_SIZE": "0",
            "STANCEWIRE_LOG_LEVEL": "info",  # start_workers waits for the worker's "ready" line
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        }
        settings = Settings(_env_file=None, redis_url=url)
        try:
            for count in (1, 2) if args.articles else ():  # 1 vs 2 cores busy
                env = base | {"STANCEWIRE_ENGINE_PROCESSES": "0"}
                workers = start_workers(count, env, "builtin", 2, workdir)
                try:
                    result = asyncio.run(run_job(settings, builtin_items(args.articles)))
                finally:
                    stop(workers)
                results[f"builtin, {count} worker(s)"] = result
                print(f"builtin, {count} worker(s): {result}", flush=True)
            for latency in args.latencies:
                with FaultyUpstream(FaultPlan(fault_rate=0.0, latency_s=latency)) as upstream:
                    env = base | {
                        "STANCEWIRE_DEFAULT_MODEL": STUB_MODEL,
                        "STANCEWIRE_API_BASE": upstream.base_url,
                        "STANCEWIRE_API_KEY": "sk-bench-0001",
                        "STANCEWIRE_MAX_CONCURRENCY": str(args.llm_concurrency),
                    }
                    stub_settings = settings.model_copy(
                        update={"default_model": STUB_MODEL, "models": [STUB_MODEL]}
                    )
                    workers = start_workers(1, env, "llm", args.llm_concurrency, workdir)
                    try:
                        result = asyncio.run(run_job(stub_settings, stub_items(args.stub_items)))
                    finally:
                        stop(workers)
                label = f"stub model {latency:g} s, 1 worker"
                results[label] = result
                print(f"{label}: {result}", flush=True)
        finally:
            redis.terminate()
            redis.wait(timeout=10)
    one, two = results.get("builtin, 1 worker(s)"), results.get("builtin, 2 worker(s)")
    if one and two:
        print(
            f"speed-up 2 vs 1 workers: {two['items_per_s'] / one['items_per_s']:.2f}x "
            f"on {os.cpu_count()} cores"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()

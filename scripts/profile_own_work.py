"""stancewire's own CPU per /v1/analyze request, without the HTTP server and the model call.

The app as `stancewire serve` builds it (middleware, routes, pipeline; cache and cross-check
off) is called as a bare ASGI app, once per distinct shared-data article, with a model
client that answers instantly with the benchmark stub's valid contract
(benchmarks/answers.py). The stub's own work (reading the prompt, building the answer) is
timed and subtracted, so what is left is exactly stancewire's part of a request: article
preparation, prompt rendering, answer checks, the response and the middleware.

Run: .venv/bin/python scripts/profile_own_work.py [--articles 300] [--rounds 3] [--profile out.prof]
2>/dev/null (the access log is written, as in service, to stderr).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.app import create_app  # noqa: E402
from api.compose import make_analyzer  # noqa: E402
from api.config import Settings  # noqa: E402
from api.llm.capabilities import ModelCapabilities  # noqa: E402
from api.llm.types import ChatRequest, Completion, NoLocalModels  # noqa: E402
from benchmarks.answers import answer_for, sentences_in  # noqa: E402
from benchmarks.articles import data_dir, load_articles  # noqa: E402
from schemas.analysis import Usage  # noqa: E402

MODEL = "openai/gpt-4o-mini"
HOSTED = ModelCapabilities(json_schema=True, json_mode=True, constrained=False)


class StubClient:
    """Answers like the benchmark's stub upstream, in process; `spent` is its own CPU time."""

    def __init__(self) -> None:
        self.local = NoLocalModels()
        self.spent = 0.0

    def capabilities(self, model: str) -> ModelCapabilities:
        return HOSTED

    async def complete(self, request: ChatRequest) -> Completion:
        started = time.process_time()
        sentences, _ = sentences_in(list(request.messages))
        content = json.dumps(answer_for(sentences, request.json_schema))
        self.spent += time.process_time() - started
        usage = Usage(prompt_tokens=1000, completion_tokens=300, total_tokens=1300)
        return Completion(content, "stop", request.model, "openai", usage, 0.0003)


async def call(app: Any, body: bytes) -> int:
    """One POST /v1/analyze through the ASGI app; its status."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/analyze",
        "raw_path": b"/v1/analyze",
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)  # the client never leaves
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def one_round(app: Any, bodies: list[bytes], stub: StubClient) -> tuple[float, list[int]]:
    """Own CPU ms per request over the bodies (the stub's time subtracted)."""
    stub.spent = 0.0
    started = time.process_time()
    statuses = [await call(app, body) for body in bodies]
    spent = time.process_time() - started - stub.spent
    return spent * 1000 / len(bodies), statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", type=Path, help="write a cProfile of one more round")
    args = parser.parse_args()
    articles, source = load_articles(data_dir())
    bodies = [json.dumps({"text": text}).encode() for text in articles[: args.articles]]
    stub = StubClient()
    settings = Settings(
        _env_file=None,
        default_model=MODEL,
        models=[MODEL],
        api_key="stub-key",
        cache_size=0,
        cross_check=False,
        data_dir=Path(tempfile.mkdtemp(prefix="stancewire-profile-")),  # stored analyses
    )
    app = create_app(settings, analyzer=make_analyzer(settings, client=stub))
    loop = asyncio.new_event_loop()
    loop.run_until_complete(one_round(app, bodies[:20], stub))  # imports, lazy caches
    results = []
    for _ in range(args.rounds):
        ms, statuses = loop.run_until_complete(one_round(app, bodies, stub))
        if set(statuses) != {200}:
            raise SystemExit(f"not every answer was 200: {sorted(set(statuses))}")
        results.append(ms)
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        loop.run_until_complete(one_round(app, bodies, stub))
        profiler.disable()
        profiler.dump_stats(args.profile)
    print(f"{len(bodies)} articles ({source}), own CPU ms per request, {args.rounds} rounds:")
    print(" ".join(f"{ms:.3f}" for ms in results), f"best {min(results):.3f}")


if __name__ == "__main__":
    main()

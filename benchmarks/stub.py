"""The one stub OpenAI-compatible upstream every benchmark shares (loopback only).

`POST /v1/chat/completions` answers each request, after an optional delay, with a valid
contract for the article in its prompt (benchmarks/answers.py), so stancewire's repair loop
never runs. It counts what it saw — requests, and re-asks (a request that carries an earlier
assistant answer is the repair loop asking again) — at `GET /_bench/stats`, and can record
every request body to a JSON-lines file (`POST /_bench/capture`) for the token count.

In-process: `stub_server(delay)`; as its own process (what bench_http runs):
`python -m uvicorn --factory benchmarks.stub:app_from_env` with BENCH_STUB_DELAY.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

from fastapi import FastAPI

from benchmarks.answers import Sentences, answer_for, sentences_in


@dataclass
class StubStats:
    requests: int = 0
    repairs: int = 0  # re-asks: requests that carry an earlier assistant answer
    unnumbered: int = 0  # prompts without a numbered article (the plain forwarders)


def _schema_of(body: dict[str, Any]) -> dict[str, Any] | None:
    response_format = body.get("response_format") or {}
    if response_format.get("type") != "json_schema":
        return None
    schema: dict[str, Any] | None = response_format.get("json_schema", {}).get("schema")
    return schema


def completion(body: dict[str, Any], sentences: Sentences) -> dict[str, Any]:
    """An OpenAI chat completion whose content is the contract for the prompt's article."""
    content = json.dumps(answer_for(sentences, _schema_of(body)))
    prompt_chars = sum(len(str(m.get("content", ""))) for m in body.get("messages", []))
    usage = {"prompt_tokens": prompt_chars // 4, "completion_tokens": len(content) // 4}
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    message = {"role": "assistant", "content": content}
    return {
        "id": "chatcmpl-stub", "object": "chat.completion", "created": 0, "model": body["model"],
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": usage,
    }  # fmt: skip


def stub_server(delay: float = 0.0) -> FastAPI:
    """The stub app: answers after `delay` seconds, counts, optionally records requests."""
    stub = FastAPI()
    stats = StubStats()
    capture: dict[str, TextIO] = {}

    @stub.post("/v1/chat/completions")
    async def complete(body: dict[str, Any]) -> dict[str, Any]:
        messages = body.get("messages", [])
        stats.requests += 1
        stats.repairs += any(m.get("role") == "assistant" for m in messages)
        sentences, numbered = sentences_in(messages)
        stats.unnumbered += not numbered
        if "file" in capture:
            capture["file"].write(json.dumps(body) + "\n")
        if delay:
            await asyncio.sleep(delay)
        return completion(body, sentences)

    @stub.get("/_bench/stats")
    async def read_stats() -> dict[str, int]:
        return asdict(stats)

    @stub.post("/_bench/capture")
    async def set_capture(body: dict[str, Any]) -> dict[str, bool]:
        """{"path": "/tmp/x.jsonl"} starts recording request bodies there; {"path": null} stops."""
        if "file" in capture:
            capture.pop("file").close()
        if body.get("path"):
            capture["file"] = Path(body["path"]).open("a", encoding="utf-8")  # noqa: SIM115
        return {"capturing": "file" in capture}

    return stub


def app_from_env() -> FastAPI:
    """Factory for uvicorn --factory: the delay comes from BENCH_STUB_DELAY (seconds)."""
    return stub_server(float(os.environ.get("BENCH_STUB_DELAY", "0")))

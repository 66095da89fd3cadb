"""The direct path's connection pool over real loopback sockets (respx has no pool): as many
model calls as the service lets run at once (`max_concurrency`) get a connection without
waiting, so a queue for connections never turns into an upstream timeout."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from fastapi import FastAPI

from api.config import Settings
from api.llm.client import LiteLLMClient
from tests.live_server import live_server
from tests.llm.conftest import openai_settings
from tests.llm.test_client_http import chat

CALLS = 250  # above httpx's default pool of 100 connections
ANSWER_AFTER_S = 1.0
TIMEOUT_S = 1.8  # > one answer, < the two a third wave would wait for a connection


def slow_upstream() -> FastAPI:
    upstream = FastAPI()

    @upstream.post("/v1/chat/completions")
    async def complete() -> dict[str, Any]:
        await asyncio.sleep(ANSWER_AFTER_S)
        message = {"role": "assistant", "content": json.dumps({"n": 1})}
        choice = {"index": 0, "message": message, "finish_reason": "stop"}
        usage = {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
        return {"id": "x", "object": "chat.completion", "choices": [choice], "usage": usage}

    return upstream


def test_every_call_the_service_admits_gets_a_connection_at_once() -> None:
    """With httpx's default pool (100 connections), calls 201-250 waited for two waves of
    answers (2 s) and failed with a pool timeout (1.8 s, the call timeout) as an upstream
    timeout, though the upstream answered every call in 1 s."""
    server_settings = Settings(_env_file=None, max_connections=4096)  # type: ignore[call-arg]
    with live_server(slow_upstream(), server_settings) as (host, port):
        settings = openai_settings(
            api_base=f"http://{host}:{port}/v1",
            llm_timeout_s=TIMEOUT_S,
            retry_attempts=1,
            max_concurrency=CALLS,
        )
        outcomes = asyncio.run(_many_calls(LiteLLMClient(settings)))
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    assert not failures, f"{len(failures)} of {CALLS} calls failed, e.g. {failures[0]!r}"


async def _many_calls(client: LiteLLMClient) -> list[Any]:
    try:
        calls = (client.complete(chat()) for _ in range(CALLS))
        return await asyncio.gather(*calls, return_exceptions=True)
    finally:
        client.close()

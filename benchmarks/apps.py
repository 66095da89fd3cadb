"""The three apps the HTTP benchmark puts side by side, each served by uvicorn in its own
process (`python -m uvicorn --factory benchmarks.apps:<name>`), all against the same stub:

- `httpx_forwarder`: FastAPI → one httpx POST to the stub → the answer's JSON;
- `litellm_forwarder`: FastAPI → `litellm.acompletion` with litellm's default settings →
  the answer's JSON (DESIGN §8's reference: what a bare litellm endpoint costs); run a
  second time on litellm's httpx transport, the one stancewire's litellm.acompletion calls
  use (OpenAI-compatible models go out on its own pooled httpx client, api/llm/direct.py);
- stancewire: the service as shipped (`stancewire serve`, settings from STANCEWIRE_
  variables, see `as_environment`), or its app (`stancewire`) under the forwarders' plain
  uvicorn, on a hosted model name that supports JSON-schema output, pointed at the stub,
  cache off.

Configuration comes from the environment the runner sets: BENCH_UPSTREAM (the stub's /v1
base URL), BENCH_MODEL, and BENCH_SETTINGS (a JSON object of extra stancewire Settings).
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI

MODEL = "openai/gpt-4o-mini"  # litellm's model map: supports_response_schema → True
FORWARD_PATH = "/forward"
ANALYZE_PATH = "/v1/analyze"


def _upstream() -> str:
    return os.environ["BENCH_UPSTREAM"]


def _model() -> str:
    return os.environ.get("BENCH_MODEL", MODEL)


def httpx_forwarder() -> FastAPI:
    """The floor: what FastAPI plus one HTTP round trip to the upstream costs."""
    client: dict[str, httpx.AsyncClient] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient(base_url=_upstream(), timeout=60) as upstream:
            client["upstream"] = upstream
            yield

    app = FastAPI(lifespan=lifespan)
    model = _model().split("/", 1)[-1]  # the provider prefix is litellm's, not the wire's

    @app.post(FORWARD_PATH)
    async def forward(body: dict[str, Any]) -> Any:
        messages = [{"role": "user", "content": body["text"]}]
        response = await client["upstream"].post(
            "/chat/completions", json={"model": model, "messages": messages}
        )
        response.raise_for_status()
        return json.loads(response.json()["choices"][0]["message"]["content"])

    return app


def litellm_forwarder() -> FastAPI:
    """A bare endpoint that only forwards to litellm (default settings) and returns the JSON.
    With BENCH_LITELLM_HTTPX=1, on litellm's httpx transport instead of its default aiohttp
    one, as stancewire calls it (api/llm/client.py: respx must see every call in tests), so
    the transport's share of the difference shows on its own."""
    import litellm  # imported here: the other apps must not pay for it

    litellm.disable_aiohttp_transport = os.environ.get("BENCH_LITELLM_HTTPX") == "1"
    app = FastAPI()
    upstream, model = _upstream(), _model()

    @app.post(FORWARD_PATH)
    async def forward(body: dict[str, Any]) -> Any:
        response = await litellm.acompletion(
            model=model,
            messages=[{"role": "user", "content": body["text"]}],
            api_base=upstream,
            api_key="stub-key",
        )
        return json.loads(response.choices[0].message.content)

    return app


def stancewire_settings(upstream: str, extra: dict[str, Any]) -> dict[str, Any]:
    """stancewire's Settings for the benchmark: the model at the stub, cache off, + `extra`."""
    return {
        "default_model": _model(),
        "models": [_model()],
        "api_base": upstream,
        "api_key": "stub-key",
        "cache_size": 0,
        **extra,
    }


def as_environment(settings: dict[str, Any]) -> dict[str, str]:
    """The same settings as STANCEWIRE_ variables, for `stancewire serve`."""
    return {
        f"STANCEWIRE_{name.upper()}": value if isinstance(value, str) else json.dumps(value)
        for name, value in settings.items()
    }


def stancewire() -> FastAPI:
    """The service's app, configured through Settings only (no env file, cache off)."""
    from api.app import create_app
    from api.config import Settings

    extra: dict[str, Any] = json.loads(os.environ.get("BENCH_SETTINGS", "{}"))
    return create_app(Settings(_env_file=None, **stancewire_settings(_upstream(), extra)))

"""Error paths no other test guarded (an audit switched each off and nothing failed):
the Content-Length check before the body is read, context-window errors as 413
`context_window_exceeded`, `internal_error` without a traceback, what the cache key covers,
and unknown actor ids in claims, stances and caller claims."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.types import Message

import prompts
from api.app import create_app
from api.compose import make_analyzer
from api.config import Settings
from api.errors import ContextWindowExceeded
from api.pipeline import cache as cache_module
from api.pipeline.cache import cache_key
from schemas.request import AnalyzeRequest
from tests.conftest import SCRIPTED_MODEL, SEED_CONTRACT, SEED_TEXT
from tests.fakes import Reply, ScriptedClient


def _client(settings: Settings, *replies: Reply) -> TestClient:
    analyzer = make_analyzer(settings, client=ScriptedClient(*replies))
    return TestClient(create_app(settings, analyzer), raise_server_exceptions=False)


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    return body


# -- Content-Length: refused before a byte of the body is read --------------------------
async def test_declared_length_over_the_limit_is_413_before_the_body_is_read(
    llm_settings: Settings,
) -> None:
    settings = llm_settings.model_copy(update={"max_body_bytes": 10_000})
    app = create_app(settings, make_analyzer(settings, client=ScriptedClient(SEED_CONTRACT)))
    reads: list[int] = []
    sent: list[Message] = []

    async def receive() -> Message:  # a small body: only the declared length is too big
        reads.append(1)
        return {"type": "http.request", "body": b'{"text": "Hi there."}', "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

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
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"20000")],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }
    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    assert start["status"] == 413 and b'"payload_too_large"' in body
    assert reads == []


# -- context window ------------------------------------------------------------------------
def test_context_window_error_is_413_context_window_exceeded(llm_settings: Settings) -> None:
    error = ContextWindowExceeded("The article is too long for model 'openai/scripted'.")
    with _client(llm_settings, error) as api:
        body = _problem(
            api.post("/v1/analyze", json={"text": SEED_TEXT}), 413, "context_window_exceeded"
        )
    assert "too long" in body["detail"]


def test_providers_context_window_error_maps_to_context_window_exceeded() -> None:
    import litellm

    from api.llm.client import to_stancewire_error

    raw = litellm.ContextWindowExceededError(
        message="This model's maximum context length is 8192 tokens",
        model="gpt-4o-mini",
        llm_provider="openai",
    )
    mapped = to_stancewire_error(raw, "openai/gpt-4o-mini")
    assert isinstance(mapped, ContextWindowExceeded)
    assert (mapped.status, mapped.code) == (413, "context_window_exceeded")


# -- internal_error --------------------------------------------------------------------------
def test_unexpected_error_is_internal_error_without_a_traceback(llm_settings: Settings) -> None:
    with _client(llm_settings, RuntimeError("secret detail at /srv/keys.py line 3")) as api:
        response = api.post("/v1/analyze", json={"text": SEED_TEXT})
    body = _problem(response, 500, "internal_error")
    assert body["request_id"] == response.headers["x-request-id"]
    for leak in ("Traceback", "RuntimeError", "secret detail", "keys.py"):
        assert leak not in response.text


# -- the cache key covers what changes the answer, nothing else -----------------------------
def _key(**changes: Any) -> str:
    request = AnalyzeRequest(text=SEED_TEXT, **changes)
    return cache_key(request, "openai/a")


def test_cache_key_changes_with_model_tasks_and_claims() -> None:
    base = _key()
    request = AnalyzeRequest(text=SEED_TEXT)
    assert cache_key(request, "openai/b") != base
    assert _key(tasks=["summary"]) != base
    assert _key(claims=["North Korea sent troops"]) != base
    assert _key(claims=["North Korea sent ships"]) != _key(claims=["North Korea sent troops"])
    assert _key() == base


def test_cache_key_changes_with_prompt_and_schema_version(monkeypatch: pytest.MonkeyPatch) -> None:
    base = _key()
    monkeypatch.setattr(prompts, "prompt_version", lambda: "analyze-v999")
    prompt_changed = _key()
    monkeypatch.undo()
    monkeypatch.setattr(cache_module, "SCHEMA_VERSION", "999")
    schema_changed = _key()
    assert len({base, prompt_changed, schema_changed}) == 3


async def test_request_id_is_not_part_of_the_cache_key() -> None:
    settings = Settings(default_model=SCRIPTED_MODEL, models=[SCRIPTED_MODEL], _env_file=None)
    scripted = ScriptedClient(SEED_CONTRACT)
    analyzer = make_analyzer(settings, client=scripted)
    request = AnalyzeRequest(text=SEED_TEXT)
    await analyzer.analyze(request, request_id="first")
    second = await analyzer.analyze(request, request_id="second")
    assert second.meta.cache_hit and len(scripted.requests) == 1


# -- unknown actor ids are sent back to the model, never returned ---------------------------
def _with_caller_claims(contract: dict[str, Any]) -> dict[str, Any]:
    contract = copy.deepcopy(contract)
    contract["caller_claims"] = [
        {
            "index": 1,
            "status": "unconfirmed",
            "evidence": [{"sentence": 1, "act": "questions"}],
            "confidence": 0.5,
        }
    ]
    return contract


def _bad_claim(c: dict[str, Any]) -> None:
    c["claims"][0]["asserted_by"] = ["A99"]


def _bad_stance(c: dict[str, Any]) -> None:
    c["stances"][0]["actor"] = "A99"


def _bad_caller_claim(c: dict[str, Any]) -> None:
    c["caller_claims"][0]["denied_by"] = ["A99"]


@pytest.mark.parametrize("spoil", [_bad_claim, _bad_stance, _bad_caller_claim])
def test_unknown_actor_ids_are_rejected(llm_settings: Settings, spoil: Any) -> None:
    bad = _with_caller_claims(SEED_CONTRACT)
    spoil(bad)
    with _client(llm_settings, bad) as api:
        response = api.post(
            "/v1/analyze", json={"text": SEED_TEXT, "claims": ["North Korea sent troops."]}
        )
    body = _problem(response, 502, "model_output_invalid")
    assert any("A99" in e["message"] for e in body["errors"])


def test_the_same_contract_with_known_ids_is_accepted(llm_settings: Settings) -> None:
    with _client(llm_settings, _with_caller_claims(SEED_CONTRACT)) as api:
        response = api.post(
            "/v1/analyze", json={"text": SEED_TEXT, "claims": ["North Korea sent troops."]}
        )
    assert response.status_code == 200, response.text

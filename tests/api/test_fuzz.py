"""Schemathesis fuzzing of the OpenAPI spec: no input the spec admits (or nearly admits)
may produce a 500, and every error must be problem+json.

The fake model answers each request for the article it was sent (a minimal valid contract
citing that article's sentences), so valid inputs reach a 200 and the success path is
fuzzed too, not only the error paths."""

import json
import re
from collections import Counter
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from api.app import create_app
from api.compose import make_analyzer
from api.config import Settings
from api.llm.types import ChatRequest
from tests.fakes import ScriptedClient

_SENTENCE = re.compile(r"^\[(\d+)\] (.*)$", re.MULTILINE)
_CALLER_CLAIMS = "in caller_claims by index:\n"


def _caller_claims(prompt: str) -> int:
    """How many claims the prompt lists (numbered "1. …", "2. …" after the task)."""
    if _CALLER_CLAIMS not in prompt:
        return 0
    return len(re.findall(r"^\s*\d+\. ", prompt.split(_CALLER_CLAIMS, 1)[1], re.MULTILINE))


def answer_for(request: ChatRequest) -> str:
    """A minimal valid contract for whatever article and fields this request asks about."""
    prompt = "\n".join(m["content"] for m in request.messages)
    first = next((text for _, text in _SENTENCE.findall(prompt)), "The article")
    line = " ".join(first.split()[:12]) or "The article"
    caller = range(1, _caller_claims(prompt) + 1)
    contract: dict[str, Any] = {
        "headline": line,
        "summary": line,
        "key_points": [line],
        "actors": [],
        "claims": [],
        "stances": [],
        "caller_claims": [
            {"index": n, "status": "not_mentioned", "evidence": [], "confidence": 0.9}
            for n in caller
        ],
    }
    fields = set((request.json_schema or {}).get("properties", contract))
    return json.dumps({k: v for k, v in contract.items() if k in fields})


_settings = Settings(
    default_model="openai/scripted", models=["openai/scripted"], cache_size=0, _env_file=None
)
app = create_app(_settings, make_analyzer(_settings, client=ScriptedClient(answer_for)))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
STATUSES: Counter[int] = Counter()


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.filterwarnings("ignore")
def test_no_server_errors(case: Any) -> None:
    response = case.call()
    STATUSES[response.status_code] += 1
    assert response.status_code < 500 or response.status_code in {502, 503, 504}, response.text
    if response.status_code >= 400:
        content_type = response.headers["content-type"]  # schemathesis gives header lists
        assert "application/problem+json" in content_type


def test_fuzzing_reached_the_success_path() -> None:
    """Runs after the fuzz test (file order): some generated requests were answered."""
    assert STATUSES, "the fuzz test did not run first"
    assert STATUSES[200] > 0, dict(STATUSES)
    assert STATUSES[502] < sum(STATUSES.values()), dict(STATUSES)


def test_the_fake_answers_any_article_and_its_caller_claims() -> None:
    with TestClient(app) as client:
        body = {"text": "Ann Lee said the bridge is safe. Nobody disagreed.", "claims": ["x", "y"]}
        response = client.post("/v1/analyze", json=body)
    assert response.status_code == 200, response.text
    statuses = [c["status"] for c in response.json()["claims"] if c["source"] == "caller"]
    assert statuses == ["not_mentioned", "not_mentioned"]

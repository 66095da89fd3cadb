"""POST /v1/analyze with Accept: text/event-stream: stages as server-sent events, then the
analysis (or a problem) as the last event."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from api.compose import make_analyzer
from api.config import Settings
from tests.conftest import ROOT
from tests.fakes import ScriptedClient

STREAM = {"Accept": "text/event-stream"}


def _events(text: str) -> list[tuple[str, Any]]:
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        fields = dict(
            line.split(": ", 1) for line in block.splitlines() if ": " in line and line[0] != ":"
        )
        if "event" in fields:
            events.append((fields["event"], json.loads(fields["data"])))
    return events


def _client(settings: Settings, *replies: Any) -> TestClient:
    return TestClient(
        create_app(settings, make_analyzer(settings, client=ScriptedClient(*replies)))
    )


def test_stream_shows_model_calls_and_repairs_then_the_analysis(
    llm_settings: Settings, seed_text: str, seed_contract: dict[str, Any]
) -> None:
    with _client(llm_settings, "not JSON at all", seed_contract) as client:
        response = client.post("/v1/analyze", json={"text": seed_text}, headers=STREAM)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = _events(response.text)
    names = [name for name, _ in events]
    assert names == ["queued", "analysing", "model_call", "repair", "model_call", "done"]
    assert events[0][1]["request_id"] == response.headers["x-request-id"]
    assert [data["attempt"] for name, data in events if name == "model_call"] == [1, 2]
    analysis = events[-1][1]
    assert analysis["meta"]["attempts"] == 2
    for claim in analysis["claims"]:
        for span in claim["evidence"]:
            assert seed_text[span["start"] : span["end"]] == span["quote"]


def test_stream_ends_in_a_problem_when_the_analysis_fails(
    llm_settings: Settings, seed_text: str
) -> None:
    settings = llm_settings.model_copy(update={"repair_attempts": 0})
    with _client(settings, "not JSON at all") as client:
        response = client.post("/v1/analyze", json={"text": seed_text}, headers=STREAM)
    events = _events(response.text)
    assert [name for name, _ in events] == ["queued", "analysing", "model_call", "problem"]
    problem = events[-1][1]
    assert problem["code"] == "model_output_invalid" and problem["status"] == 502


def test_bad_request_is_refused_before_the_stream(llm_settings: Settings) -> None:
    with _client(llm_settings, "{}") as client:
        response = client.post("/v1/analyze", json={"text": ""}, headers=STREAM)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_builtin_engine_streams_too(seed_text: str) -> None:
    settings = Settings(_env_file=None, cache_size=0)
    with TestClient(create_app(settings, make_analyzer(settings))) as client:
        response = client.post("/v1/analyze", json={"text": seed_text}, headers=STREAM)
    events = _events(response.text)
    assert [name for name, _ in events] == ["queued", "analysing", "done"]
    assert events[1][1]["engine"] == "builtin" and events[-1][1]["meta"]["engine"] == "builtin"


def _done(response: Any) -> dict[str, Any]:
    name, analysis = _events(response.text)[-1]
    assert name == "done", analysis
    result: dict[str, Any] = analysis
    return result


def test_a_streamed_analysis_is_stored_like_a_plain_one(seed_text: str, tmp_path: Path) -> None:
    """The page streams, then shares the analysis and takes feedback on it (issue 17): was
    never stored (GET by id answered 404)."""
    settings = Settings(_env_file=None, cache_size=0, data_dir=tmp_path)
    with TestClient(create_app(settings, make_analyzer(settings))) as client:
        kept = _done(client.post("/v1/analyze", json={"text": seed_text}, headers=STREAM))
        stored = client.get(f"/v1/analyses/{kept['id']}")
        assert stored.status_code == 200
        assert stored.json() == kept
        body = {"text": seed_text, "store": False}
        unkept = _done(client.post("/v1/analyze", json=body, headers=STREAM))
        assert client.get(f"/v1/analyses/{unkept['id']}").status_code == 404


def test_a_streamed_html_analysis_returns_the_text_its_offsets_index(tmp_path: Path) -> None:
    """Was `text_source: submitted` and no text, though the offsets indexed extracted text."""
    html = (ROOT / "tests" / "data" / "pages" / "kremlin-denies.html").read_text()
    settings = Settings(_env_file=None, cache_size=0, data_dir=tmp_path)
    with TestClient(create_app(settings, make_analyzer(settings))) as client:
        analysis = _done(client.post("/v1/analyze", json={"text": html}, headers=STREAM))
    assert analysis["text_source"] == "extracted_from_html"
    assert analysis["text"].startswith("The Kremlin on Friday denied")
    for claim in analysis["claims"]:
        for span in claim["evidence"]:
            assert analysis["text"][span["start"] : span["end"]] == span["quote"]

"""Long articles over HTTP: the synchronous limit, the longer one for streams, parts streamed."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from api.compose import make_analyzer
from api.config import Settings
from api.jobs.items import analyze_item
from api.pipeline.article import prepare_article
from tests.api.test_analyze_stream import STREAM, _events
from tests.fakes import ScriptedClient
from tests.pipeline.test_long_articles import kim_answer

# ~180,000 characters, 1,330 sentences: a long investigation (tests/data/README.md).
INVESTIGATION = (
    (Path(__file__).parents[1] / "data" / "long_article_kim.txt").read_text() + "\n"
) * 2


def _client(settings: Settings) -> TestClient:
    analyzer = make_analyzer(settings, client=ScriptedClient(kim_answer))
    return TestClient(create_app(settings, analyzer))


def test_plain_request_over_the_synchronous_limit_is_a_413(llm_settings: Settings) -> None:
    with _client(llm_settings) as client:
        response = client.post("/v1/analyze", json={"text": INVESTIGATION})
    assert response.status_code == 413
    assert response.json()["code"] == "text_too_long"
    assert "streamed request" in response.json()["detail"]


def test_streamed_long_article_reports_each_part_then_the_whole_analysis(
    llm_settings: Settings,
) -> None:
    with _client(llm_settings) as client:
        response = client.post("/v1/analyze", json={"text": INVESTIGATION}, headers=STREAM)
        limits = client.get("/v1/models").json()["limits"]
    assert limits["max_long_text_chars"] == llm_settings.max_long_text_chars
    events = _events(response.text)
    parts = [data for name, data in events if name == "part"]
    total = parts[0]["parts"]
    assert total >= 7  # 1,330 sentences in parts of at most 200
    [analysing] = [data for name, data in events if name == "analysing"]
    sentences = len(prepare_article(INVESTIGATION).sentences)  # ~1,330 (credits skipped)
    assert analysing["parts"] == total and analysing["sentences"] == sentences
    assert sorted(p["part"] for p in parts if p["state"] == "done") == list(range(1, total + 1))
    name, analysis = events[-1]
    assert name == "done" and analysis["coverage"]["complete"]
    assert [a["name"] for a in analysis["actors"]] == ["Kim Jong-un"]


def test_stream_over_the_long_limit_is_refused_before_it_starts(llm_settings: Settings) -> None:
    settings = llm_settings.model_copy(update={"max_long_text_chars": 150_000})
    with _client(settings) as client:
        response = client.post("/v1/analyze", json={"text": INVESTIGATION}, headers=STREAM)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_job_item_takes_the_long_limit(llm_settings: Settings) -> None:
    analyzer = make_analyzer(llm_settings, client=ScriptedClient(kim_answer))
    line = await analyze_item(
        analyzer,
        {"text": INVESTIGATION},
        index=0,
        item_id="long",
        request_id="r-long",
        timeout_s=llm_settings.job_item_timeout_s,
        last_try=True,
    )
    assert line["ok"] and line["analysis"]["coverage"]["complete"]

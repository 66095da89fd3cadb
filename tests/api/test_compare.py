"""POST /v1/compare (issue 17): rows per claim across 2-4 articles, actors side by side.

A scripted model plays three outlets: one asserts that troops were sent, one reports the
Kremlin denying it, one is about something else. What the model answers per article is
fixed; what is tested is how compare builds its rows, merges near-duplicate claims, reads
each article's verdict and lines up the actors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.compose import make_analyzer
from api.llm.types import ChatRequest
from api.pipeline.analyze import Analyzer
from tests.conftest import SCRIPTED_MODEL
from tests.fakes import ScriptedClient

TROOPS = "Troops were sent to the border."
HARVEST = "Farmers reported a good harvest."
OUTLETS = {
    "asserts": "Officials in the Kremlin said troops were sent to the border. No numbers given.",
    "denies": "The Kremlin denied that troops were sent to the border. Analysts doubted it.",
    "other": "Local farmers reported a good harvest this year. Prices fell.",
}


def _article(marker: str) -> dict[str, Any]:
    """What the scripted model finds in one outlet's article (first pass)."""
    if marker == "other":
        actor = {"id": "A1", "name": "Local farmers", "kind": "group", "role": None, "aliases": []}
        claim = {
            "id": "C1",
            "text": HARVEST,
            "status": "confirmed",
            "asserted_by": ["A1"],
            "denied_by": [],
            "evidence": [{"sentence": 1, "act": "asserts"}],
            "confidence": 0.9,
        }
        stance = "support"
    else:
        actor = {"id": "A1", "name": "Kremlin", "kind": "government", "role": None, "aliases": []}
        denied = marker == "denies"
        claim = {
            "id": "C1",
            # The second outlet words the claim without the full stop: merged into one row.
            "text": TROOPS.rstrip(".") if denied else TROOPS,
            "status": "denied" if denied else "confirmed",
            "asserted_by": [] if denied else ["A1"],
            "denied_by": ["A1"] if denied else [],
            "evidence": [{"sentence": 1, "act": "denies" if denied else "asserts"}],
            "confidence": 0.8,
        }
        stance = "oppose" if denied else "support"
    return {
        "headline": "A report",
        "summary": "A short report.",
        "key_points": ["One point."],
        "actors": [actor],
        "claims": [claim],
        "stances": [
            {
                "actor": "A1",
                "target": "C1",
                "stance": stance,
                "evidence": claim["evidence"],
                "confidence": 0.8,
            }
        ],
    }


def _assess(marker: str, index: int, claim: str) -> dict[str, Any]:
    about = HARVEST if marker == "other" else TROOPS.rstrip(".")
    if not claim.startswith(about):
        return {"index": index, "status": "not_mentioned", "confidence": 0.9}
    verdict = {"asserts": "confirmed", "denies": "denied", "other": "confirmed"}[marker]
    act = "denies" if marker == "denies" else "asserts"
    who = "denied_by" if marker == "denies" else "asserted_by"
    return {
        "index": index,
        "status": verdict,
        who: ["A1"],
        "confidence": 0.7,
        "evidence": [{"sentence": 1, "act": act}],
    }


def scripted(request: ChatRequest) -> dict[str, Any]:
    prompt = "\n".join(m["content"] for m in request.messages)
    marker = next(m for m, text in OUTLETS.items() if text.split(".")[0] in prompt)
    contract = _article(marker)
    if "caller_claims by index:" in prompt:
        asked = re.findall(r"^\s*(\d+)\. (.+)$", prompt.split("caller_claims by index:")[-1], re.M)
        contract["caller_claims"] = [_assess(marker, int(i), text) for i, text in asked]
    return contract


@pytest.fixture
def api(llm_settings: Any) -> Iterator[TestClient]:
    analyzer = make_analyzer(llm_settings, client=ScriptedClient(scripted))
    with TestClient(create_app(llm_settings, analyzer)) as client:
        yield client


def _compare(api: TestClient, **body: Any) -> dict[str, Any]:
    articles = [{"text": OUTLETS[m], "label": m.title()} for m in ("asserts", "denies", "other")]
    response = api.post("/v1/compare", json={"articles": articles, **body})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_claims_found_in_the_articles_become_rows_matched_across_them(api: TestClient) -> None:
    result = _compare(api)
    assert result["labels"] == ["Asserts", "Denies", "Other"]
    rows = {row["claim"]: row for row in result["rows"]}
    assert list(rows) == [TROOPS, HARVEST]  # the second outlet's wording merged into the first
    troops = rows[TROOPS]
    assert (troops["source"], troops["found_in"]) == ("article", 0)
    assert [c["status"] for c in troops["cells"]] == ["confirmed", "denied", "not_mentioned"]
    assert [c["speech_acts"] for c in troops["cells"]] == [["asserts"], ["denies"], []]
    assert troops["cells"][1]["denied_by"] == ["Kremlin"]
    assert troops["cells"][1]["quotes"] == [OUTLETS["denies"].split(" Analysts")[0]]
    assert [c["status"] for c in rows[HARVEST]["cells"]] == [
        "not_mentioned",
        "not_mentioned",
        "confirmed",
    ]
    assert len(result["analyses"]) == 3


def test_actors_in_two_articles_are_lined_up(api: TestClient) -> None:
    actors = _compare(api)["actors"]
    assert actors == [
        {
            "actor": "Kremlin",
            "stances": [[f"support: {TROOPS}"], [f"oppose: {TROOPS.rstrip('.')}"], []],
        }
    ]


def test_claims_given_by_the_caller_are_the_rows(api: TestClient) -> None:
    result = _compare(api, claims=["Troops were sent to the border by Russia."])
    assert [row["source"] for row in result["rows"]] == ["caller"]
    assert result["rows"][0]["found_in"] is None
    assert [c["status"] for c in result["rows"][0]["cells"]] == [
        "confirmed",
        "denied",
        "not_mentioned",
    ]


@pytest.mark.parametrize("count", [1, 5])
def test_two_to_four_articles_or_a_problem(api: TestClient, count: int) -> None:
    response = api.post("/v1/compare", json={"articles": [{"text": OUTLETS["asserts"]}] * count})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "validation_error"


def test_an_unknown_model_is_a_problem_not_a_500(api: TestClient) -> None:
    articles = [{"text": OUTLETS["asserts"]}, {"text": OUTLETS["denies"]}]
    response = api.post("/v1/compare", json={"articles": articles, "model": "openai/nope"})
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_model"


def test_scripted_model_is_the_one_configured() -> None:
    assert SCRIPTED_MODEL.startswith("openai/")


def test_one_deadline_covers_the_whole_comparison(
    api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two passes over up to four articles must not get 45 s each: they share one deadline."""
    deadlines: list[float | None] = []
    real = Analyzer.analyze

    async def spy(self: Analyzer, request: Any, *args: Any, **kwargs: Any) -> Any:
        deadlines.append(kwargs.get("deadline"))
        return await real(self, request, *args, **kwargs)

    monkeypatch.setattr(Analyzer, "analyze", spy)
    _compare(api)
    assert len(deadlines) == 6  # 3 articles, 2 passes
    assert None not in deadlines and len(set(deadlines)) == 1

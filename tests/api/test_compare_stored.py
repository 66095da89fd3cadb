"""POST /v1/compare with stored analyses (issue 17): articles given by `analysis_id` are used
as stored — not analysed again, no tokens — and matched to the rows by the near-duplicate
rule; a row they have no claim for is `not_in_analysis`, never `not_mentioned`.

The scripted outlets of test_compare play the articles; an analysis is stored by sending its
outlet to /v1/analyze first."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import ANONYMOUS
from api.compose import make_analyzer
from api.config import Settings
from api.pipeline.analyze import Analyzer
from api.storage import StoredAnalysis
from api.storage.base import now
from tests.api.test_compare import HARVEST, OUTLETS, TROOPS, scripted
from tests.fakes import ScriptedClient
from tests.production.conftest import bearer, store_of

DENIED_TROOPS = TROOPS.rstrip(".")  # how the "denies" outlet words the claim
UNKNOWN_ID = "0" * 32


@pytest.fixture
def make_api(llm_settings: Settings) -> Iterator[Callable[..., TestClient]]:
    clients: list[TestClient] = []

    def make(**changes: Any) -> TestClient:
        settings = llm_settings.model_copy(update=changes)
        analyzer = make_analyzer(settings, client=ScriptedClient(scripted))
        client = TestClient(create_app(settings, analyzer))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def api(make_api: Callable[..., TestClient]) -> TestClient:
    return make_api()


@pytest.fixture
def analyses_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the analyzer was asked to analyse (each one spends tokens)."""
    texts: list[str] = []
    real = Analyzer.analyze

    async def spy(self: Analyzer, request: Any, *args: Any, **kwargs: Any) -> Any:
        texts.append(request.text)
        return await real(self, request, *args, **kwargs)

    monkeypatch.setattr(Analyzer, "analyze", spy)
    return texts


def _store(api: TestClient, outlet: str, headers: dict[str, str] | None = None) -> str:
    response = api.post("/v1/analyze", json={"text": OUTLETS[outlet]}, headers=headers or {})
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def _statuses(row: dict[str, Any]) -> list[str]:
    return [c["status"] for c in row["cells"]]


def test_stored_analyses_only_are_compared_as_stored(
    api: TestClient, analyses_made: list[str]
) -> None:
    ids = [_store(api, "asserts"), _store(api, "denies")]
    stored = [api.get(f"/v1/analyses/{i}").json() for i in ids]
    analyses_made.clear()
    articles = [{"analysis_id": i, "label": f"Stored {n}"} for n, i in enumerate(ids, 1)]
    response = api.post("/v1/compare", json={"articles": articles})
    assert response.status_code == 200, response.text
    result = response.json()
    assert analyses_made == []  # nothing analysed again: no tokens spent
    assert result["analyses"] == stored
    assert result["labels"] == ["Stored 1", "Stored 2"]
    [row] = result["rows"]  # the second wording merged into the first
    assert (row["claim"], row["found_in"]) == (TROOPS, 0)
    assert _statuses(row) == ["confirmed", "denied"]
    assert row["cells"][1]["denied_by"] == ["Kremlin"]
    assert [a["actor"] for a in result["actors"]] == ["Kremlin"]


def test_stored_and_pasted_articles_mixed(api: TestClient, analyses_made: list[str]) -> None:
    stored_id = _store(api, "denies")
    analyses_made.clear()
    articles = [
        {"analysis_id": stored_id, "label": "Denies"},
        {"text": OUTLETS["asserts"], "label": "Asserts"},
        {"text": OUTLETS["other"], "label": "Other"},
    ]
    response = api.post("/v1/compare", json={"articles": articles})
    assert response.status_code == 200, response.text
    result = response.json()
    # Only the pasted articles are analysed, in both passes.
    assert sorted(analyses_made) == sorted([OUTLETS["asserts"], OUTLETS["other"]] * 2)
    rows = {row["claim"]: row for row in result["rows"]}
    assert list(rows) == [DENIED_TROOPS, HARVEST]
    assert _statuses(rows[DENIED_TROOPS]) == ["denied", "confirmed", "not_mentioned"]
    # The stored analysis was never read for the harvest: not `not_mentioned`.
    assert _statuses(rows[HARVEST]) == ["not_in_analysis", "not_mentioned", "confirmed"]
    assert rows[HARVEST]["cells"][0]["quotes"] == []
    assert result["analyses"][0]["id"] == stored_id


def test_caller_claims_match_a_stored_analysis_by_the_merge_rule(api: TestClient) -> None:
    stored_id = _store(api, "denies")
    articles = [{"analysis_id": stored_id}, {"text": OUTLETS["asserts"]}]
    claims = ["Troops were sent to the border!", "Farmers reported a good harvest."]
    response = api.post("/v1/compare", json={"articles": articles, "claims": claims})
    assert response.status_code == 200, response.text
    first, second = response.json()["rows"]
    assert _statuses(first) == ["denied", "confirmed"]
    assert _statuses(second) == ["not_in_analysis", "not_mentioned"]


def test_an_unknown_analysis_id_is_a_404_problem(api: TestClient) -> None:
    articles = [{"analysis_id": UNKNOWN_ID}, {"text": OUTLETS["asserts"]}]
    response = api.post("/v1/compare", json={"articles": articles})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "analysis_not_found"
    assert "Article 1" in problem["detail"]


@pytest.mark.parametrize(
    "article",
    [
        {"text": OUTLETS["asserts"], "analysis_id": UNKNOWN_ID},
        {"label": "Neither"},
        {"analysis_id": "not-an-id"},
    ],
    ids=["both", "neither", "malformed"],
)
def test_an_article_needs_text_or_analysis_id(api: TestClient, article: dict[str, Any]) -> None:
    response = api.post("/v1/compare", json={"articles": [article, {"text": OUTLETS["denies"]}]})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "validation_error"
    if "analysis_id" not in article or "text" in article:
        assert [e["type"] for e in problem["errors"]] == ["text_or_analysis_id"]


def test_another_keys_analysis_is_not_found(make_api: Callable[..., TestClient]) -> None:
    api = make_api(auth=True)
    owner, other = bearer(store_of(api), "cms"), bearer(store_of(api), "desk")
    stored_id = _store(api, "denies", owner)
    body = {"articles": [{"analysis_id": stored_id}, {"text": OUTLETS["asserts"]}]}
    foreign = api.post("/v1/compare", json=body, headers=other)
    assert foreign.status_code == 404
    assert foreign.json()["code"] == "analysis_not_found"
    assert api.post("/v1/compare", json=body, headers=owner).status_code == 200


def test_a_stored_analysis_the_schema_cannot_read_is_a_422_problem(api: TestClient) -> None:
    """E.g. one of an old schema version kept past an upgrade: a problem, not a 500."""
    old = StoredAnalysis(
        id="1" * 32,
        owner=ANONYMOUS.name,
        schema_version="0.1",
        analysis_json='{"headline": "An old shape"}',
        request_json="{}",
        created_at=now(),
        expires_at=None,
    )
    store_of(api).put_analysis(old)
    articles = [{"analysis_id": old.id}, {"text": OUTLETS["asserts"]}]
    response = api.post("/v1/compare", json={"articles": articles})
    assert response.status_code == 422
    assert response.json()["code"] == "analysis_unreadable"

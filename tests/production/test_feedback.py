"""Editor feedback: stored per analysis (owner key only), listed, and exported by
`stancewire feedback export` as candidate golden cases that the eval loader accepts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from api.cli import app as cli
from api.config import get_settings
from evals.case_model import load_case
from tests.production.conftest import AppFactory, bearer, store_of


@pytest.fixture
def analysed(make_app: AppFactory, seed_text: str, tmp_path: Path) -> tuple[Any, dict[str, Any]]:
    client = make_app(data_dir=tmp_path)
    return client, client.post("/v1/analyze", json={"text": seed_text}).json()


def test_feedback_is_kept_per_analysis_in_redis(
    make_app: AppFactory, seed_text: str, redis_url: str
) -> None:
    one, two = make_app(redis_url=redis_url), make_app(redis_url=redis_url)
    first = one.post("/v1/analyze", json={"text": seed_text}).json()["id"]
    second = one.post("/v1/analyze", json={"text": seed_text}).json()["id"]
    body = {"finding": "claims", "problem": "missing", "expected": "Troops were paid"}
    assert _feedback(one, first, **body).status_code == 201
    assert _feedback(two, second, **body).status_code == 201  # another replica
    assert len(two.get(f"/v1/analyses/{first}/feedback").json()["items"]) == 1
    assert len(store_of(one).list_feedback()) == 2


def _feedback(client: Any, analysis_id: str, **body: Any) -> Any:
    headers = body.pop("headers", {})
    return client.post(f"/v1/analyses/{analysis_id}/feedback", json=body, headers=headers)


def test_feedback_is_stored_and_listed(analysed: tuple[Any, dict[str, Any]]) -> None:
    client, analysis = analysed
    claim = analysis["claims"][0]["id"]
    given = _feedback(
        client,
        analysis["id"],
        finding=f"claims/{claim}",
        problem="wrong_status",
        expected="denied",
        note="The ministry denied it in paragraph 4.",
    )
    assert given.status_code == 201
    listed = client.get(f"/v1/analyses/{analysis['id']}/feedback").json()["items"]
    assert listed == [given.json()]
    assert listed[0]["finding"] == f"claims/{claim}" and listed[0]["expected"] == "denied"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"finding": "claims/C99", "problem": "wrong_status"}, "validation_error"),
        ({"finding": "stances/999", "problem": "wrong_stance"}, "validation_error"),
        ({"finding": "claims", "problem": "wrong_status"}, "validation_error"),
        ({"finding": "claims/C1", "problem": "looks odd"}, "validation_error"),
        ({"finding": "summary", "problem": "other"}, "validation_error"),
    ],
)
def test_feedback_on_no_such_finding_is_422(
    analysed: tuple[Any, dict[str, Any]], body: dict[str, Any], code: str
) -> None:
    client, analysis = analysed
    response = _feedback(client, analysis["id"], **body)
    assert response.status_code == 422 and response.json()["code"] == code


def test_feedback_needs_the_owner_key(make_app: AppFactory, seed_text: str) -> None:
    client = make_app(auth=True)
    owner, other = bearer(store_of(client), "cms"), bearer(store_of(client), "desk")
    analysis = client.post("/v1/analyze", json={"text": seed_text}, headers=owner).json()
    body = {"finding": "claims", "problem": "missing", "expected": "A new claim"}
    assert _feedback(client, analysis["id"], headers=other, **body).status_code == 404
    assert _feedback(client, "0" * 32, headers=owner, **body).status_code == 404
    assert _feedback(client, analysis["id"], headers=owner, **body).status_code == 201


def test_feedback_export_writes_loadable_candidate_cases(
    analysed: tuple[Any, dict[str, Any]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    seed_text: str,
) -> None:
    client, analysis = analysed
    claim, actor = analysis["claims"][0], analysis["actors"][0]
    stance = analysis["stances"][0]
    for body in (
        {"finding": f"claims/{claim['id']}", "problem": "wrong_status", "expected": "denied"},
        {"finding": "stances/0", "problem": "wrong_stance", "expected": "mixed"},
        {"finding": f"actors/{actor['id']}", "problem": "not_an_actor", "note": "a newswire"},
        {"finding": "claims", "problem": "missing", "expected": "Troops were paid"},
    ):
        assert _feedback(client, analysis["id"], **body).status_code == 201
    monkeypatch.setenv("STANCEWIRE_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["feedback", "export", "--out", str(tmp_path / "cases")])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    (path,) = (tmp_path / "cases").glob("*.yaml")
    case = load_case(path)  # the eval suite's own loader and validation
    assert case.article_text() == seed_text
    assert [c.status for c in case.expect.claims] == [["denied"]]
    assert case.expect.stances[0].stance == ["mixed"]
    assert case.expect.stances[0].actor == next(
        a["name"] for a in analysis["actors"] if a["id"] == stance["actor"]
    )
    assert case.expect.forbidden_actors == [actor["name"]]
    assert "claims: missing" in case.description and "a newswire" in case.description

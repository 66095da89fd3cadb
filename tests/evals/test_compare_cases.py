"""Golden compare cases (evals/compare_cases, issue 17): real articles on one event with the
verdict each should get, run through POST /v1/compare. Mismatches are not hidden: each case
lists the built-in engine's current ones (`known_mismatches`) and the test fails when the
engine's answers change in either direction, printing the whole comparison."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from api.app import create_app
from api.compose import make_analyzer
from api.config import Settings
from api.model_ref import BUILTIN_MODEL
from tests.conftest import ROOT

CASES = sorted((ROOT / "evals" / "compare_cases").glob("*.yaml"))
DATASETS = ROOT / "evals" / "datasets"


def load(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return case


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(
        _env_file=None, cache_size=0, data_dir=tmp_path_factory.mktemp("compare-cases")
    )
    with TestClient(create_app(settings, make_analyzer(settings))) as api:
        yield api


def test_there_is_a_case_with_three_real_articles_on_one_event() -> None:
    assert any(len(load(path)["articles"]) >= 3 for path in CASES)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_case_articles_are_held_out_fnc1_bodies(path: Path) -> None:
    """Each article is the FNC-1 body it names, paired with the claim in a held-out group
    (the claim model never trained on it), with the label the case says."""
    case = load(path)
    bodies = {}
    for line in (DATASETS / "near_miss_articles.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        bodies[row["body_id"]] = row["body"]
    held = {
        (r["headline"], r["body_id"]): r["stance"]
        for r in map(json.loads, (DATASETS / "fnc1_heldout.jsonl").open(encoding="utf-8"))
    }
    for article in case["articles"]:
        body_id = article["fnc1_body_id"]
        assert article["text"].rstrip("\n") == bodies[body_id].rstrip("\n")
        assert held[(case["claims"][0], body_id)] == article["fnc1_stance"]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_compare_case_verdicts_with_the_builtin_engine(client: TestClient, path: Path) -> None:
    case = load(path)
    articles = [{"text": a["text"], "label": a["label"]} for a in case["articles"]]
    response = client.post(
        "/v1/compare",
        json={"articles": articles, "claims": case["claims"], "model": BUILTIN_MODEL},
    )
    assert response.status_code == 200, response.text
    cells = response.json()["rows"][0]["cells"]
    report = [
        (a["label"], a["expected"], cell["status"], cell["confidence"])
        for a, cell in zip(case["articles"], cells, strict=True)
    ]
    mismatches = [
        {"article": label, "expected": expected, "got": got}
        for label, expected, got, _ in report
        if got not in expected
    ]
    known = [
        {k: m[k] for k in ("article", "expected", "got")}
        for m in case.get("known_mismatches", {}).get(BUILTIN_MODEL, [])
    ]
    table = "\n".join(
        f"  {label}: expected {exp}, got {got} ({conf})" for label, exp, got, conf in report
    )
    assert mismatches == known, f"{path.name}: the engine's verdicts changed:\n{table}"

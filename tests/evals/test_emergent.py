from __future__ import annotations

from collections import Counter

import pytest

from api.errors import UpstreamUnavailable
from evals.datasets.emergent import (
    LABEL_MAP,
    SAMPLE_PATH,
    load_rows,
    run_emergent,
    score_predictions,
    stratified_sample,
    to_request,
)
from schemas.analysis import Analysis, Claim
from schemas.request import AnalyzeRequest
from tests.evals.builders import analysis


def test_label_mapping() -> None:
    assert LABEL_MAP == {"for": "confirmed", "against": "denied", "observing": "unconfirmed"}
    row = load_rows()[0]
    assert row.gold == LABEL_MAP[row.stance]


def test_bundled_sample_is_stratified() -> None:
    rows = load_rows(SAMPLE_PATH)
    assert len(rows) == 60
    assert Counter(r.stance for r in rows) == {"for": 29, "observing": 22, "against": 9}


def test_stratified_sample_keeps_proportions_and_is_deterministic() -> None:
    rows = load_rows()
    sample = stratified_sample(rows, 20, seed=1)
    assert len(sample) == 20
    assert Counter(r.stance for r in sample) == {"for": 10, "observing": 7, "against": 3}
    assert sample == stratified_sample(rows, 20, seed=1)
    assert stratified_sample(rows, 500) == rows


def test_request_sends_headline_as_text_and_claim_as_caller_claim() -> None:
    row = load_rows()[0]
    request = to_request(row, "builtin/rules-en")
    assert request.text == row.headline and request.claims == [row.claim]
    assert request.tasks == ["claims"] and request.model == "builtin/rules-en"


def test_scores_and_majority_baseline() -> None:
    gold = ["confirmed"] * 5 + ["unconfirmed"] * 3 + ["denied"] * 2
    predicted = ["confirmed"] * 4 + ["disputed"] + ["unconfirmed"] * 3 + ["error:upstream"] * 2
    scores = score_predictions(gold, predicted)
    assert scores.accuracy == pytest.approx(0.7)
    assert scores.errors == 2
    # confirmed: P 1, R .8 -> .889; unconfirmed: 1; denied: 0
    assert scores.macro_f1 == pytest.approx((8 / 9 + 1 + 0) / 3)
    assert scores.baseline_label == "confirmed"
    assert scores.baseline_accuracy == 0.5
    assert scores.baseline_macro_f1 == pytest.approx((2 / 3) / 3)  # P .5, R 1 for confirmed
    assert scores.confusion["confirmed"] == {"confirmed": 4, "disputed": 1}


class ClaimAnalyzer:
    def __init__(self, failing_id: str) -> None:
        self.failing_id = failing_id

    async def analyze(self, request: AnalyzeRequest, request_id: str | None = None) -> Analysis:
        if request_id == f"emergent-{self.failing_id}":
            raise UpstreamUnavailable("down")
        status = "denied" if "not" in request.text.lower() else "confirmed"
        claim = Claim(
            id="Q1", text=request.claims[0], source="caller", status=status, confidence=0.5
        )
        return analysis(text=request.text, claims=[claim])


async def test_run_scores_every_row_and_captures_errors() -> None:
    rows = load_rows()[:12]
    analyzer = ClaimAnalyzer(failing_id=rows[2].id)
    run = await run_emergent(rows, analyzer, "test/m", "sample", concurrency=2)
    assert run.scores.n == 12 and run.scores.errors == 1
    assert [r.id for r in run.rows] == [r.id for r in rows]
    assert run.rows[2].predicted == "error:upstream_unavailable"
    assert {r.predicted for r in run.rows} - {"confirmed", "denied"} == {
        "error:upstream_unavailable"
    }

"""The FNC-1 and near-miss adapters score any checker; the committed data is well formed."""

from __future__ import annotations

import pytest

from evals.datasets import fnc1, near_miss
from evals.datasets.near_miss import Check


class KeywordChecker:
    """Test fake: calls the article about the claim when they share its first word."""

    def check(self, claim: str, article: str) -> Check:
        mentioned = claim.split()[0].lower() in article.lower()
        return Check("confirmed" if mentioned else "not_mentioned", 0.9 if mentioned else 0.1)


def test_near_miss_set_has_200_real_claims_each_with_its_own_article() -> None:
    rows = near_miss.load_rows()
    articles = near_miss.load_articles()
    real = {r.claim for r in rows if not r.kind.startswith("swapped")}
    assert len(real) >= 200
    assert {r.body_id for r in rows} <= set(articles)
    own = {r.claim for r in rows if r.kind == "own_article"}
    assert own == real
    for row in rows:
        assert (row.label == "related") == (row.kind == "own_article")
        if row.kind.startswith("swapped"):
            assert row.original_claim in own and row.claim != row.original_claim


def test_near_miss_scores_count_abstentions_and_verdicts() -> None:
    rows = near_miss.load_rows()[:30]
    results, scores = near_miss.run_near_miss(rows, near_miss.load_articles(), KeywordChecker())
    assert scores.n == 30 == len(results)
    unrelated = [r for r in results if r.label == "unrelated"]
    assert scores.unrelated_to_not_mentioned == pytest.approx(
        sum(r.status == "not_mentioned" for r in unrelated) / len(unrelated)
    )
    assert 0.0 <= scores.ece <= 1.0 and scores.prior_brier > 0


def test_fnc1_adapter_scores_statuses_with_the_official_weights() -> None:
    gold = ["agree", "unrelated", "discuss", "disagree"]
    statuses = ["confirmed", "not_mentioned", "disputed", "unconfirmed"]
    scores = fnc1.score_fnc1(gold, [fnc1.STANCE_OF_STATUS[s] for s in statuses])
    assert scores.score_pct == pytest.approx(100 * (1 + 0.25 + 1 + 0.25) / 3.25)
    assert scores.f1["agree"] == 1.0 and scores.f1["disagree"] == 0.0


def test_fnc1_heldout_rows_all_have_their_body() -> None:
    rows, bodies = fnc1.load_fnc1()
    assert len(rows) > 1000
    assert {r.body_id for r in rows} <= set(bodies)

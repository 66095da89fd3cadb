"""Near-miss caller claims (issue 11): does the checker abstain when the article is not about it?

Each row is a real claim (Emergent claim or FNC-1 headline) against a real article
(FNC-1 body): its own article (related: any verdict is right), the article of another
event that shares words with it, or its own article after one name or main verb of the
claim was swapped (unrelated: `not_mentioned` is right). Built by
scripts/build_near_miss.py; see NEAR_MISS.md. Scored with the rate of each right answer,
and top-label ECE and Brier of the binary mentioned / not-mentioned decision against the
class-prior baseline.

A checker is anything with `check(claim, article) -> Check`; ClaimModelChecker is the
trained claim model alone. Once the engine reports caller claims with a confidence, an
engine checker that runs an analysis per row fits the same protocol.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from api.builtin.claimmodel.model import ClaimModel

from api.builtin.claimmodel.metrics import brier, top_label_ece
from api.model_ref import BUILTIN_MODEL

DATA_DIR = Path(__file__).parent
ROWS_PATH = DATA_DIR / "near_miss.jsonl"
ARTICLES_PATH = DATA_DIR / "near_miss_articles.jsonl"
Kind = Literal["own_article", "other_event", "swapped_entity", "swapped_predicate"]


class NearMissRow(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    claim: str
    body_id: int
    label: Literal["related", "unrelated"]
    kind: Kind
    claim_source: str
    group: str
    original_claim: str | None = None


@dataclass(frozen=True)
class Check:
    status: (
        str  # a caller-claim status: confirmed | unconfirmed | disputed | denied | not_mentioned
    )
    p_mentioned: float  # the checker's probability that the article is about the claim


class Checker(Protocol):
    def check(self, claim: str, article: str) -> Check: ...


class ClaimModelChecker:
    """The trained claim model on the article's sentences (api.builtin.claimmodel)."""

    def __init__(self) -> None:
        from api.builtin.claimmodel import load_claim_model

        self.model: ClaimModel = load_claim_model()
        self.name = f"claimmodel/{self.model.version}"

    def check(self, claim: str, article: str) -> Check:
        return self.check_with(self.model, claim, article)

    @staticmethod
    def check_with(model: ClaimModel, claim: str, article: str) -> Check:
        from api.pipeline.article import prepare_article

        sentences = [s.text for s in prepare_article(article).sentences]
        result = model.assess(claim, sentences)
        return Check(result.verdict, result.related)


class EngineChecker:
    """The built-in engine end to end (relatedness checks, rules, claim model): the status
    and confidence an API caller gets for the claim. P(mentioned) is the reported
    confidence for a verdict and 1 - confidence for `not_mentioned`."""

    def __init__(self) -> None:
        from api.builtin.claimmodel import load_claim_model
        from api.builtin.engine import DEFAULT_MODEL

        self.name = f"{DEFAULT_MODEL} + claimmodel/{load_claim_model().version}"

    def check(self, claim: str, article: str) -> Check:
        from api.builtin.engine import analyse
        from api.pipeline.article import prepare_article
        from api.pipeline.engine import AnalysisJob

        job = AnalysisJob(
            prepare_article(article), BUILTIN_MODEL, ("actors",), caller_claims=(claim,)
        )
        contract, _ = analyse(job)
        (found,) = contract.caller_claims
        mentioned = found.status != "not_mentioned"
        p = found.confidence if mentioned else 1.0 - found.confidence
        return Check(found.status, p)


class RowResult(BaseModel):
    id: str
    kind: Kind
    label: str
    status: str
    p_mentioned: float

    @property
    def right(self) -> bool:
        return (self.status == "not_mentioned") == (self.label == "unrelated")


class NearMissScores(BaseModel):
    n: int
    unrelated_to_not_mentioned: float
    related_to_verdict: float
    by_kind: dict[str, float]  # share of right answers per kind of row
    ece: float
    brier: float
    prior_brier: float


def load_rows(path: Path = ROWS_PATH) -> list[NearMissRow]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [NearMissRow.model_validate_json(line) for line in lines if line.strip()]


def load_articles(path: Path = ARTICLES_PATH) -> dict[int, str]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return {int(r["body_id"]): str(r["body"]) for r in rows}


def run_near_miss(
    rows: list[NearMissRow],
    articles: dict[int, str],
    checker: Checker,
    on_row: Callable[[RowResult], None] | None = None,
) -> tuple[list[RowResult], NearMissScores]:
    results = []
    for row in rows:
        found = checker.check(row.claim, articles[row.body_id])
        result = RowResult(
            id=row.id,
            kind=row.kind,
            label=row.label,
            status=found.status,
            p_mentioned=found.p_mentioned,
        )
        results.append(result)
        if on_row is not None:
            on_row(result)
    return results, score(results)


def score(results: list[RowResult]) -> NearMissScores:
    def rate(selected: list[RowResult]) -> float:
        return sum(r.right for r in selected) / max(1, len(selected))

    kinds = sorted(Counter(r.kind for r in results))
    p = np.array([r.p_mentioned for r in results])
    probs = np.column_stack([1 - p, p])  # columns: unrelated, related
    gold = np.array([int(r.label == "related") for r in results])
    prior = np.tile([1 - gold.mean(), gold.mean()], (len(gold), 1))
    return NearMissScores(
        n=len(results),
        unrelated_to_not_mentioned=rate([r for r in results if r.label == "unrelated"]),
        related_to_verdict=rate([r for r in results if r.label == "related"]),
        by_kind={k: rate([r for r in results if r.kind == k]) for k in kinds},
        ece=top_label_ece(probs, gold),
        brier=brier(probs, gold),
        prior_brier=brier(prior, gold),
    )

"""Emergent (Ferreira & Vlachos, NAACL 2016): claim status per news headline.

Each row is a headline and the rumour it reports on. The headline is sent as the article
text, the rumour as a caller-given claim, with only the `claims` task; the status the
service gives the claim is scored against the row's stance, mapped onto confirmation
status as the article reports it: for -> confirmed, against -> denied, observing ->
unconfirmed. Any other answer (disputed, not_mentioned, an error) counts as wrong.
Scores come with the majority-class baseline of the same rows, so a number means
something on its own.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.errors import StancewireError
from evals.counting import Confusion, add_to_confusion, f1, ratio
from evals.runner import AnalyzerLike
from schemas.request import AnalyzeRequest

SAMPLE_PATH = Path(__file__).parent / "emergent_sample.jsonl"
EmergentStance = Literal["for", "against", "observing"]
LABEL_MAP: dict[str, str] = {"for": "confirmed", "against": "denied", "observing": "unconfirmed"}
GOLD_LABELS = ["confirmed", "denied", "unconfirmed"]


class EmergentRow(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    claim_id: str
    claim: str
    headline: str
    stance: EmergentStance
    veracity: str | None = Field(default=None, description="The world's later verdict: metadata.")
    source: str | None = None

    @property
    def gold(self) -> str:
        return LABEL_MAP[self.stance]


class RowResult(BaseModel):
    id: str
    gold: str
    predicted: str = Field(description="Status of the claim, or `error:<code>`.")
    headline: str


class DatasetScores(BaseModel):
    n: int
    errors: int
    accuracy: float | None
    macro_f1: float | None = Field(description="Mean F1 over confirmed, denied, unconfirmed.")
    confusion: Confusion = Field(description="Gold -> predicted -> count.")
    label_counts: dict[str, int]
    baseline_label: str | None = Field(description="The most frequent gold label.")
    baseline_accuracy: float | None
    baseline_macro_f1: float | None


class DatasetRun(BaseModel):
    dataset: str = "emergent"
    model: str
    source: str
    rows: list[RowResult]
    scores: DatasetScores


def load_rows(path: Path = SAMPLE_PATH) -> list[EmergentRow]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [EmergentRow.model_validate_json(line) for line in lines if line.strip()]


def stratified_sample(rows: list[EmergentRow], limit: int, seed: int = 0) -> list[EmergentRow]:
    """`limit` rows with the label proportions of `rows` (largest remainder), in file order."""
    if limit >= len(rows):
        return list(rows)
    by_label: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_label.setdefault(row.stance, []).append(i)
    quotas = {label: limit * len(ix) / len(rows) for label, ix in by_label.items()}
    take = {label: int(q) for label, q in quotas.items()}
    by_remainder = sorted(quotas, key=lambda label: quotas[label] - take[label], reverse=True)
    for label in by_remainder[: limit - sum(take.values())]:
        take[label] += 1
    rng = random.Random(seed)
    chosen = {i for label, ix in sorted(by_label.items()) for i in rng.sample(ix, take[label])}
    return [row for i, row in enumerate(rows) if i in chosen]


def to_request(row: EmergentRow, model: str | None = None) -> AnalyzeRequest:
    return AnalyzeRequest(text=row.headline, claims=[row.claim], tasks=["claims"], model=model)


def predicted_status(claims: list[tuple[str, str]]) -> str:
    """Status of the one caller claim among (source, status) pairs; `none` if absent."""
    return next((status for source, status in claims if source == "caller"), "none")


def score_predictions(gold: list[str], predicted: list[str]) -> DatasetScores:
    confusion: Confusion = {}
    for g, p in zip(gold, predicted, strict=True):
        add_to_confusion(confusion, g, p)
    counts = Counter(gold)
    majority = max(GOLD_LABELS, key=lambda label: counts[label]) if gold else None
    always_majority: Confusion = {g: {str(majority): n} for g, n in counts.items()}
    return DatasetScores(
        n=len(gold),
        errors=sum(p.startswith("error:") for p in predicted),
        accuracy=ratio(sum(g == p for g, p in zip(gold, predicted, strict=True)), len(gold)),
        macro_f1=macro_f1_over(confusion, GOLD_LABELS) if gold else None,
        confusion=confusion,
        label_counts={label: counts[label] for label in GOLD_LABELS},
        baseline_label=majority,
        baseline_accuracy=ratio(counts[majority], len(gold)) if majority else None,
        baseline_macro_f1=macro_f1_over(always_majority, GOLD_LABELS) if gold else None,
    )


def macro_f1_over(confusion: Confusion, labels: list[str]) -> float:
    """Mean F1 over `labels`; predictions outside them only count as misses."""
    scores = []
    for label in labels:
        tp = confusion.get(label, {}).get(label, 0)
        predicted = sum(row.get(label, 0) for row in confusion.values())
        gold = sum(confusion.get(label, {}).values())
        scores.append(f1(ratio(tp, predicted) or 0.0, ratio(tp, gold) or 0.0) or 0.0)
    return sum(scores) / len(scores)


async def run_emergent(
    rows: list[EmergentRow],
    analyzer: AnalyzerLike,
    model: str,
    source: str,
    concurrency: int = 4,
    on_row: Callable[[RowResult], None] | None = None,
) -> DatasetRun:
    slots = asyncio.Semaphore(concurrency)

    async def one(row: EmergentRow) -> RowResult:
        async with slots:
            try:
                analysis = await analyzer.analyze(to_request(row, model), f"emergent-{row.id}")
                predicted = predicted_status([(c.source, c.status) for c in analysis.claims])
            except StancewireError as exc:
                predicted = f"error:{exc.code}"
        result = RowResult(id=row.id, gold=row.gold, predicted=predicted, headline=row.headline)
        if on_row is not None:
            on_row(result)
        return result

    results = list(await asyncio.gather(*(one(row) for row in rows)))
    scores = score_predictions([r.gold for r in results], [r.predicted for r in results])
    return DatasetRun(model=model, source=source, rows=results, scores=scores)

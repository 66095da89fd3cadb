"""FNC-1 (Fake News Challenge stage 1): what a news body does with a headline's claim.

Each row is a headline (sent as a caller claim) and a body (the article); the answer is
scored with the official FNC-1 score — 0.25 for getting related/unrelated right, 0.75
more for the right one of agree / disagree / discuss — as a percentage of the maximum,
with per-class F1 and the always-"discuss" baseline of the same rows. Mapping onto
caller-claim statuses: agree = confirmed, disagree = denied, discuss = unconfirmed
(disputed counts as discuss), unrelated = not_mentioned.

`fnc1_heldout.jsonl` holds the FNC-1 pairs of the claim groups the claim model never
trains on (the near-miss groups; bodies in near_miss_articles.jsonl), so scoring it is a
fair test. The FNC-1 competition test set in the same format scores the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from api.builtin.claimmodel.model import ClaimModel

from api.builtin.claimmodel.metrics import f1_per_class, fnc_score

DATA_DIR = Path(__file__).parent
HELDOUT_PATH = DATA_DIR / "fnc1_heldout.jsonl"
BODIES_PATH = DATA_DIR / "near_miss_articles.jsonl"
LABELS = ("unrelated", "agree", "disagree", "discuss")
STANCE_OF_STATUS = {
    "confirmed": "agree",
    "denied": "disagree",
    "unconfirmed": "discuss",
    "disputed": "discuss",
    "not_mentioned": "unrelated",
}


class Fnc1Row(BaseModel):
    model_config = ConfigDict(extra="ignore")

    headline: str
    body_id: int
    stance: Literal["unrelated", "agree", "disagree", "discuss"]


class Fnc1Scores(BaseModel):
    n: int
    score_pct: float  # official score, % of the maximum
    f1: dict[str, float]
    macro_f1: float
    always_discuss_pct: float
    label_counts: dict[str, int]


class Fnc1Run(BaseModel):
    model: str
    predicted: list[str]
    scores: Fnc1Scores


def load_fnc1(
    rows_path: Path = HELDOUT_PATH, bodies_path: Path = BODIES_PATH
) -> tuple[list[Fnc1Row], dict[int, str]]:
    rows = [
        Fnc1Row.model_validate_json(line)
        for line in rows_path.read_text("utf-8").splitlines()
        if line
    ]
    bodies = {}
    for line in bodies_path.read_text("utf-8").splitlines():
        if line:
            record = json.loads(line)
            bodies[int(record["body_id"])] = str(record["body"])
    return rows, bodies


def score_fnc1(gold: list[str], predicted: list[str]) -> Fnc1Scores:
    score, best = fnc_score(gold, predicted)
    discuss, _ = fnc_score(gold, ["discuss"] * len(gold))
    f1 = f1_per_class(gold, predicted, LABELS)
    return Fnc1Scores(
        n=len(gold),
        score_pct=100 * score / best if best else 0.0,
        f1=f1,
        macro_f1=sum(f1.values()) / len(f1),
        always_discuss_pct=100 * discuss / best if best else 0.0,
        label_counts={label: gold.count(label) for label in LABELS},
    )


def run_fnc1(
    rows: list[Fnc1Row],
    bodies: dict[int, str],
    model: ClaimModel,
    on_row: Callable[[str], None] | None = None,
) -> Fnc1Run:
    """Score the claim model; the engine plugs in the same way through STANCE_OF_STATUS."""
    from api.pipeline.article import prepare_article

    sentences = {i: [s.text for s in prepare_article(b).sentences] for i, b in bodies.items()}
    predicted = []
    for row in rows:
        verdict = model.assess(row.headline, sentences[row.body_id]).verdict
        predicted.append(STANCE_OF_STATUS[verdict])
        if on_row is not None:
            on_row(predicted[-1])
    scores = score_fnc1([r.stance for r in rows], predicted)
    return Fnc1Run(model=f"claimmodel/{model.version}", predicted=predicted, scores=scores)

"""MODEL_CARD.md from a training run: data, exclusions, folds, scores, how to reproduce."""

# ruff: noqa: E501  (Markdown table rows and sentences read better unbroken)

from __future__ import annotations

from pathlib import Path
from typing import Any

from api.builtin.claimmodel.train import TrainingRun, environment

EXPERIMENTS = Path(__file__).parent / "artifact" / "EXPERIMENTS.md"


def _pct(x: float) -> str:
    return f"{x:.1f} %"


def _n(x: float) -> str:
    return f"{x:.3f}"


def _fnc_table(fnc: dict[str, Any]) -> list[str]:
    lines = [
        "| FNC-1 (out-of-fold) | score % of max | F1 unrelated | F1 agree | F1 disagree | F1 discuss | ECE | Brier |",
        "|---|---|---|---|---|---|---|---|",
    ]
    labels = {
        "model": "claim model (chosen relatedness threshold)",
        "model_at_half": "claim model, threshold 0.5",
        "baseline": "organisers' baseline (re-implemented), same folds",
    }
    for name, label in labels.items():
        if name not in fnc:
            continue
        b = fnc[name]
        f1 = b["f1"]
        lines.append(
            f"| {label} | {_pct(b['score_pct'])} | {_n(f1['unrelated'])} | {_n(f1['agree'])} | "
            f"{_n(f1['disagree'])} | {_n(f1['discuss'])} | {_n(b['ece'])} | {_n(b['brier'])} |"
        )
    lines.append(f"| always discuss | {_pct(fnc['always_discuss_score_pct'])} | | | | | | |")
    lines.append(f"| class prior (training folds) | | | | | | | {_n(fnc['prior_brier'])} |")
    return lines


def _emergent_table(em: dict[str, Any]) -> list[str]:
    lines = [
        "| Emergent (out-of-fold) | accuracy | macro-F1 | F1 for | F1 against | F1 observing | ECE | Brier |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in ("model", "baseline"):
        b = em[name]
        f1 = b["f1"]
        label = "claim model" if name == "model" else "organisers' features + GBC, same folds"
        lines.append(
            f"| {label} | {_n(b['accuracy'])} | {_n(b['macro_f1'])} | {_n(f1['agree'])} | "
            f"{_n(f1['disagree'])} | {_n(f1['discuss'])} | {_n(b['ece'])} | {_n(b['brier'])} |"
        )
    lines.append(
        f"| majority class | {_n(em['majority_accuracy'])} | | | | | | {_n(em['prior_brier'])} |"
    )
    m = em["model"]
    lines.append("")
    lines.append(
        f"With the relatedness gate on (as the engine would answer): accuracy "
        f"{_n(m['accuracy_with_relatedness'])}; {m['called_unrelated']} of {m['n']} headlines "
        "called unrelated."
    )
    return lines


_KINDS = {
    "fnc1-related": "FNC-1 headline, own body",
    "emergent-claim-body": "Emergent claim, own body",
    "emergent": "Emergent claim, own headline",
    "fnc1-unrelated": "FNC-1 unrelated (random body)",
    "name": "name swapped (hard negative)",
    "other": "other event's body (hard negative)",
}


def _relatedness_table(rel: dict[str, Any]) -> list[str]:
    half, chosen = rel["at_half"], rel["chosen"]
    lines = [
        f"Relatedness threshold **{chosen['threshold']:.2f}**, chosen on these out-of-fold predictions: "
        "the best balanced accuracy between claims against their own bodies and the hard negatives "
        "that keeps ≥ 90 % of the former related (evaluate.choose_threshold; never on the near-miss set).",
        "",
        "| out-of-fold, right related/unrelated call | rows | at 0.5 | at the chosen threshold |",
        "|---|---|---|---|",
    ]
    for kind, label in _KINDS.items():
        if kind in chosen["by_kind"]:
            lines.append(
                f"| {label} | {chosen['n_by_kind'][kind]} | {_pct(100 * half['by_kind'][kind])} | "
                f"{_pct(100 * chosen['by_kind'][kind])} |"
            )
    return lines


def _near_miss(nm: dict[str, Any], held: dict[str, Any]) -> list[str]:
    kinds = ", ".join(f"{k} {_pct(100 * v)}" for k, v in nm["by_kind"].items())
    f1 = held["f1"]
    return [
        f"- near-miss set ({nm['n']} rows): unrelated → not_mentioned **{_pct(100 * nm['unrelated_to_not_mentioned'])}**, "
        f"related → a verdict **{_pct(100 * nm['related_to_verdict'])}**; right answers by kind: {kinds}; "
        f"ECE {_n(nm['ece'])}, Brier {_n(nm['brier'])} (class prior {_n(nm['prior_brier'])}).",
        f"- held-out FNC-1 pairs of the same groups ({held['n']} pairs): score {_pct(held['score_pct'])} of max "
        f"(always discuss {_pct(held['always_discuss_pct'])}); F1 unrelated {_n(f1['unrelated'])}, agree "
        f"{_n(f1['agree'])}, disagree {_n(f1['disagree'])}, discuss {_n(f1['discuss'])}.",
    ]


def _negatives(counts: dict[str, int]) -> str:
    kinds = {"name": "name swaps", "other": "other-event bodies"}
    return ", ".join(
        f"{counts[f'negatives_{k}']} {label}"
        for k, label in kinds.items()
        if f"negatives_{k}" in counts
    )


def render_card(run: TrainingRun) -> str:
    s = run.scores
    ex = run.exclusions
    env = ", ".join(f"{k} {v}" for k, v in environment().items())
    hashes = "\n".join(f"- `{name}` sha256 `{digest}`" for name, digest in s["data_hashes"].items())
    parts = [
        f"# Claim model card — `{run.version}`",
        "",
        "Relatedness (is the article about the claim?) and stance (agree / disagree / discuss →",
        "confirmed / denied / unconfirmed) of a claim against an article's sentences, with",
        "per-sentence relevance and speech acts. Calibrated gradient boosting over plain-text",
        "features (api/builtin/claimmodel). Generated by `make train`; do not edit by hand",
        "(the experiment log below is EXPERIMENTS.md, included verbatim).",
        "",
        "## Data",
        hashes,
        f"- {run.counts['pairs']} training pairs after exclusions (FNC-1 headline–body, Emergent",
        f"  claim–headline, Emergent claim–related body), {run.counts['swapped']} hard negatives",
        f"  from the same claims ({_negatives(run.counts)}); {run.counts['groups_kept']} claim groups kept.",
        "",
        "## Exclusions (never trained on, never in a fold)",
        f"- golden cases: every caller claim and article text of evals/cases ({len(ex.golden_sources)} files)",
        f"  matched against the data, plus the Emergent rows cases 02–08 name: {run.counts['groups_excluded_golden']}",
        "  claim groups, each with all its headlines and bodies:",
        *(f"  - `{g.removeprefix('claim:')}`" for g in sorted(ex.golden)),
        f"- the near-miss set (evals/datasets/near_miss.jsonl): {run.counts['groups_excluded_near_miss']} claim groups",
        "  with all their headlines and bodies (their FNC-1 pairs are evals/datasets/fnc1_heldout.jsonl).",
        "",
        "## Folds",
        "5 folds of whole claim groups (union of an Emergent claim_id, its headlines, the equal FNC-1",
        "headlines and the bodies FNC-1 relates to them), seed 12. A fold's model trains only on pairs",
        "whose claim and body are both outside the fold, and is scored on every pair of the fold's",
        "claims. IDF is fitted on the text (no labels) of all kept bodies and claims. Calibration:",
        "isotonic, fitted on held-out predictions of 2 inner folds grouped by claim (stance: per",
        "class and per domain, headlines vs bodies). The baseline trains on the same pairs.",
        "",
        "## Scores",
        *_relatedness_table(s["relatedness"]),
        "",
        *_fnc_table(s["fnc1"]),
        "",
        *_emergent_table(s["emergent"]),
        "",
        "Final model (trained on every kept pair):",
        *_near_miss(s["near_miss"], s["fnc1_heldout"]),
        "",
        "## Reproduce",
        "    make train                                   # DATA=../shared/data by default",
        '    make train TRAIN_ARGS="--quick"               # relatedness alone, out of fold, no artifact',
        "    .venv/bin/stancewire eval dataset near-miss  # the committed artifact on the near-miss set",
        "    .venv/bin/stancewire eval dataset fnc1       # ... on the held-out FNC-1 pairs",
        "",
        f"Environment: {env}; one thread (OMP_NUM_THREADS=1, threadpoolctl). Training took {run.seconds:.0f} s.",
        "",
        _RUN_TIME,
        "",
    ]
    if EXPERIMENTS.exists():
        parts += [EXPERIMENTS.read_text(encoding="utf-8")]
    return "\n".join(parts)


_RUN_TIME = (
    "Artifact: `claim_model.joblib` (the fitted scikit-learn objects, the training record) and, "
    "exported from it, `claim_model.npz` + `claim_model.json`: the same models as plain arrays, "
    "which the service evaluates with NumPy only (export.py, inference.py; equal to "
    "scikit-learn's probabilities to 1e-9)."
)


def write_card(run: TrainingRun, path: Path) -> Path:
    path.write_text(render_card(run), encoding="utf-8")
    return path


__all__ = ["render_card", "write_card"]

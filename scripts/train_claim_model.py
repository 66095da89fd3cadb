"""Train the claim model from the shared data: `make train` runs this.

    .venv/bin/python scripts/train_claim_model.py [--data ../shared/data] [--out DIR]

Cross-validates grouped by claim (with the organisers' FNC-1 baseline on the same
folds), fits the final model on every non-excluded pair, scores it on the near-miss set
and the held-out FNC-1 pairs, and writes the artifact, scores.json and MODEL_CARD.md.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from api.builtin.claimmodel.card import write_card
from api.builtin.claimmodel.model import ARTIFACT_DIR, read_claim_model
from api.builtin.claimmodel.train import TrainingConfig, train
from evals.datasets.fnc1 import load_fnc1, run_fnc1
from evals.datasets.near_miss import load_articles, load_rows, run_near_miss

REPO = Path(__file__).resolve().parents[1]


class _ArtifactChecker:
    def __init__(self, path: Path) -> None:
        self.model = read_claim_model(path.with_name("claim_model.npz"))  # what runs

    def check(self, claim: str, article: str):  # type: ignore[no-untyped-def]
        from evals.datasets.near_miss import ClaimModelChecker

        return ClaimModelChecker.check_with(self.model, claim, article)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ARTIFACT_DIR)
    parser.add_argument("--cache", type=Path, default=REPO / "artifacts" / "claimmodel-cache")
    parser.add_argument("--no-baseline", action="store_true", help="Skip the organisers' baseline.")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="Cross-validate relatedness alone and print it (no artifact): for experiments.",
    )
    parser.add_argument(
        "--negatives", default="name,other", help="Hard negatives: name, other, word."
    )
    parser.add_argument("--without", default="", help="Ablation: participants.")
    args = parser.parse_args()
    if not args.data.exists():
        raise SystemExit(f"no shared data at {args.data}; pass --data DIR")
    run = train(
        TrainingConfig(
            args.data,
            args.out,
            cache_dir=args.cache,
            with_baseline=not args.no_baseline,
            quick=args.quick,
            negatives=tuple(k for k in args.negatives.split(",") if k),
            without=tuple(k for k in args.without.split(",") if k),
        )
    )
    if run.artifact is None:
        print(json.dumps({"counts": run.counts, **run.scores}, indent=1))
        print(f"quick run in {run.seconds:.0f} s")
        return
    checker = _ArtifactChecker(run.artifact)
    _, near_miss = run_near_miss(load_rows(), load_articles(), checker)
    run.scores["near_miss"] = near_miss.model_dump()
    fnc_rows, bodies = load_fnc1()
    run.scores["fnc1_heldout"] = run_fnc1(fnc_rows, bodies, checker.model).scores.model_dump()
    (args.out / "scores.json").write_text(json.dumps(run.scores, indent=2, sort_keys=True) + "\n")
    write_card(run, args.out / "MODEL_CARD.md")
    print(json.dumps({k: v for k, v in run.scores.items() if k != "data_hashes"}, indent=1)[:6000])
    size = run.artifact.stat().st_size / 1e6
    print(f"{run.version}: {run.artifact} ({size:.2f} MB) in {run.seconds:.0f} s")


if __name__ == "__main__":
    main()

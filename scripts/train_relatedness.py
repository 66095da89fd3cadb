"""Train the second stage of relatedness: `make train-relatedness` runs this.

    .venv/bin/python scripts/train_relatedness.py [--data ../shared/data] [--out FILE]

Out-of-fold P(related) from the claim model's grouped cross-validation, predicate swaps
from training claims, the reader's checks as features, a logistic regression and its
threshold (api/builtin/claimmodel/train_relatedness.py). Writes the JSON artifact and
prints the out-of-fold scores per kind of row.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from api.builtin.claimmodel.train_relatedness import train_second_stage
from api.builtin.relatedness2 import ARTIFACT

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ARTIFACT)
    parser.add_argument("--cache", type=Path, default=REPO / "artifacts" / "claimmodel-cache")
    args = parser.parse_args()
    if not args.data.exists():
        raise SystemExit(f"no shared data at {args.data}; pass --data DIR")
    run = train_second_stage(args.data, args.out, args.cache)
    print(json.dumps({"counts": run.counts, **run.scores}, indent=1))
    print(f"{run.artifact['version']}: {args.out} in {run.seconds:.0f} s")


if __name__ == "__main__":
    main()

"""Fit the calibration of the built-in engine's caller-claim verdict confidence.

    .venv/bin/python scripts/fit_confidence.py [--data ../shared/data] [--out FILE]

Runs the engine on Emergent headlines and FNC-1 headline-body pairs of the training data
(golden and near-miss groups excluded), fits an isotonic map per kind of text from its raw
verdict confidence to P(right), prints out-of-fold ECE/Brier raw vs calibrated
(api/builtin/claimmodel/fit_confidence.py).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from api.builtin.claimmodel.fit_confidence import engine_verdicts, fit, training_rows
from api.builtin.verdict_calibration import ARTIFACT

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ARTIFACT)
    args = parser.parse_args()
    started = time.perf_counter()
    artifact, scores = {}, {}
    for kind, rows in training_rows(args.data).items():
        artifact[kind], scores[kind] = fit(engine_verdicts(rows))
    args.out.write_text(json.dumps(artifact, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(scores, indent=1))
    print(f"{args.out} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()

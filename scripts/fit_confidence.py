"""Fit the calibration of the built-in engine's caller-claim verdict confidence.

    .venv/bin/python scripts/fit_confidence.py [--data ../shared/data] [--out FILE]

Runs the engine on the Emergent training rows (golden and near-miss groups excluded),
fits an isotonic map from its raw verdict confidence to P(right), prints out-of-fold
ECE/Brier raw vs calibrated (api/builtin/claimmodel/fit_confidence.py).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from api.builtin.claimmodel.fit_confidence import emergent_rows, engine_verdicts, fit
from api.builtin.verdict_calibration import ARTIFACT

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ARTIFACT)
    parser.add_argument("--limit", type=int, default=None, help="Rows (seeded sample).")
    args = parser.parse_args()
    started = time.perf_counter()
    verdicts = engine_verdicts(emergent_rows(args.data, args.limit))
    artifact, scores = fit(verdicts)
    args.out.write_text(json.dumps(artifact, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(scores, indent=1))
    print(f"{args.out} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()

"""Issue 11's measurements: the engine checker on near-miss rows, and the calibration of a
run's claim confidences on the golden cases."""

from __future__ import annotations

import pytest

from evals.datasets.calibration import calibration, findings
from evals.datasets.near_miss import EngineChecker
from evals.results import RunFile
from tests.builtin.conftest import SEED


def test_engine_checker_abstains_on_another_event_and_answers_on_its_own() -> None:
    checker = EngineChecker()
    article = SEED.read_text(encoding="utf-8")
    other = checker.check("China sent troops to Ukraine", article)
    own = checker.check("North Korea sent troops to Russia", article)
    assert other.status == "not_mentioned" and other.p_mentioned < 0.5
    assert own.status == "disputed" and own.p_mentioned > 0.5


def test_calibration_against_the_class_prior() -> None:
    perfect = calibration([(1.0, True), (0.0, False)])
    assert (perfect.ece, perfect.brier) == (0.0, 0.0)
    constant = calibration([(0.75, True)] * 3 + [(0.75, False)])
    assert constant.ece == pytest.approx(0.0)  # a constant at the accuracy: ECE 0 …
    assert constant.brier == pytest.approx(constant.prior_brier)  # … and no better than prior


def test_the_committed_builtin_run_reports_a_confidence_per_claim_finding() -> None:
    from pathlib import Path

    run = RunFile.load(Path(__file__).resolve().parents[2] / "evals/runs/builtin-rules-en.json")
    pairs = findings(run)
    assert len(pairs) >= 20
    assert all(0.0 <= c <= 1.0 for c, _ in pairs)

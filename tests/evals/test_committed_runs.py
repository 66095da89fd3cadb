"""CI scores full runs without a model, exactly.

- Every trial of every committed run (evals/runs/*.json) is rescored with today's cases and
  scorers: per-trial scores, checks and pass/fail, and the aggregates, must equal the stored
  ones. A scorer made more lenient (or stricter) fails here until the runs are rescored
  (`stancewire eval rescore RUN --write RUN`) and the diff is committed.
- Runs with a cassette (the bundled 135M model; the answer key) are replayed through the
  whole pipeline: every request must find its recorded answer and give the same analysis.
- The built-in engine's run is made again and must equal the committed baseline exactly,
  better or worse: regenerate `evals/runs/builtin-rules-en.json` in the same commit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from evals.answer_key import ANSWER_KEY_NAME
from evals.case_model import load_cases
from evals.cassettes import CASSETTES_DIR
from evals.cli import eval_app
from evals.rescore import rescore_run
from evals.results import RunFile
from schemas import SCHEMA_VERSION

RUNS_DIR = Path(__file__).resolve().parents[2] / "evals" / "runs"
COMMITTED = sorted(RUNS_DIR.glob("*.json"))
REPLAYABLE = [run for run in COMMITTED if (CASSETTES_DIR / run.stem).is_dir()]
BUILTIN = RUNS_DIR / "builtin-rules-en.json"


def _trials(run: RunFile, with_usage: bool = True) -> list[dict[str, Any]]:
    """Per trial: what was scored and how; usage (latency) only when asked for."""
    out = []
    for case in run.cases:
        for trial in case.trials:
            scores = trial.scores.model_dump(exclude=None if with_usage else {"usage"})
            analysis = trial.analysis and trial.analysis.model_dump(exclude={"id", "meta"})
            error = trial.error and trial.error.code
            out.append(
                {
                    "case": case.case_id,
                    "trial": trial.trial,
                    "passed": trial.passed,
                    "checks": trial.checks,
                    "scores": scores,
                    "analysis": analysis,
                    "error": error,
                }
            )
    return out


def test_the_committed_runs_are_the_expected_ones() -> None:
    assert {p.stem for p in COMMITTED} >= {"builtin-rules-en", "smollm2-135m", ANSWER_KEY_NAME}
    assert {p.stem for p in REPLAYABLE} >= {"smollm2-135m", ANSWER_KEY_NAME}


@pytest.mark.parametrize("committed", COMMITTED, ids=lambda p: p.stem)
def test_every_trial_rescores_exactly(committed: Path) -> None:
    recorded = RunFile.load(committed)
    rescored = rescore_run(recorded, recorded.pass_rule)
    assert recorded.pass_rule.thresholds == rescored.pass_rule.thresholds
    assert _trials(rescored) == _trials(recorded)
    assert rescored.aggregates == recorded.aggregates
    assert [c.thresholds for c in rescored.cases] == [c.thresholds for c in recorded.cases]


@pytest.mark.parametrize("committed", COMMITTED, ids=lambda p: p.stem)
def test_every_run_uses_the_current_pass_rule(committed: Path) -> None:
    from evals.scores import PassRule

    assert RunFile.load(committed).pass_rule == PassRule()


@pytest.mark.parametrize("committed", REPLAYABLE, ids=lambda p: p.stem)
def test_replay_reproduces_the_committed_run(committed: Path, tmp_path: Path) -> None:
    recorded = RunFile.load(committed)
    if recorded.schema_version != SCHEMA_VERSION:
        # Contract v2 (issue 11) changed the prompt and schema: this cassette answers v1
        # requests only. Re-record it (evals/cassettes/README.md, ~20 min on 2 idle cores);
        # this skip ends by itself then, and a later prompt change fails here as before.
        pytest.skip(
            f"{committed.stem} was recorded under schema {recorded.schema_version}, "
            f"the contract is {SCHEMA_VERSION}: re-record the cassette"
        )
    out = tmp_path / "replayed.json"
    args = ["run", "--model", recorded.model, "--cases", recorded.cases_pattern]
    args += ["--replay", committed.stem, "--out", str(out), "--concurrency", "1"]
    result = CliRunner().invoke(eval_app, args)
    assert result.exit_code == 0, result.output
    replayed = RunFile.load(out)
    for trial in _trials(replayed):
        # A changed prompt, schema or setting shows up here even if no score moves.
        assert trial["error"] != "cassette_missing", trial["case"]
    assert _trials(replayed, with_usage=False) == _trials(recorded, with_usage=False)


def test_the_answer_key_covers_every_case_and_passes_it() -> None:
    run = RunFile.load(RUNS_DIR / f"{ANSWER_KEY_NAME}.json")
    assert [c.case_id for c in run.cases] == [c.id for c in load_cases()]
    failing = {c.case_id: c.failed_checks() for c in run.cases if not c.passed_all}
    assert failing == {}
    claims = [c for case in run.cases for t in case.trials for c in t.scores.claims]
    stances = [s for case in run.cases for t in case.trials for s in t.scores.stances]
    callers = [c for case in run.cases for t in case.trials for c in t.scores.caller_claims]
    assert len(claims) >= 20 and len(stances) >= 35 and len(callers) >= 10  # scoring exercised


def test_builtin_engine_equals_its_committed_baseline(tmp_path: Path) -> None:
    """Better or worse, a change to the built-in answers or their scores shows up here."""
    baseline = RunFile.load(BUILTIN)
    out = tmp_path / "now.json"
    result = CliRunner().invoke(eval_app, ["run", "--model", baseline.model, "--out", str(out)])
    assert result.exit_code == 0, result.output
    now = RunFile.load(out)
    assert _trials(now, with_usage=False) == _trials(baseline, with_usage=False)

"""Record the answer-key run: every golden case answered by its own expectations.

    .venv/bin/python scripts/record_answer_key.py

Writes the cassette evals/cassettes/answer-key/ and the run evals/runs/answer-key.json
(no model, a few seconds). CI replays both (tests/evals/test_committed_runs.py); re-record
after a change to the cases, the prompts or the contract, and commit both together.
"""

from __future__ import annotations

import asyncio
import shutil

from evals.answer_key import ANSWER_KEY_MODEL, ANSWER_KEY_NAME, AnswerKeyClient
from evals.case_model import load_cases
from evals.cassettes import CASSETTES_DIR, CassetteClient, cassette_path, pin_settings
from evals.results import CassetteInfo
from evals.runner import REPO_ROOT, RunOptions, eval_settings, run_cases


def main() -> None:
    from api.compose import make_analyzer

    cases = load_cases()
    folder = cassette_path(ANSWER_KEY_NAME, CASSETTES_DIR)
    shutil.rmtree(folder, ignore_errors=True)  # answers for cases or prompts gone stay gone
    settings = pin_settings(eval_settings(ANSWER_KEY_MODEL), folder, "record")
    client = CassetteClient(AnswerKeyClient(cases), folder, "record")
    options = RunOptions(
        model=ANSWER_KEY_MODEL,
        concurrency=1,
        name=ANSWER_KEY_NAME,
        cassette=CassetteInfo(mode="record", name=ANSWER_KEY_NAME),
    )
    run = asyncio.run(run_cases(cases, make_analyzer(settings, client), options))
    path = run.save(REPO_ROOT / "evals" / "runs" / f"{ANSWER_KEY_NAME}.json")
    passed = sum(c.passed_all for c in run.cases)
    print(f"{path}: {passed}/{len(run.cases)} cases pass, {run.aggregates.errors} errors")


if __name__ == "__main__":
    main()

"""Run files for compare and report tests, made with the fake analyzer."""

from __future__ import annotations

from evals.results import RunFile
from evals.runner import RunOptions, run_cases
from tests.evals.builders import golden_case
from tests.evals.test_runner import FakeAnalyzer


async def make_run(script: dict[str, str], name: str, repeat: int = 1) -> RunFile:
    cases = [golden_case(id=case_id) for case_id in script]
    options = RunOptions(model="test/m", name=name, repeat=repeat, concurrency=1)
    return await run_cases(cases, FakeAnalyzer(script), options)

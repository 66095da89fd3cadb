from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from api.errors import UpstreamTimeout
from evals.case_model import GoldenCase
from evals.results import RunFile
from evals.runner import RunOptions, run_cases
from schemas.analysis import Analysis
from schemas.request import AnalyzeRequest
from tests.evals.builders import analysis, golden_case, perfect


class FakeAnalyzer:
    """Answers per case from a script: 'perfect', 'empty', 'error', or 'flip' (alternates)."""

    def __init__(self, script: dict[str, str]) -> None:
        self.script = script
        self.calls: list[tuple[str | None, str | None]] = []
        self.in_flight = 0
        self.peak = 0

    async def analyze(self, request: AnalyzeRequest, request_id: str | None = None) -> Analysis:
        self.calls.append((request.model, request_id))
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        await asyncio.sleep(0.001)
        self.in_flight -= 1
        case_id = (request_id or "").removeprefix("eval-").rsplit("-", 1)[0]
        plan = self.script[case_id]
        if plan == "flip":
            plan = "perfect" if len(self.calls) % 2 else "empty"
        if plan == "error":
            raise UpstreamTimeout("the model took too long")
        return perfect() if plan == "perfect" else analysis()


def cases(*ids: str) -> list[GoldenCase]:
    return [golden_case(id=i) for i in ids]


async def test_run_scores_passes_and_captures_typed_errors(tmp_path: Path) -> None:
    fake = FakeAnalyzer({"good": "perfect", "bad": "empty", "down": "error"})
    run = await run_cases(cases("good", "bad", "down"), fake, RunOptions(model="test/m"))
    assert [c.trials[0].passed for c in run.cases] == [True, False, False]
    down = run.cases[2].trials[0]
    assert down.error is not None and down.error.code == "upstream_timeout"
    assert down.scores.metrics()["actor_recall"] == 0.0  # an error counts as an empty answer
    assert run.aggregates.errors == 1
    assert run.aggregates.pass_rate == pytest.approx(1 / 3)
    assert run.aggregates.micro["actor_recall"] == pytest.approx(3 / 9)
    assert run.model == "test/m" and run.prompt_version == "v1"
    assert {model for model, _ in fake.calls} == {"test/m"}

    path = run.save(tmp_path / "run.json")
    assert RunFile.load(path) == run


async def test_repeat_gives_pass_hat_k_and_flags_flaky_cases() -> None:
    fake = FakeAnalyzer({"steady": "perfect", "wobbly": "flip"})
    options = RunOptions(model="test/m", repeat=4, concurrency=1)
    run = await run_cases(cases("steady", "wobbly"), fake, options)
    assert [len(c.trials) for c in run.cases] == [4, 4]
    assert run.aggregates.pass_all == 0.5
    assert run.aggregates.pass_rate == pytest.approx(6 / 8)
    assert run.aggregates.flaky == ["wobbly"]


async def test_concurrency_is_bounded() -> None:
    fake = FakeAnalyzer({f"c{i}": "perfect" for i in range(12)})
    options = RunOptions(model="test/m", concurrency=3)
    await run_cases(cases(*(f"c{i}" for i in range(12))), fake, options)
    assert fake.peak == 3


async def test_untyped_exceptions_are_bugs_and_stop_the_run() -> None:
    class Broken:
        async def analyze(self, request: AnalyzeRequest, request_id: str | None = None) -> Analysis:
            raise KeyError("bug")

    with pytest.raises(KeyError):
        await run_cases(cases("x"), Broken(), RunOptions(model="test/m"))

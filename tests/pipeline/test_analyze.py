"""The analyzer's shared gate and coverage, with engines scripted in the test."""

from typing import Any

import pytest

from api.compose import make_analyzer
from api.config import Settings
from api.llm.types import Accounting
from api.pipeline.engine import AnalysisJob, EngineResult
from schemas.llm import AnalysisContract
from schemas.request import AnalyzeRequest
from tests.fakes import ScriptedClient


class ContractEngine:
    """A built-in-engine stand-in that returns a fixed contract."""

    def __init__(self, contract: dict[str, Any]) -> None:
        self.contract = contract

    async def run(self, job: AnalysisJob) -> EngineResult:
        contract = AnalysisContract.model_validate(self.contract)
        return EngineResult(contract, "builtin", Accounting(job.model, "stancewire"))


async def test_builtin_output_failing_checks_is_pruned_not_a_500(
    seed_text: str, seed_contract: dict[str, Any]
) -> None:
    """Regression: "512MB" read as an organisation 'MB' made the whole request fail."""
    seed_contract["actors"].append(
        {"id": "A9", "name": "MB", "kind": "organization", "role": None, "aliases": []}
    )
    analyzer = make_analyzer(Settings(_env_file=None), builtin=ContractEngine(seed_contract))
    analysis = await analyzer.analyze(AnalyzeRequest(text=seed_text))
    assert "MB" not in {a.name for a in analysis.actors}
    assert [w.code for w in analysis.warnings] == ["findings_dropped"]


async def test_long_article_past_the_part_limit_is_cut_for_models_and_says_so(
    seed_contract: dict[str, Any], llm_settings: Settings
) -> None:
    settings = llm_settings.model_copy(update={"max_llm_sentences": 18, "max_llm_parts": 1})
    text = "\n".join(f"Sentence number {i} of a long wire story." for i in range(1, 31))
    client = ScriptedClient({"headline": "h", "summary": "s", "key_points": ["k"]})
    analysis = await make_analyzer(settings, client=client).analyze(
        AnalyzeRequest(text=text, tasks=["summary"])
    )
    assert not analysis.coverage.complete
    assert analysis.coverage.skipped[-1].end == len(text)
    assert [w.code for w in analysis.warnings] == ["partial_coverage"]
    assert "[19]" not in client.requests[0].messages[1]["content"]


@pytest.mark.parametrize("tasks", [["summary"], ["claims"], ["stances"]])
async def test_builtin_engine_honours_tasks(seed_text: str, tasks: list[str]) -> None:
    analysis = await make_analyzer(Settings(_env_file=None)).analyze(
        AnalyzeRequest.model_validate({"text": seed_text, "tasks": tasks})
    )
    assert (analysis.summary is not None) == ("summary" in tasks)
    assert bool(analysis.stances) == ("stances" in tasks)

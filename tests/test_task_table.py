"""The task table (schemas/tasks.py) drives every layer.

A toy task, registered in the table and in each layer's registry for the length of a test
(and named nowhere in the layers' code), must reach the contract, the prompt's schema and
guidance, the built-in engine's dispatch, the grounding, the scorers, the structure checks
and the terminal view. A layer that still lists the tasks itself fails one of these.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import get_args

import pytest
from rich.console import Console

from api.builtin.engine import BUILTIN_STEPS, all_steps, analyse
from api.builtin.steps import EXTRA_STEPS, BuiltinStep
from api.cli_view import VIEWS, render_analysis
from api.llm.types import Accounting
from api.pipeline.article import prepare_article
from api.pipeline.engine import AnalysisJob, EngineResult
from api.pipeline.grounding import GROUNDING_STEPS, build_analysis
from api.pipeline.prompting import contract_schema, initial_messages
from evals.case_model import GoldenCase
from evals.scoring import TASK_SCORERS, score_case
from evals.structure import TASK_CHECKS
from schemas.analysis import Analysis
from schemas.llm import AnalysisContract, contract_fields, contract_model_for
from schemas.request import AnalyzeRequest
from schemas.tasks import ALL_TASKS, TASKS, Task, TaskSpec, with_needs
from tests.evals.builders import ARTICLE, golden_case, meta

TOY = TaskSpec(
    label="Toy",
    fields=("key_points",),
    needs=("actors",),
    guidance="toy: the toy task's own line.",
    prompt_rank=55,
    bounds={"key_points": {"maxItems": 2}},
)


@pytest.fixture
def toy(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The toy task in the table and in every layer; the list records the steps that ran."""
    ran: list[str] = []

    def fill(contract: AnalysisContract, job: AnalysisJob) -> None:
        ran.append("builtin")
        contract.key_points = ["one toy point"]

    def score(case: GoldenCase, analysis: Analysis) -> dict[str, object]:
        ran.append("scorer")
        return {}

    monkeypatch.setitem(TASKS, "toy", TOY)
    monkeypatch.setitem(EXTRA_STEPS, "toy", BuiltinStep(unparsed=fill))
    monkeypatch.setitem(
        GROUNDING_STEPS, "toy", lambda c, job: {"key_points": [f"toy: {p}" for p in c.key_points]}
    )
    monkeypatch.setitem(TASK_SCORERS, "toy", score)
    monkeypatch.setitem(TASK_CHECKS, "toy", lambda analysis: ["toy check ran"])
    yield ran


def _job(*tasks: str) -> AnalysisJob:
    article = prepare_article(ARTICLE)
    return AnalysisJob(article=article, model="builtin/rules-en", tasks=tasks)  # type: ignore[arg-type]


def test_every_layer_has_a_step_for_every_task_of_the_table() -> None:
    assert get_args(Task) == tuple(TASKS) == ALL_TASKS
    assert set(all_steps()) == set(GROUNDING_STEPS) == set(TASKS)
    assert set(BUILTIN_STEPS) | set(TASK_SCORERS) | set(VIEWS) | set(TASK_CHECKS) <= set(TASKS)


def test_needs_come_from_the_table() -> None:
    assert with_needs(["claims"]) == ["actors", "claims"]
    assert with_needs(["summary"], with_caller_claims=True) == ["summary", "actors"]


def test_contract_takes_the_task_fields_and_those_it_needs(toy: list[str]) -> None:
    assert contract_fields(["toy"], False) == ["key_points", "actors"]
    assert list(contract_model_for(("toy",), False).model_fields) == ["key_points", "actors"]


def test_prompt_schema_bounds_and_guidance_come_from_the_table(toy: list[str]) -> None:
    job = _job("toy")
    schema = contract_schema(job)
    assert list(schema["properties"]) == ["key_points", "actors"]
    assert schema["properties"]["key_points"]["maxItems"] == 2
    system, user = initial_messages(job, schema, schema_in_prompt=True)
    guidance = [line for line in system["content"].splitlines() if line.startswith("- ")]
    assert guidance[-3:] == [
        "- headline ≤ 15 words; summary 2-4 sentences; key_points 3-6.",
        "- toy: the toy task's own line.",
        "- caller_claims: one per reader's claim, by index; not_mentioned, no evidence, "
        "when the article is silent.",
    ]
    assert "with the fields key_points, actors" in user["content"]


def test_builtin_engine_and_grounding_run_the_task_step(toy: list[str]) -> None:
    job = _job("toy")
    contract, warnings = analyse(job)
    assert toy == ["builtin"] and warnings == []
    assert contract.key_points == ["one toy point"] and contract.summary == ""
    assert [a.name for a in contract.actors], "toy needs actors: the actors step ran too"
    result = EngineResult(contract, "builtin", Accounting(model="builtin/rules-en", provider="x"))
    analysis = build_analysis(result, job, job.article, meta())
    assert analysis.key_points == ["toy: one toy point"]
    assert analysis.summary is None and analysis.actors and analysis.claims == []


def test_scorers_and_structure_checks_run_for_an_asked_task(
    toy: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    request = AnalyzeRequest(text=ARTICLE).model_copy(update={"tasks": ["toy"]})
    monkeypatch.setattr(GoldenCase, "analyze_request", lambda self: request)
    job = _job("toy")
    contract = AnalysisContract(key_points=["a point"])
    result = EngineResult(contract, "builtin", Accounting(model="builtin/rules-en", provider="x"))
    scores = score_case(golden_case(), build_analysis(result, job, job.article, meta()))
    assert toy == ["scorer"]
    assert "toy check ran" in scores.schema_problems
    assert scores.summary is None and scores.actors is not None  # not asked / needed


def test_a_task_without_a_view_gets_the_generic_one(toy: list[str]) -> None:
    analysis = build_analysis(
        EngineResult(
            AnalysisContract(key_points=["a point"]),
            "builtin",
            Accounting(model="builtin/rules-en", provider="x"),
        ),
        _job("toy"),
        prepare_article(ARTICLE),
        meta(),
    )
    out = io.StringIO()
    render_analysis(analysis, Console(file=out, width=100))
    assert "Toy: ['toy: a point']" in out.getvalue()

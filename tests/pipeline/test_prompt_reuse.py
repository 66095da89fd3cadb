"""What the prompt and schema builders work out once stays what they built per request."""

from __future__ import annotations

import json

import pytest

import prompts
from api.pipeline.article import prepare_article
from api.pipeline.engine import AnalysisJob
from api.pipeline.prompting import (
    contract_schema,
    lean_contract_schema,
    system_guidance,
    system_prompt,
    without_bounds,
)
from schemas.llm import Task

ALL: tuple[Task, ...] = ("summary", "actors", "claims", "stances")


def _job(tasks: tuple[Task, ...], claims: tuple[str, ...] = ()) -> AnalysisJob:
    article = prepare_article("Ministers met on Monday. They said nothing.")
    return AnalysisJob(article=article, model="m", tasks=tasks, caller_claims=claims)


@pytest.mark.parametrize("tasks", [ALL, ("summary",), ("claims", "stances")])
@pytest.mark.parametrize("claims", [(), ("Taxes rose.",)])
def test_the_lean_schema_is_the_one_built_per_request(
    tasks: tuple[Task, ...], claims: tuple[str, ...]
) -> None:
    job = _job(tasks, claims)
    lean = lean_contract_schema(job)
    built = without_bounds(contract_schema(job))
    assert json.dumps(lean) == json.dumps(built)  # same keys, same order, same values


def test_each_request_gets_its_own_copy_of_the_schema() -> None:
    """A client may adapt the schema in place; the next request must not see that."""
    first = lean_contract_schema(_job(ALL))
    first["properties"].clear()
    assert lean_contract_schema(_job(ALL))["properties"]


@pytest.mark.parametrize("family", ["analyze", "analyze_constrained"])
def test_the_system_prompt_rendered_once_is_the_rendered_one(family: str) -> None:
    assert system_prompt(family) == prompts.render(family, "system", guidance=system_guidance())


def test_utf16_offsets_count_each_astral_character() -> None:
    text = "A 😀 b 𝒳 c é ✓ d 🙂."
    article = prepare_article(text)
    for offset in range(len(text) + 1):
        assert article.utf16(offset) == len(text[:offset].encode("utf-16-le")) // 2

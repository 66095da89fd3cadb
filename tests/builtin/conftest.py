"""Shared fixtures: the seed article analysed once per module with every task."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.builtin.engine import analyse
from api.pipeline.article import prepare_article
from api.pipeline.engine import AnalysisJob
from schemas.llm import ALL_TASKS, AnalysisContract, ContractActor

SEED = Path(__file__).resolve().parents[2] / "evals" / "cases" / "articles" / "seed_article.txt"


def job_for(text: str, **options: object) -> AnalysisJob:
    fields: dict[str, object] = {"model": "builtin/rules-en", "tasks": ALL_TASKS, **options}
    return AnalysisJob(article=prepare_article(text), **fields)  # type: ignore[arg-type]


def actor_named(contract: AnalysisContract, name: str) -> ContractActor:
    for actor in contract.actors:
        if name.lower() in (n.lower() for n in [actor.name, *actor.aliases]):
            return actor
    raise AssertionError(f"no actor {name!r} in {[a.name for a in contract.actors]}")


@pytest.fixture(scope="module")
def seed_job() -> AnalysisJob:
    return job_for(SEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed(seed_job: AnalysisJob) -> AnalysisContract:
    contract, warnings = analyse(seed_job)
    assert warnings == []
    return contract

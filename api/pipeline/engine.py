"""The interface both engines implement: fill the contract for one prepared article."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from api.llm.types import Accounting
from api.pipeline.article import PreparedArticle
from api.pipeline.cpu import CpuRunner
from schemas.analysis import AnalysisWarning
from schemas.llm import AnalysisContract, Task


@dataclass(frozen=True)
class AnalysisJob:
    """One article and what the caller asked about it, as every engine sees it."""

    article: PreparedArticle
    model: str
    tasks: tuple[Task, ...]
    caller_claims: tuple[str, ...] = ()
    caller_actors: tuple[str, ...] = ()
    language: str | None = None


@dataclass
class EngineResult:
    contract: AnalysisContract
    engine: Literal["llm", "builtin"]
    accounting: Accounting  # model, provider, tokens, cost, attempts: straight into meta
    prompt_version: str | None = None
    warnings: list[AnalysisWarning] = field(default_factory=list)


class Engine(Protocol):
    async def run(self, job: AnalysisJob) -> EngineResult:
        """Fill the contract for `job`; the result is validated by api/pipeline/contract.py."""
        ...


@dataclass(frozen=True)
class BuiltinParts:
    """What the pipeline uses of the built-in engine. Injected at the composition root
    (api/compose.py), so the pipeline never imports api/builtin (which imports the pipeline)."""

    make_engine: Callable[[CpuRunner], Engine]
    warm_up: Callable[[], None]  # load spaCy and the trained models before the first request
    # Names found in an article: the actor-name enum for grammar-constrained models.
    candidate_names: Callable[[PreparedArticle], list[str]]

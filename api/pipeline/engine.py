"""The interface both engines implement: fill the contract for one prepared article."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

from api.pipeline.article import PreparedArticle
from schemas.analysis import AnalysisWarning, Usage
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
    model: str
    provider: str
    prompt_version: str | None = None
    usage: Usage = field(default_factory=Usage)
    cost_usd: float | None = None
    attempts: int = 0
    warnings: list[AnalysisWarning] = field(default_factory=list)


class Engine(Protocol):
    async def run(self, job: AnalysisJob) -> EngineResult:
        """Fill the contract for `job`; the result is validated by api/pipeline/contract.py."""
        ...

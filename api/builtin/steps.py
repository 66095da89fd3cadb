"""How the built-in engine fills one task's part of the contract, and where a task declared
outside the engine (its own module) registers its step at the composition root.

Light on purpose (no spaCy): registering a step must not load the engine. The engine hands
its steps to the CPU runner with each job, so a worker process (forked from a server that
never saw the registration) gets them too: module-level functions pickle by reference.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from schemas.llm import AnalysisContract

if TYPE_CHECKING:
    from api.builtin.engine import Findings
    from api.pipeline.engine import AnalysisJob


@dataclass(frozen=True)
class BuiltinStep:
    """`unparsed` fills from the article alone; `parsed` from the English parse
    (`findings`), skipped with a coded warning when there is none."""

    parsed: Callable[[AnalysisContract, AnalysisJob, Findings], None] | None = None
    unparsed: Callable[[AnalysisContract, AnalysisJob], None] | None = None


# Steps of tasks whose module lives outside the engine, run after the engine's own.
EXTRA_STEPS: dict[str, BuiltinStep] = {}

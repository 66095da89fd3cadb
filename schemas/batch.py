"""What POST /v1/analyze/batch returns: one entry per item, in order, each an analysis or a
problem, so one bad item never costs the others their answers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from schemas.analysis import Analysis
from schemas.errors import Problem


class BatchAnalysis(BaseModel):
    ok: Literal[True] = Field(description="This item was analysed.")
    analysis: Analysis = Field(description="The item's analysis, as /v1/analyze returns it.")


class BatchProblem(BaseModel):
    ok: Literal[False] = Field(description="This item failed; the others are unaffected.")
    problem: Problem = Field(description="Why, as the problem body /v1/analyze would return.")


class BatchResponse(BaseModel):
    items: list[BatchAnalysis | BatchProblem] = Field(
        description="One entry per request item, in the order sent."
    )

"""Editor feedback on a stored analysis: which finding is wrong and what it should be."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FeedbackProblem = Literal[
    "wrong_status",  # a claim's status (expected: confirmed, unconfirmed, disputed, denied)
    "wrong_stance",  # a stance's label (expected: support, oppose, neutral, mixed)
    "not_an_actor",  # an actor that should not be there
    "missing",  # something the analysis should have found (expected: what)
    "wrong_evidence",  # the cited sentences do not show the finding
    "other",
]


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    finding: str = Field(
        pattern=r"^(actors|claims|stances)(/[A-Za-z0-9]{1,10})?$",
        description="The finding: `claims/C1`, `actors/A2`, `stances/0` (index into stances); "
        "just `actors`, `claims` or `stances` with problem `missing`.",
    )
    problem: FeedbackProblem = Field(description="What is wrong with it.")
    expected: str | None = Field(
        default=None,
        max_length=500,
        description="What it should be: a status, a stance, or the missing actor or claim.",
    )
    note: str | None = Field(default=None, max_length=2000, description="The editor's words.")


class Feedback(FeedbackRequest):
    id: str = Field(description="Id of this feedback.")
    analysis_id: str = Field(description="The analysis it is about.")
    created_at: float = Field(description="Unix time it was given.")


class FeedbackList(BaseModel):
    items: list[Feedback] = Field(description="Feedback on the analysis, oldest first.")

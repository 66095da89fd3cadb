"""POST /v1/compare: one story's claims across 2-4 articles, side by side."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from schemas.analysis import Analysis
from schemas.llm import SpeechAct

MIN_ARTICLES, MAX_ARTICLES = 2, 4
MAX_ROWS = 8
NOT_IN_ANALYSIS = "not_in_analysis"


class CompareArticle(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(
        default=None,
        min_length=1,
        description="The article text (or its HTML, or a URL); or give `analysis_id` instead.",
    )
    analysis_id: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{32}$",
        description="Instead of `text`: the `id` of an analysis stored under the caller's key "
        "(as `GET /v1/analyses/{id}` reads it). It is used as stored, not analysed again (no "
        "tokens spent): each row's cell is the analysis's own claim that matches the row's "
        "claim by the rule that merges near-duplicate claims (normalised texts at least "
        "75% alike), or `not_in_analysis` when none does.",
    )
    title: str | None = Field(
        default=None, max_length=500, description="Optional headline (with `text` only)."
    )
    label: str | None = Field(
        default=None, max_length=80, description="Outlet or name shown for it, e.g. `Reuters`."
    )

    @model_validator(mode="after")
    def _text_or_analysis_id(self) -> CompareArticle:
        if (self.text is None) == (self.analysis_id is None):
            raise PydanticCustomError(
                "text_or_analysis_id", "Give an article either `text` or `analysis_id`, not both."
            )
        return self


class CompareRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    articles: list[CompareArticle] = Field(
        min_length=MIN_ARTICLES,
        max_length=MAX_ARTICLES,
        description="2-4 articles on the same story.",
    )
    claims: list[str] = Field(
        default_factory=list,
        max_length=MAX_ROWS,
        description="Claims to compare; when empty, the articles' own claims are used, "
        f"matched across the articles (at most {MAX_ROWS}).",
    )
    model: str | None = Field(default=None, description="One of the configured models.")


class CompareCell(BaseModel):
    status: str = Field(
        description="The claim's status in this article (`not_mentioned` too). For an article "
        "given by `analysis_id`: the status of its stored claim matching the row's claim, or "
        f"`{NOT_IN_ANALYSIS}` when it has none (it was not read again for this claim)."
    )
    confidence: float = Field(ge=0, le=1, description="Confidence in that status.")
    speech_acts: list[SpeechAct] = Field(description="What each evidence sentence does with it.")
    asserted_by: list[str] = Field(description="Names of the actors asserting it here.")
    denied_by: list[str] = Field(description="Names of the actors denying it here.")
    quotes: list[str] = Field(description="The evidence sentences, most decisive first.")


class CompareRow(BaseModel):
    claim: str = Field(description="The claim, as given or as the first article worded it.")
    source: Literal["caller", "article"] = Field(description="Given by the caller, or found.")
    found_in: int | None = Field(description="Index of the article it was found in, if found.")
    cells: list[CompareCell] = Field(description="One per article, in the request's order.")


class ActorRow(BaseModel):
    actor: str = Field(description="The actor's name (as the first article to name it).")
    stances: list[list[str]] = Field(
        description="Per article, the actor's stances as `stance: target` (empty: not there)."
    )


class Comparison(BaseModel):
    labels: list[str] = Field(description="The articles' labels (given, or Article 1…).")
    rows: list[CompareRow] = Field(description="One row per claim.")
    actors: list[ActorRow] = Field(description="Actors found in two or more articles.")
    analyses: list[Analysis] = Field(description="Each article's full analysis.")

"""POST /v1/compare: one story's claims across 2-4 articles, side by side."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.analysis import Analysis
from schemas.llm import SpeechAct

MIN_ARTICLES, MAX_ARTICLES = 2, 4
MAX_ROWS = 8


class CompareArticle(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="The article text (or its HTML, or a URL).")
    title: str | None = Field(default=None, max_length=500, description="Optional headline.")
    label: str | None = Field(
        default=None, max_length=80, description="Outlet or name shown for it, e.g. `Reuters`."
    )


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
    status: str = Field(description="The claim's status in this article (`not_mentioned` too).")
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

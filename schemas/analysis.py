"""What the API returns: the contract, enriched with resolved evidence, meta and coverage."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from schemas.llm import ActorKind, CallerClaimStatus, ClaimStatus, StanceLabel


class EvidenceSpan(BaseModel):
    sentence: int = Field(description="Number of the sentence in `sentences`.")
    quote: str = Field(description="The sentence exactly as submitted: text[start:end].")
    start: int = Field(description="Start character offset into the submitted text.")
    end: int = Field(description="End character offset (exclusive) into the submitted text.")


class Sentence(BaseModel):
    number: int = Field(description="1-based sentence number, as cited by engines.")
    start: int = Field(description="Start character offset into the submitted text.")
    end: int = Field(description="End character offset (exclusive) into the submitted text.")


class Actor(BaseModel):
    id: str = Field(description="Actor id (A1, A2, …), referenced by claims and stances.")
    name: str = Field(description="Fullest name the article uses.")
    kind: ActorKind = Field(description="person, organization, government, country, group, other.")
    role: str | None = Field(default=None, description="Title or affiliation as written.")
    aliases: list[str] = Field(default_factory=list, description="Other names the article uses.")


class Claim(BaseModel):
    id: str = Field(description="Claim id (C1, …) for article claims, Q1, … for caller claims.")
    text: str = Field(description="The claim in one sentence.")
    source: Literal["article", "caller"] = Field(
        description="`article`: found in the article; `caller`: listed in the request's claims."
    )
    status: ClaimStatus | CallerClaimStatus = Field(
        description="Status as the article reports it (`not_mentioned`: caller claims only)."
    )
    asserted_by: list[str] = Field(default_factory=list, description="Ids of asserting actors.")
    denied_by: list[str] = Field(default_factory=list, description="Ids of denying actors.")
    evidence: list[EvidenceSpan] = Field(default_factory=list, description="Supporting sentences.")


class Stance(BaseModel):
    actor: str = Field(description="Id of the actor taking the stance.")
    target: str = Field(description="What the stance is about: claim text or a topic phrase.")
    target_claim: str | None = Field(
        default=None, description="Claim id when the target is a claim."
    )
    stance: StanceLabel = Field(description="support, oppose, neutral or mixed.")
    evidence: list[EvidenceSpan] = Field(description="Sentences that show the stance.")


class Usage(BaseModel):
    prompt_tokens: int = Field(default=0, description="Summed over every attempt.")
    completion_tokens: int = Field(default=0, description="Summed over every attempt.")
    total_tokens: int = Field(default=0, description="prompt_tokens + completion_tokens.")

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            total_tokens=self.total_tokens + other.total_tokens,
        )


class Span(BaseModel):
    start: int = Field(description="Start character offset into the submitted text.")
    end: int = Field(description="End character offset (exclusive).")


class SkippedSpan(Span):
    reason: str | None = Field(
        default=None,
        description="Why the range was left out: e.g. credit line, photo caption, over-length.",
    )


class Coverage(BaseModel):
    analysed: list[Span] = Field(description="Character ranges that were actually analysed.")
    skipped: list[SkippedSpan] = Field(
        default_factory=list, description="Ranges left out (wire-service trailers, over-length)."
    )
    complete: bool = Field(description="True when every sentence of the article was analysed.")


class Meta(BaseModel):
    engine: Literal["llm", "builtin"] = Field(description="Which engine produced the analysis.")
    model: str = Field(
        description="Model name as configured (e.g. builtin/rules-en, openai/gpt-4o)."
    )
    provider: str = Field(description="Provider that served the model.")
    prompt_version: str | None = Field(description="Prompt version; null for the built-in engine.")
    schema_version: str = Field(description="Version of the contract and of this response.")
    usage: Usage = Field(description="Tokens summed over every attempt.")
    cost_usd: float | None = Field(default=None, description="Cost where litellm knows the price.")
    latency_ms: float = Field(description="Wall time of the analysis, in milliseconds.")
    attempts: int = Field(description="Model calls made, repairs included (0 for built-in).")
    cache_hit: bool = Field(default=False, description="True when served from the cache.")
    request_id: str | None = Field(default=None, description="Id of the request that computed it.")


class AnalysisWarning(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. `partial_coverage`.")
    message: str = Field(description="Human-readable explanation.")


class Analysis(BaseModel):
    headline: str | None = Field(default=None, description="One-line headline (task `summary`).")
    summary: str | None = Field(default=None, description="2-4 sentence summary (task `summary`).")
    key_points: list[str] = Field(default_factory=list, description="Short bullets.")
    actors: list[Actor] = Field(default_factory=list, description="Actors in the article.")
    claims: list[Claim] = Field(default_factory=list, description="Claims with their status.")
    stances: list[Stance] = Field(default_factory=list, description="Actor stances with evidence.")
    sentences: list[Sentence] = Field(description="How the article was split into sentences.")
    coverage: Coverage = Field(description="What part of the text was analysed.")
    warnings: list[AnalysisWarning] = Field(default_factory=list, description="Coded warnings.")
    meta: Meta = Field(description="Model, prompt, usage, latency, attempts, cache.")

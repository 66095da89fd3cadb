"""What the API returns: the contract, enriched with resolved evidence, meta and coverage."""

from __future__ import annotations

import secrets
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.llm import ActorKind, CallerClaimStatus, ClaimStatus, SpeechAct, StanceLabel


class _Response(BaseModel):
    # Every field is always present in a response, defaulted or not: the schema says so.
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


_START = "Start offset into the submitted text, in Unicode code points (Python `str` indices)."
_END = "End offset (exclusive) into the submitted text, in Unicode code points."
_START16 = (
    "Start offset in UTF-16 code units (JavaScript, Java and C# string indices); differs from "
    "`start` after a character outside the Basic Multilingual Plane, e.g. an emoji."
)
_END16 = "End offset (exclusive) in UTF-16 code units."
_CONFIDENCE = (
    "Probability, 0 to 1, that this finding is right: the built-in engine's calibrated "
    "estimate, or a model's stated confidence lowered by failed grounding checks."
)


class EvidenceSpan(_Response):
    sentence: int = Field(description="Number of the sentence in `sentences`.")
    quote: str = Field(description="The sentence exactly as submitted: text[start:end].")
    start: int = Field(description=_START)
    end: int = Field(description=_END)
    start_utf16: int = Field(description=_START16)
    end_utf16: int = Field(description=_END16)
    speech_act: SpeechAct = Field(
        description=(
            "What the sentence does with the finding: `asserts`, `denies`, `questions` "
            '(hedges, "could not confirm", "whether"), `reports` (a neutral account) or '
            "`context` (background)."
        )
    )


class Sentence(_Response):
    number: int = Field(description="1-based sentence number, as cited by engines.")
    start: int = Field(description=_START)
    end: int = Field(description=_END)
    start_utf16: int = Field(description=_START16)
    end_utf16: int = Field(description=_END16)


class Actor(_Response):
    id: str = Field(description="Actor id (A1, A2, …), referenced by claims and stances.")
    name: str = Field(description="Fullest name the article uses.")
    kind: ActorKind = Field(
        description="person, organization, government, country, place (a state, city or "
        "region that is not a country), group or other."
    )
    role: str | None = Field(default=None, description="Title or affiliation as written.")
    aliases: list[str] = Field(default_factory=list, description="Other names the article uses.")


class Claim(_Response):
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
    evidence: list[EvidenceSpan] = Field(
        default_factory=list,
        description="The sentences that carry the finding (at most 5), most decisive first.",
    )
    confidence: float = Field(ge=0, le=1, description=_CONFIDENCE)


class Stance(_Response):
    actor: str = Field(description="Id of the actor taking the stance.")
    target: str = Field(
        description="What the stance is about, readable: the claim's text, the actor's name "
        "or a short topic phrase (at most 6 words)."
    )
    target_claim: str | None = Field(
        default=None, description="Claim id when the target is a claim."
    )
    target_actor: str | None = Field(
        default=None, description="Actor id when the target is an actor."
    )
    stance: StanceLabel = Field(description="support, oppose, neutral or mixed.")
    evidence: list[EvidenceSpan] = Field(
        description="Sentences that show the stance (at most 5), most decisive first."
    )
    confidence: float = Field(ge=0, le=1, description=_CONFIDENCE)


class Usage(_Response):
    prompt_tokens: int = Field(default=0, description="Summed over every attempt.")
    completion_tokens: int = Field(default=0, description="Summed over every attempt.")
    total_tokens: int = Field(default=0, description="prompt_tokens + completion_tokens.")

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            total_tokens=self.total_tokens + other.total_tokens,
        )


class Span(_Response):
    start: int = Field(description=_START)
    end: int = Field(description=_END)
    start_utf16: int = Field(description=_START16)
    end_utf16: int = Field(description=_END16)


class SkippedSpan(Span):
    reason: str | None = Field(
        default=None,
        description="Why the range was left out: e.g. credit line, photo caption, over-length.",
    )


class Coverage(_Response):
    analysed: list[Span] = Field(description="Character ranges that were actually analysed.")
    skipped: list[SkippedSpan] = Field(
        default_factory=list, description="Ranges left out (wire-service trailers, over-length)."
    )
    complete: bool = Field(description="True when every sentence of the article was analysed.")


class Meta(_Response):
    engine: Literal["llm", "builtin"] = Field(description="Which engine produced the analysis.")
    model: str = Field(
        description="Model name as configured (e.g. builtin/rules-en, openai/gpt-4o)."
    )
    provider: str = Field(description="Provider that served the model.")
    prompt_version: str | None = Field(description="Prompt version; null for the built-in engine.")
    schema_version: str = Field(description="Version of the contract and of this response.")
    engine_build: str | None = Field(
        default=None,
        description="Fingerprint of the engine build that computed it (package, rules, trained "
        "and spaCy models, prompt and schema versions): the cache never serves another build's.",
    )
    usage: Usage = Field(description="Tokens summed over every attempt.")
    cost_usd: float | None = Field(default=None, description="Cost where litellm knows the price.")
    latency_ms: float = Field(description="Wall time of the analysis, in milliseconds.")
    attempts: int = Field(description="Model calls made, repairs included (0 for built-in).")
    cache_hit: bool = Field(default=False, description="True when served from the cache.")
    request_id: str | None = Field(default=None, description="Id of the request that computed it.")


class AnalysisWarning(_Response):
    code: str = Field(description="Stable machine-readable code, e.g. `partial_coverage`.")
    message: str = Field(description="Human-readable explanation.")


TextSource = Literal["submitted", "extracted_from_html"]


def new_analysis_id() -> str:
    """128 random bits: unguessable, so an id can later name a stored analysis safely."""
    return secrets.token_hex(16)


class Analysis(_Response):
    id: str = Field(
        default_factory=new_analysis_id,
        pattern=r"^[0-9a-f]{32}$",
        description="Unguessable id of this response (128 random bits, hex). Every response "
        "gets its own, a cache hit too; it is not part of the cache key.",
    )
    text_source: TextSource = Field(
        default="submitted",
        description="Which text every offset indexes: `submitted` (the request's `text` as "
        "sent) or `extracted_from_html` (the article text extracted from HTML or from the "
        "page at a URL sent as `text`; it is returned in `text`).",
    )
    text: str | None = Field(
        default=None,
        description="The extracted article text every offset indexes, when `text_source` is "
        "`extracted_from_html`; null when the offsets index the request's own `text`.",
    )
    headline: str | None = Field(default=None, description="One-line headline (task `summary`).")
    summary: str | None = Field(default=None, description="2-4 sentence summary (task `summary`).")
    key_points: list[str] = Field(default_factory=list, description="Short bullets.")
    actors: list[Actor] = Field(default_factory=list, description="Actors in the article.")
    claims: list[Claim] = Field(default_factory=list, description="Claims with their status.")
    stances: list[Stance] = Field(default_factory=list, description="Actor stances with evidence.")
    sentences: list[Sentence] = Field(
        description="How the article was split into sentences (offsets into the text)."
    )
    coverage: Coverage = Field(description="What part of the text was analysed.")
    warnings: list[AnalysisWarning] = Field(default_factory=list, description="Coded warnings.")
    meta: Meta = Field(description="Model, prompt, usage, latency, attempts, cache.")

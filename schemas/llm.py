"""The contract an engine fills: small on purpose, so small models can fill it.

The model never writes quotes or offsets. It cites sentence numbers from the
numbered article, each with what the sentence does (`act`), and the server resolves
them (see api/pipeline/grounding.py). Contract v2 adds the acts and one `confidence`
per claim, stance and caller claim; the server lowers a confidence whose finding fails a
soft grounding check (api/pipeline/confidence.py).
Field descriptions are part of the prompt: the JSON schema sent to the model
carries them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

# ALL_TASKS and Task are re-exported: the table (schemas/tasks.py) declares them.
from schemas.tasks import ALL_TASKS as ALL_TASKS
from schemas.tasks import TASKS, with_needs
from schemas.tasks import Task as Task

ActorKind = Literal["person", "organization", "government", "country", "place", "group", "other"]
# What a cited sentence does with the finding it is evidence for (contract v2).
SpeechAct = Literal["asserts", "denies", "questions", "reports", "context"]
SPEECH_ACTS: tuple[SpeechAct, ...] = ("asserts", "denies", "questions", "reports", "context")
ClaimStatus = Literal["confirmed", "unconfirmed", "disputed", "denied"]
CallerClaimStatus = Literal["confirmed", "unconfirmed", "disputed", "denied", "not_mentioned"]
StanceLabel = Literal["support", "oppose", "neutral", "mixed"]

ActorId = Annotated[str, Field(pattern=r"^A[1-9][0-9]*$", description="Actor id such as A1.")]
ClaimId = Annotated[str, Field(pattern=r"^C[1-9][0-9]*$", description="Claim id such as C1.")]
SentenceNumber = Annotated[int, Field(ge=1, description="Number of a sentence in the article.")]
Confidence = Annotated[
    float, Field(ge=0, le=1, description="How sure you are that this is right, from 0 to 1.")
]
MAX_EVIDENCE = 5


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EvidenceItem(_Strict):
    sentence: SentenceNumber
    act: SpeechAct = Field(
        description=(
            "What the sentence does with it: asserts, denies, questions (hedges, cannot "
            "confirm, asks whether), reports (neutral account) or context (background)."
        )
    )


Evidence = Annotated[
    list[EvidenceItem],
    Field(
        min_length=1,
        description=f"The sentences that show this, most decisive first (at most {MAX_EVIDENCE}).",
    ),
]


class ContractActor(_Strict):
    id: ActorId
    name: str = Field(min_length=1, description="Fullest name the article uses for the actor.")
    kind: ActorKind = Field(
        description="What kind of actor this is (place: a state, city or region, not a country)."
    )
    role: str | None = Field(
        default=None, description="Title or affiliation exactly as the article gives it, or null."
    )
    aliases: list[str] = Field(
        default_factory=list,
        description="Other ways the article names this actor (surname, acronym, 'the agency').",
    )


class ContractClaim(_Strict):
    id: ClaimId
    text: str = Field(min_length=1, description="The claim as one short declarative sentence.")
    status: ClaimStatus = Field(
        description=(
            "As the article reports it: confirmed (stated as fact, nobody denies it), "
            "unconfirmed (reported or alleged, not confirmed), disputed (asserted by some, "
            "denied by others), denied (denied, asserted by no one with standing)."
        )
    )
    asserted_by: list[ActorId] = Field(default_factory=list, description="Actors who assert it.")
    denied_by: list[ActorId] = Field(default_factory=list, description="Actors who deny it.")
    evidence: Evidence
    confidence: Confidence


class ContractStance(_Strict):
    actor: ActorId = Field(description="The actor who takes the stance.")
    target: str = Field(
        min_length=1,
        description=(
            "What the actor takes a position on: a claim id (C1), an actor id (A2) "
            "or a short topic phrase (at most 6 words)."
        ),
    )
    stance: StanceLabel = Field(
        description=(
            "support (endorses, defends, asserts), oppose (condemns, rejects, denies), "
            "neutral (comments without taking a side), mixed (both)."
        )
    )
    evidence: Evidence
    confidence: Confidence


class CallerClaimAssessment(_Strict):
    index: int = Field(ge=1, description="Number of the caller's claim being assessed (1-based).")
    status: CallerClaimStatus = Field(
        description="As the article reports it; not_mentioned when the article is silent on it."
    )
    asserted_by: list[ActorId] = Field(default_factory=list, description="Actors who assert it.")
    denied_by: list[ActorId] = Field(default_factory=list, description="Actors who deny it.")
    evidence: list[EvidenceItem] = Field(
        default_factory=list,
        description=(
            f"The sentences about the claim, most decisive first (at most {MAX_EVIDENCE}); "
            "empty only when not_mentioned."
        ),
    )
    confidence: Confidence


class AnalysisContract(_Strict):
    """Everything an engine can return. Per-request models keep only the asked-for parts."""

    headline: str = Field(default="", description="One line, no more than about 15 words.")
    summary: str = Field(default="", description="2-4 sentences, only facts stated in the article.")
    key_points: list[str] = Field(default_factory=list, description="3-6 short bullet points.")
    actors: list[ContractActor] = Field(default_factory=list, description="People and bodies.")
    claims: list[ContractClaim] = Field(
        default_factory=list, description="Claims the article reports."
    )
    stances: list[ContractStance] = Field(default_factory=list, description="Actor positions.")
    caller_claims: list[CallerClaimAssessment] = Field(
        default_factory=list, description="One assessment per claim the caller listed."
    )


def contract_fields(tasks: tuple[str, ...] | list[str], with_caller_claims: bool) -> list[str]:
    """Contract fields of these tasks and of the tasks they need (schemas/tasks.py), in
    contract order."""
    wanted = {name for task in with_needs(tasks, with_caller_claims) for name in TASKS[task].fields}
    if with_caller_claims:
        wanted.add("caller_claims")
    return [name for name in AnalysisContract.model_fields if name in wanted]


def contract_model_for(
    tasks: tuple[str, ...] | list[str], with_caller_claims: bool
) -> type[BaseModel]:
    """A contract with only the asked-for fields, all required: what the model must return."""
    return _contract_model(tuple(contract_fields(tasks, with_caller_claims)))


@lru_cache(maxsize=64)  # at most 2^5 field sets: build each model class once per process
def _contract_model(field_names: tuple[str, ...]) -> type[BaseModel]:
    fields: dict[str, object] = {}
    for name in field_names:
        info = AnalysisContract.model_fields[name]
        fields[name] = (info.annotation, Field(description=info.description))
    model: type[BaseModel] = create_model(  # type: ignore[call-overload]
        "AnalysisContract", __config__=ConfigDict(extra="forbid"), **fields
    )
    return model

"""Golden cases: the YAML files under evals/cases/ and the model that validates them.

Expectations tolerate wording: actors match by name or alias, claims by key
phrases, stances by target keywords, and every label is a set of acceptable
values, so a case fails only when a careful reader would say the answer is wrong.
Everything a case declares is gated (evals.scores.PassRule): `thresholds` gives slack
per metric where a case needs it, and `actors_complete` says the actor list is complete,
so any other actor counts against precision.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from evals.scores import GATED
from schemas.llm import ActorKind, CallerClaimStatus, ClaimStatus, StanceLabel
from schemas.request import AnalyzeRequest

CASES_DIR = Path(__file__).parent / "cases"
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
REQUEST_FIELDS = frozenset({"claims", "actors", "tasks", "title", "language"})


class CaseError(ValueError):
    """A golden case file is missing, unreadable or invalid; the message names the file."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _check_phrases(phrases: list[str]) -> list[str]:
    if not phrases or any(not p.strip() for p in phrases):
        raise ValueError("each phrase list needs at least one non-blank phrase")
    return phrases


class ExpectedActor(_Strict):
    name: str = Field(min_length=1, description="Name the actor should be reported under.")
    aliases: list[str] = Field(
        default_factory=list, description="Other acceptable names (surname, acronym, title)."
    )
    kind: ActorKind | list[ActorKind] | None = Field(
        default=None, description="Expected kind (or acceptable kinds); any kind when null."
    )

    def names(self) -> list[str]:
        """The name and every alias."""
        return [self.name, *self.aliases]

    def kinds(self) -> list[str]:
        """Acceptable kinds; empty when any kind will do."""
        if self.kind is None:
            return []
        return [self.kind] if isinstance(self.kind, str) else list(self.kind)


class ExpectedClaim(_Strict):
    keywords: list[list[str]] = Field(
        min_length=1,
        description=(
            "Claim text must contain at least one phrase of each inner list (whole words "
            "compared by stem; a trailing * makes the last word a prefix: falsif*)."
        ),
    )
    status: list[ClaimStatus] = Field(min_length=1, description="Acceptable statuses.")
    asserted_by: list[str] = Field(
        default_factory=list, description="Expected actors (name or alias) asserting it."
    )
    denied_by: list[str] = Field(
        default_factory=list, description="Expected actors (name or alias) denying it."
    )

    @field_validator("keywords")
    @classmethod
    def _keywords_not_blank(cls, groups: list[list[str]]) -> list[list[str]]:
        return [_check_phrases(group) for group in groups]


class ExpectedCallerClaim(_Strict):
    index: int = Field(ge=1, description="1-based number of the claim in request.claims.")
    status: list[CallerClaimStatus] = Field(min_length=1, description="Acceptable statuses.")
    asserted_by: list[str] = Field(
        default_factory=list, description="Expected actors (name or alias) asserting it."
    )
    denied_by: list[str] = Field(
        default_factory=list, description="Expected actors (name or alias) denying it."
    )
    not_attributed_to: list[str] = Field(
        default_factory=list,
        description="Actors that must not be listed as asserting or denying it (wrong holders).",
    )


class ExpectedStance(_Strict):
    actor: str = Field(min_length=1, description="An expected actor's name or alias.")
    target: list[str] = Field(
        min_length=1,
        description="Any keyword found (as in claims) in the target or its claim text.",
    )
    stance: list[StanceLabel] = Field(min_length=1, description="Acceptable stances.")

    @field_validator("target")
    @classmethod
    def _target_not_blank(cls, phrases: list[str]) -> list[str]:
        return _check_phrases(phrases)


class SummaryExpectations(_Strict):
    must_include: list[list[str]] = Field(
        default_factory=list,
        description="Each inner list: at least one phrase must appear in headline + summary.",
    )
    must_not_include: list[str] = Field(
        default_factory=list, description="Phrases that must not appear in headline + summary."
    )
    max_words: int = Field(default=120, ge=1, description="Word limit of the summary.")
    headline_max_words: int = Field(default=20, ge=1, description="Word limit of the headline.")

    @field_validator("must_include")
    @classmethod
    def _groups_not_blank(cls, groups: list[list[str]]) -> list[list[str]]:
        return [_check_phrases(group) for group in groups]


class Expectations(_Strict):
    actors: list[ExpectedActor] = Field(default_factory=list, description="Actors to find.")
    actors_complete: bool = Field(
        default=False,
        description=(
            "The actor list names every actor in the article: any other reported actor fails "
            "actor precision (always so for `actors: []`)."
        ),
    )
    forbidden_actors: list[str] = Field(
        default_factory=list, description="Names that must not be reported as actors."
    )
    claims: list[ExpectedClaim] = Field(default_factory=list, description="Article claims.")
    caller_claims: list[ExpectedCallerClaim] = Field(
        default_factory=list, description="Assessments of the request's claims."
    )
    stances: list[ExpectedStance] = Field(default_factory=list, description="Actor stances.")
    summary: SummaryExpectations = Field(
        default_factory=SummaryExpectations, description="Summary facts and limits."
    )

    @model_validator(mode="after")
    def _references_resolve(self) -> Expectations:
        known = {n.casefold() for actor in self.actors for n in actor.names()}
        referenced = [s.actor for s in self.stances]
        for claim in self.claims:
            referenced += claim.asserted_by + claim.denied_by
        for caller in self.caller_claims:
            referenced += caller.asserted_by + caller.denied_by + caller.not_attributed_to
        unknown = sorted({name for name in referenced if name.casefold() not in known})
        if unknown:
            raise ValueError(f"not an expected actor's name or alias: {', '.join(unknown)}")
        indexes = [c.index for c in self.caller_claims]
        if len(indexes) != len(set(indexes)):
            raise ValueError("caller_claims lists the same index twice")
        return self


class GoldenCase(_Strict):
    id: str = Field(pattern=SLUG_PATTERN, description="Slug; equals the file stem.")
    description: str = Field(min_length=1, description="What the case tests.")
    source: str = Field(min_length=1, description="Where the article comes from.")
    licence: str = Field(min_length=1, description="Licence of the article text.")
    tags: list[str] = Field(default_factory=list, description="Labels for filtering runs.")
    article: str | None = Field(default=None, description="The article text, inline.")
    article_file: str | None = Field(
        default=None, description="Path of the article, relative to evals/cases/."
    )
    request: dict[str, Any] = Field(
        default_factory=dict,
        description="Extra AnalyzeRequest fields: claims, actors, tasks, title, language.",
    )
    expect: Expectations = Field(description="What a correct analysis shows.")
    thresholds: dict[str, float] = Field(
        default_factory=dict,
        description=(
            "Slack for this case: gated metric -> lowest passing value (0-1). Every other "
            "gated metric must be perfect (see evals.scores.METRICS)."
        ),
    )
    _cases_dir: Path = PrivateAttr(default=CASES_DIR)

    @model_validator(mode="after")
    def _check_case(self) -> GoldenCase:
        if (self.article is None) == (self.article_file is None):
            raise ValueError("give exactly one of article and article_file")
        if self.article_file is not None and ".." in Path(self.article_file).parts:
            raise ValueError("article_file must stay inside evals/cases/")
        extra = sorted(set(self.request) - REQUEST_FIELDS)
        if extra:
            allowed = ", ".join(sorted(REQUEST_FIELDS))
            raise ValueError(f"request fields not allowed: {', '.join(extra)} (use {allowed})")
        unknown = sorted(set(self.thresholds) - set(GATED))
        if unknown:
            raise ValueError(f"thresholds for metrics that are not gated: {', '.join(unknown)}")
        if any(not 0 <= v <= 1 for v in self.thresholds.values()):
            raise ValueError("thresholds must lie between 0 and 1")
        n_claims = len(self.request.get("claims") or [])
        too_far = [c.index for c in self.expect.caller_claims if c.index > n_claims]
        if too_far:
            raise ValueError(f"caller_claims index beyond request.claims ({n_claims}): {too_far}")
        return self

    def article_text(self) -> str:
        """The article, read from article_file when it is not inline."""
        if self.article is not None:
            return self.article
        assert self.article_file is not None  # guaranteed by _check_case
        return (self._cases_dir / self.article_file).read_text(encoding="utf-8")

    def analyze_request(self) -> AnalyzeRequest:
        """The request the service receives for this case."""
        return AnalyzeRequest(text=self.article_text(), **self.request)


def load_case(path: Path) -> GoldenCase:
    """Load and validate one case file; CaseError names the file when anything is wrong."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        case = GoldenCase.model_validate(data)
        case._cases_dir = path.parent
        if case.id != path.stem:
            raise ValueError(f"id {case.id!r} differs from the file stem {path.stem!r}")
        case.analyze_request()
    except (OSError, yaml.YAMLError, ValidationError, ValueError) as exc:
        raise CaseError(f"invalid golden case {path}: {exc}") from exc
    return case


def load_cases(pattern: str = "*", cases_dir: Path | None = None) -> list[GoldenCase]:
    """Cases whose file matches evals/cases/{pattern}.yaml, sorted by file name."""
    directory = CASES_DIR if cases_dir is None else cases_dir
    stem = pattern.removesuffix(".yaml")
    return [load_case(path) for path in sorted(directory.glob(f"{stem}.yaml"))]

"""What callers send."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from schemas.llm import ALL_TASKS, Task

MAX_CALLER_CLAIMS = 20
MAX_CALLER_ACTORS = 50
MAX_BATCH_ITEMS = 50


def _encodable(value: str) -> str:
    """Text must be encodable as UTF-8: a lone surrogate ("\\ud800" in JSON) is not text."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise PydanticCustomError(
            "unencodable_text",
            "contains a lone surrogate (U+{code:04X}) at character {at}; send valid Unicode text",
            {"code": ord(value[exc.start]), "at": exc.start},
        ) from None
    return value


class AnalyzeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="The article text, exactly as it should be cited.")
    title: str | None = Field(default=None, max_length=500, description="Optional headline.")
    claims: list[str] = Field(
        default_factory=list,
        max_length=MAX_CALLER_CLAIMS,
        description="Claims to assess in this article; each comes back, `not_mentioned` if absent.",
    )
    actors: list[str] = Field(
        default_factory=list,
        max_length=MAX_CALLER_ACTORS,
        description="Actors the caller cares about; reported even when they take no stance.",
    )
    tasks: list[Task] = Field(
        default_factory=lambda: list(ALL_TASKS),
        min_length=1,
        description="Subset of summary, actors, stances, claims (saves cost).",
    )
    model: str | None = Field(
        default=None, description="One of GET /v1/models; the configured default when omitted."
    )
    language: str | None = Field(
        default=None,
        pattern=r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$",
        description="Language of the output (BCP 47, e.g. `en`, `de`); default: the article's.",
    )

    store: bool = Field(
        default=True,
        description="`false`: the analysis is returned but never written anywhere (no cache, "
        "no stored copy, no Idempotency-Key record), e.g. for embargoed copy.",
    )

    @field_validator("text")
    @classmethod
    def _text_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text is empty or only whitespace")
        return _encodable(value)

    @field_validator("title")
    @classmethod
    def _title_encodable(cls, value: str | None) -> str | None:
        return None if value is None else _encodable(value)

    @field_validator("claims", "actors")
    @classmethod
    def _items_not_blank(cls, values: list[str]) -> list[str]:
        cleaned = [_encodable(v.strip()) for v in values]
        if any(not v or len(v) > 500 for v in cleaned):
            raise ValueError("each item must be 1-500 characters")
        return cleaned

    @field_validator("tasks")
    @classmethod
    def _dedupe_tasks(cls, values: list[Task]) -> list[Task]:
        return [t for t in ALL_TASKS if t in values]


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[AnalyzeRequest] = Field(
        min_length=1,
        max_length=MAX_BATCH_ITEMS,
        description="Articles to analyse, answered in order.",
    )


class BatchEnvelope(BaseModel):
    """How a batch body is read: the envelope first, then each item on its own, so an
    invalid item becomes that item's 422 problem instead of failing the whole batch.
    BatchRequest is the documented form of the same body."""

    model_config = ConfigDict(extra="forbid")

    items: list[Any] = Field(min_length=1, max_length=MAX_BATCH_ITEMS)

"""Bulk jobs (POST /v1/jobs, `stancewire batch`): what callers send and what comes back."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from schemas.analysis import Analysis
from schemas.errors import Problem
from schemas.request import AnalyzeRequest

JobState = Literal["queued", "running", "completed", "cancelled"]


class JobItem(AnalyzeRequest):
    """One article of a job: the fields of /v1/analyze plus the caller's own id."""

    id: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Your id for this item, echoed in its result (default: its 0-based index).",
    )


class JobRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[JobItem] = Field(min_length=1, description="The articles, as /v1/analyze takes.")
    webhook_url: HttpUrl | None = Field(
        default=None, description="POSTed the job's status, signed, when every item is done."
    )


class JobCreated(BaseModel):
    id: str = Field(description="The job's id.")
    state: JobState
    total: int = Field(description="Items queued.")
    status_url: str
    results_url: str


class JobStatus(BaseModel):
    id: str
    state: JobState
    total: int
    done: int = Field(description="Items analysed.")
    failed: int = Field(description="Items that ended in a problem (see results).")
    pending: int = Field(description="Items not finished yet (cancelled: never will be).")
    created_at: float = Field(description="Unix time the job was accepted.")
    started_at: float | None = Field(description="Unix time its first item started.")
    finished_at: float | None = Field(description="Unix time its last item finished.")
    items_per_s: float | None = Field(description="Throughput since the first item started.")
    eta_s: float | None = Field(description="Seconds left at that rate (running jobs only).")
    webhook_url: str | None = None


class JobResultOk(BaseModel):
    index: int = Field(description="Position of the item in the job (0-based).")
    id: str
    ok: Literal[True]
    analysis: Analysis


class JobResultProblem(BaseModel):
    index: int
    id: str
    ok: Literal[False]
    problem: Problem


class JobResultsPage(BaseModel):
    job: JobStatus
    items: list[JobResultOk | JobResultProblem] = Field(
        description="Finished items with index in [offset, offset + limit), in index order."
    )
    next_offset: int | None = Field(description="Offset of the next page; null on the last.")

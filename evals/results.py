"""The run file: everything one eval run produced, as a pydantic model saved as JSON."""

from __future__ import annotations

import json
import statistics
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, Field

from evals.counting import Confusion
from evals.scores import METRICS, CaseScores, PassRule
from schemas import SCHEMA_VERSION
from schemas.analysis import Analysis

RUN_FORMAT = 1


class ErrorInfo(BaseModel):
    type: str = Field(description="Exception class, e.g. UpstreamTimeout.")
    code: str = Field(description="Stable error code from api.errors.")
    message: str = Field(description="What went wrong.")


class Trial(BaseModel):
    """One run of one case (one of `repeat` trials)."""

    trial: int = Field(description="0-based trial number.")
    passed: bool
    checks: dict[str, bool] = Field(description="Pass-rule checks and their outcome.")
    error: ErrorInfo | None = None
    scores: CaseScores
    analysis: Analysis | None = Field(default=None, description="The output, when one came back.")


class CaseResult(BaseModel):
    case_id: str
    description: str = ""
    tags: list[str] = Field(default_factory=list)
    thresholds: dict[str, float] = Field(
        default_factory=dict, description="The case's own slack on the pass rule."
    )
    trials: list[Trial]

    @property
    def passed_all(self) -> bool:
        """pass^k for this case: every trial passed."""
        return all(t.passed for t in self.trials)

    @property
    def pass_rate(self) -> float:
        return sum(t.passed for t in self.trials) / len(self.trials)

    @property
    def errors(self) -> int:
        return sum(t.error is not None for t in self.trials)

    @property
    def flaky(self) -> bool:
        """Trials disagree on passing or on any quality metric."""
        if len({t.passed for t in self.trials}) > 1:
            return True
        quality = [k for k, info in METRICS.items() if info.kind == "quality"]
        seen = {tuple(t.scores.metrics()[k] for k in quality) for t in self.trials}
        return len(seen) > 1

    def metrics(self) -> dict[str, float | None]:
        """Each metric averaged over the trials where it applies."""
        per_trial = [t.scores.metrics() for t in self.trials]
        return {name: mean_or_none([m[name] for m in per_trial]) for name in METRICS}

    def failed_checks(self) -> list[str]:
        return sorted({name for t in self.trials for name, ok in t.checks.items() if not ok})


class Distribution(BaseModel):
    count: int = 0
    mean: float | None = None
    p50: float | None = None
    p95: float | None = None
    max: float | None = None
    values: list[float] = Field(default_factory=list, description="Raw values, for charts.")


class Aggregates(BaseModel):
    cases: int
    trials: int
    errors: int
    pass_rate: float = Field(description="pass@1: share of all trials that passed.")
    pass_all: float = Field(description="pass^k: share of cases whose every trial passed.")
    flaky: list[str] = Field(default_factory=list, description="Cases whose trials disagree.")
    macro: dict[str, float | None] = Field(description="Per-case metrics averaged over cases.")
    micro: dict[str, float | None] = Field(description="Counts pooled over every trial.")
    stance_confusion: Confusion = Field(default_factory=dict)
    status_confusion: Confusion = Field(default_factory=dict)
    latency_ms: Distribution = Field(default_factory=Distribution)
    total_tokens: Distribution = Field(default_factory=Distribution)
    cost_usd: float | None = None


class CassetteInfo(BaseModel):
    mode: str = Field(description="record or replay.")
    name: str


class RunFile(BaseModel):
    format: int = RUN_FORMAT
    name: str = Field(description="Run name (file stem).")
    model: str
    prompt_version: str | None
    schema_version: str
    git_commit: str | None
    git_dirty: bool = False
    started_at: datetime
    finished_at: datetime
    repeat: int
    cases_pattern: str
    cassette: CassetteInfo | None = None
    pass_rule: PassRule
    cases: list[CaseResult]
    aggregates: Aggregates

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.model_dump_json(indent=2) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: Path) -> RunFile:
        """A run written under another contract version keeps its scores (what compare
        needs); its stored analyses follow the older schema, so they are left out."""
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("schema_version") != SCHEMA_VERSION:
            for case in data.get("cases", []):
                for trial in case.get("trials", []):
                    trial["analysis"] = None
        return cls.model_validate(data)

    def case(self, case_id: str) -> CaseResult | None:
        return next((c for c in self.cases if c.case_id == case_id), None)


def mean_or_none(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def distribution(values: list[float]) -> Distribution:
    if not values:
        return Distribution()
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return Distribution(
        count=len(ordered),
        mean=statistics.fmean(ordered),
        p50=statistics.median(ordered),
        p95=p95,
        max=ordered[-1],
        values=values,
    )

"""Compare two runs: what got worse, what got better, and whether to fail the build.

The build fails (`Comparison.failed`) when an overall quality metric (pass rates, macro
and micro averages) drops by more than `threshold` (absolute, on the 0-1 scale), or when
a case passes less often in B than in A. A case whose metrics drop beyond the threshold
while it still passes is listed as regressed, first, but does not fail the build.

Scores and costs are kept apart: a case's status ("changed", "improved" …) looks at quality
metrics only, so two runs with identical scores show no change however their latency
differs. Cost metrics (latency, tokens, cost, attempts) are listed on their own, marked as
noise while within `cost_tolerance` (relative) of A, and never gated.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from evals.results import RunFile
from evals.scores import METRICS, metric_names

DEFAULT_THRESHOLD = 0.02
DEFAULT_COST_TOLERANCE = 0.25  # latency on a shared machine moves this much from run to run
CaseStatus = Literal["regressed", "improved", "changed", "unchanged", "added", "removed"]


class MetricDelta(BaseModel):
    metric: str
    scope: str = Field(description="overall, macro, micro, or a case id.")
    a: float | None
    b: float | None
    higher_is_better: bool = True
    gated: bool = Field(description="Counts towards the exit code.")
    regression: bool = False

    @property
    def delta(self) -> float | None:
        return None if self.a is None or self.b is None else self.b - self.a

    @property
    def label(self) -> str:
        info = METRICS.get(self.metric)
        return info.label if info else self.metric.replace("_", " ")


class CaseDelta(BaseModel):
    case_id: str
    status: CaseStatus
    passed_a: float | None = Field(description="Pass rate over trials in A.")
    passed_b: float | None
    changes: list[MetricDelta] = Field(default_factory=list, description="Metrics that moved.")

    @property
    def worst_drop(self) -> float:
        drops = [d.delta for d in self.changes if d.regression and d.delta is not None]
        return min(drops, default=0.0)


class Comparison(BaseModel):
    run_a: str
    run_b: str
    label_a: str = Field(description="Model and prompt version of A.")
    label_b: str
    threshold: float
    cost_tolerance: float = DEFAULT_COST_TOLERANCE
    overall: list[MetricDelta] = Field(description="Pass rates and quality metrics.")
    cost: list[MetricDelta] = Field(
        default_factory=list, description="Cost metrics (macro means), reported apart."
    )
    cases: list[CaseDelta] = Field(description="Regressions first, then improvements.")

    @property
    def score_changes(self) -> list[MetricDelta]:
        """Quality metrics that moved at all (any scope)."""
        return [
            d for d in self.overall if d.delta not in (None, 0.0) or (d.a is None) != (d.b is None)
        ]

    def cost_is_noise(self, d: MetricDelta) -> bool:
        """Within the tolerance of A (relative), or not comparable."""
        if d.a is None or d.b is None or d.delta is None:
            return True
        return abs(d.delta) <= self.cost_tolerance * abs(d.a)

    @property
    def regressions(self) -> list[str]:
        """Everything that makes the comparison fail, one line each."""
        lines = [
            f"{d.scope} {d.label}: {_fmt(d.a)} -> {_fmt(d.b)}" for d in self.overall if d.regression
        ]
        return lines + [
            f"case {c.case_id}: passed {_fmt(c.passed_a)} -> {_fmt(c.passed_b)}"
            for c in self.cases
            if c.passed_a is not None and c.passed_b is not None and c.passed_b < c.passed_a
        ]

    @property
    def failed(self) -> bool:
        return bool(self.regressions)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _delta(
    metric: str, scope: str, a: float | None, b: float | None, threshold: float
) -> MetricDelta:
    info = METRICS.get(metric)
    higher = info.higher_is_better if info else True
    gated = info is None or info.kind == "quality"
    regression = False
    if gated and a is not None:
        worse = (a - b) if b is not None else a  # a metric that vanished counts as zero
        regression = worse > threshold + 1e-12 if higher else -worse > threshold + 1e-12
    return MetricDelta(
        metric=metric,
        scope=scope,
        a=a,
        b=b,
        higher_is_better=higher,
        gated=gated,
        regression=regression,
    )


def compare_runs(
    run_a: RunFile,
    run_b: RunFile,
    threshold: float = DEFAULT_THRESHOLD,
    cost_tolerance: float = DEFAULT_COST_TOLERANCE,
) -> Comparison:
    ag_a, ag_b = run_a.aggregates, run_b.aggregates
    overall = [
        _delta("pass_rate", "overall", ag_a.pass_rate, ag_b.pass_rate, threshold),
        _delta("pass_all", "overall", ag_a.pass_all, ag_b.pass_all, threshold),
    ]
    for scope, values_a, values_b in (
        ("macro", ag_a.macro, ag_b.macro),
        ("micro", ag_a.micro, ag_b.micro),
    ):
        overall += [
            _delta(name, scope, values_a.get(name), values_b.get(name), threshold)
            for name in metric_names("quality")
        ]
    cost = [
        _delta(n, "macro", ag_a.macro.get(n), ag_b.macro.get(n), threshold)
        for n in metric_names("cost")
    ]
    return Comparison(
        run_a=run_a.name,
        run_b=run_b.name,
        label_a=f"{run_a.model} · prompt {run_a.prompt_version or '-'}",
        label_b=f"{run_b.model} · prompt {run_b.prompt_version or '-'}",
        threshold=threshold,
        cost_tolerance=cost_tolerance,
        overall=overall,
        cost=cost,
        cases=_case_deltas(run_a, run_b, threshold),
    )


def _case_deltas(run_a: RunFile, run_b: RunFile, threshold: float) -> list[CaseDelta]:
    ids = list(dict.fromkeys([c.case_id for c in run_a.cases] + [c.case_id for c in run_b.cases]))
    deltas = []
    for case_id in ids:
        a, b = run_a.case(case_id), run_b.case(case_id)
        if a is None or b is None:
            status: CaseStatus = "added" if a is None else "removed"
            rate_a = a.pass_rate if a else None
            rate_b = b.pass_rate if b else None
            deltas.append(
                CaseDelta(case_id=case_id, status=status, passed_a=rate_a, passed_b=rate_b)
            )
            continue
        metrics_a, metrics_b = a.metrics(), b.metrics()
        changes = [
            _delta(name, case_id, metrics_a[name], metrics_b[name], threshold)
            for name in metric_names("quality")
            if metrics_a[name] != metrics_b[name]
        ]
        deltas.append(
            CaseDelta(
                case_id=case_id,
                status=_case_status(a.pass_rate, b.pass_rate, changes),
                passed_a=a.pass_rate,
                passed_b=b.pass_rate,
                changes=changes,
            )
        )
    order = {"regressed": 0, "improved": 1, "changed": 2, "added": 3, "removed": 4, "unchanged": 5}
    return sorted(deltas, key=lambda d: (order[d.status], d.worst_drop))


def _case_status(rate_a: float, rate_b: float, changes: list[MetricDelta]) -> CaseStatus:
    if rate_b < rate_a or any(d.regression for d in changes):
        return "regressed"
    gated = [d for d in changes if d.gated and d.delta is not None]
    if rate_b > rate_a or any(d.delta > 0 for d in gated if d.delta is not None):
        return "improved"
    return "changed" if changes else "unchanged"

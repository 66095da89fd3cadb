"""Overall scores of a run: macro (mean of per-case scores) and micro (pooled counts).

Macro treats every case alike, so one long article does not drown twenty short ones;
micro weights by items (actors, claims, stances, evidence spans), which is what a
caller sending many articles experiences. Trials that ended in an error are scored as
empty outputs (see evals.scoring.score_failure), so errors lower both.
"""

from __future__ import annotations

from evals.counting import merged_confusion, ratio
from evals.results import Aggregates, CaseResult, distribution, mean_or_none
from evals.scores import METRICS, CaseScores


def aggregate(cases: list[CaseResult]) -> Aggregates:
    trials = [t for c in cases for t in c.trials]
    scores = [t.scores for t in trials]
    stance_confusion = merged_confusion([s.stance_confusion() for s in scores])
    status_confusion = merged_confusion([s.status_confusion() for s in scores])
    succeeded = [t.scores.usage for t in trials if t.error is None]
    costs = [u.cost_usd for u in succeeded if u.cost_usd is not None]
    return Aggregates(
        cases=len(cases),
        trials=len(trials),
        errors=sum(t.error is not None for t in trials),
        pass_rate=ratio(sum(t.passed for t in trials), len(trials)) or 0.0,
        pass_all=ratio(sum(c.passed_all for c in cases), len(cases)) or 0.0,
        flaky=[c.case_id for c in cases if c.flaky],
        macro=_macro(cases),
        micro=_micro(scores),
        stance_confusion=stance_confusion,
        status_confusion=status_confusion,
        latency_ms=distribution([u.latency_ms for u in succeeded if u.latency_ms is not None]),
        total_tokens=distribution([float(u.total_tokens) for u in succeeded]),
        cost_usd=sum(costs) if costs else None,
    )


def _macro(cases: list[CaseResult]) -> dict[str, float | None]:
    per_case = [c.metrics() for c in cases]
    return {name: mean_or_none([m[name] for m in per_case]) for name in METRICS}


def _micro(scores: list[CaseScores]) -> dict[str, float | None]:
    """Each metric over the pooled items of every trial (see MetricInfo.pooled)."""
    per_trial = [s.metrics() for s in scores]
    return {
        name: metric.pooled(scores)
        if metric.pooled is not None
        else mean_or_none([m[name] for m in per_trial])
        for name, metric in METRICS.items()
    }

"""Overall scores of a run: macro (mean of per-case scores) and micro (pooled counts).

Macro treats every case alike, so one long article does not drown twenty short ones;
micro weights by items (actors, claims, stances, evidence spans), which is what a
caller sending many articles experiences. Trials that ended in an error are scored as
empty outputs (see evals.scoring.score_failure), so errors lower both.
"""

from __future__ import annotations

from evals.results import Aggregates, CaseResult, distribution, mean_or_none
from evals.scores import METRICS, CaseScores, Confusion, add_to_confusion, f1, macro_f1, ratio


def aggregate(cases: list[CaseResult]) -> Aggregates:
    trials = [t for c in cases for t in c.trials]
    scores = [t.scores for t in trials]
    stance_confusion = _merge([s.stance_confusion() for s in scores])
    status_confusion = _merge([s.status_confusion() for s in scores])
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
        micro=_micro(scores, stance_confusion),
        stance_confusion=stance_confusion,
        status_confusion=status_confusion,
        latency_ms=distribution([u.latency_ms for u in succeeded if u.latency_ms is not None]),
        total_tokens=distribution([float(u.total_tokens) for u in succeeded]),
        cost_usd=sum(costs) if costs else None,
    )


def _macro(cases: list[CaseResult]) -> dict[str, float | None]:
    per_case = [c.metrics() for c in cases]
    return {name: mean_or_none([m[name] for m in per_case]) for name in METRICS}


def _micro(scores: list[CaseScores], stance_confusion: Confusion) -> dict[str, float | None]:
    actors = [s.actors for s in scores if s.actors is not None]
    matched = sum(a.matched for a in actors)
    precision = ratio(matched, sum(a.predicted for a in actors))
    recall = ratio(matched, sum(a.expected for a in actors))
    claims = [c for s in scores for c in s.claims]
    callers = [c for s in scores for c in s.caller_claims]
    stances = [st for s in scores for st in s.stances]
    grounding = [s.grounding for s in scores]
    cited = sum(g.spans + g.unsupported_items for g in grounding)
    per_trial = [s.metrics() for s in scores]
    micro: dict[str, float | None] = {
        name: mean_or_none([m[name] for m in per_trial]) for name in METRICS
    }  # binary per-trial metrics: pooled == averaged over trials
    micro |= {
        "actor_precision": precision,
        "actor_recall": recall,
        "actor_f1": f1(precision, recall),
        "claim_status_accuracy": ratio(sum(c.ok for c in claims), len(claims)),
        "claim_attribution": ratio(
            sum(c.attributions_found for c in claims), sum(c.attributions for c in claims)
        ),
        "caller_claim_accuracy": ratio(sum(c.ok for c in callers), len(callers)),
        "stance_accuracy": ratio(sum(st.ok for st in stances), len(stances)),
        "stance_macro_f1": macro_f1(stance_confusion),
        "grounding_rate": ratio(sum(g.grounded for g in grounding), cited),
    }
    return micro


def _merge(confusions: list[Confusion]) -> Confusion:
    merged: Confusion = {}
    for confusion in confusions:
        for gold, row in confusion.items():
            for predicted, count in row.items():
                add_to_confusion(merged, gold, predicted, count)
    return merged

"""Score a run's recorded answers again with today's cases and scorers, without a model.

A run file keeps every trial's analysis (or its typed error), so a scorer or a case change
can be measured on old answers: `stancewire eval rescore RUN` prints what moved, and
`--write` saves the run rescored. CI rescores every committed run and requires the stored
scores exactly (tests/evals/test_committed_runs.py).
"""

from __future__ import annotations

from evals.aggregate import aggregate
from evals.case_model import CaseError, GoldenCase, load_cases
from evals.results import CaseResult, RunFile, Trial
from evals.scores import PassRule
from evals.scoring import score_case, score_failure


def rescore_trial(case: GoldenCase, trial: Trial, rule: PassRule) -> Trial:
    """The trial scored again: its analysis if one came back, else its recorded error."""
    if trial.analysis is None:
        reason = f"{trial.error.code}: {trial.error.message}" if trial.error else "no analysis"
        scores = score_failure(case, reason)
        checks = rule.checks(scores, case.thresholds)
        return trial.model_copy(update={"scores": scores, "checks": checks, "passed": False})
    scores = score_case(case, trial.analysis)
    checks = rule.checks(scores, case.thresholds)
    return trial.model_copy(
        update={"scores": scores, "checks": checks, "passed": all(checks.values())}
    )


def rescore_run(run: RunFile, rule: PassRule | None = None) -> RunFile:
    """The run with every trial rescored under `rule` (default: today's rule)."""
    rule = rule or PassRule()
    cases = {c.id: c for c in load_cases(run.cases_pattern)}
    results = []
    for result in run.cases:
        case = cases.get(result.case_id)
        if case is None:
            raise CaseError(f"run {run.name} has case {result.case_id}, which no longer exists")
        trials = [rescore_trial(case, t, rule) for t in result.trials]
        results.append(
            CaseResult(
                case_id=case.id,
                description=case.description,
                tags=case.tags,
                thresholds=case.thresholds,
                trials=trials,
            )
        )
    return run.model_copy(
        update={"pass_rule": rule, "cases": results, "aggregates": aggregate(results)}
    )

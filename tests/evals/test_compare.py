from __future__ import annotations

from evals.compare import compare_runs
from tests.evals.runs import make_run


async def test_identical_runs_do_not_fail() -> None:
    run = await make_run({"a": "perfect", "b": "empty"}, "base")
    comparison = compare_runs(run, run)
    assert not comparison.failed
    assert {c.status for c in comparison.cases} == {"unchanged"}


async def test_a_case_that_stops_passing_is_a_regression_listed_first() -> None:
    base = await make_run({"a": "perfect", "b": "perfect", "c": "empty"}, "base")
    head = await make_run({"a": "perfect", "b": "empty", "c": "perfect"}, "head")
    comparison = compare_runs(base, head)
    assert [(c.case_id, c.status) for c in comparison.cases] == [
        ("b", "regressed"),
        ("c", "improved"),
        ("a", "unchanged"),
    ]
    assert comparison.failed
    assert "case b: passed 1.000 -> 0.000" in comparison.regressions


async def test_threshold_absorbs_small_overall_drops() -> None:
    base = await make_run({f"c{i}": "perfect" for i in range(3)}, "base")
    head = base.model_copy(deep=True)
    head.aggregates.macro["actor_f1"] = 0.99
    assert not compare_runs(base, head, threshold=0.02).failed
    drop = compare_runs(base, head, threshold=0.0)
    assert drop.regressions == ["macro actor F1: 1.000 -> 0.990"]


async def test_cost_metrics_are_reported_apart_and_not_gated() -> None:
    base = await make_run({"a": "perfect"}, "base")
    head = base.model_copy(deep=True)
    head.aggregates.macro["latency_ms"] = 10_000.0
    comparison = compare_runs(base, head)
    assert all(d.metric != "latency_ms" for d in comparison.overall)
    latency = next(d for d in comparison.cost if d.metric == "latency_ms")
    assert latency.delta is not None and latency.delta > 0 and not latency.regression
    assert not comparison.cost_is_noise(latency)
    assert not comparison.failed and comparison.score_changes == []


async def test_identical_scores_with_other_latencies_show_no_change() -> None:
    """Latency noise is not a change: cases stay unchanged, small moves are noise."""
    base = await make_run({"a": "perfect", "b": "empty"}, "base")
    head = base.model_copy(deep=True)
    for case in head.cases:
        for trial in case.trials:
            if trial.scores.usage.latency_ms is not None:
                trial.scores.usage.latency_ms *= 1.1
    head.aggregates.macro["latency_ms"] = (base.aggregates.macro["latency_ms"] or 0) * 1.1
    comparison = compare_runs(base, head)
    assert {c.status for c in comparison.cases} == {"unchanged"}
    assert comparison.score_changes == []
    assert all(comparison.cost_is_noise(d) for d in comparison.cost)


async def test_added_and_removed_cases() -> None:
    base = await make_run({"a": "perfect", "old": "perfect"}, "base")
    head = await make_run({"a": "perfect", "new": "perfect"}, "head")
    statuses = {c.case_id: c.status for c in compare_runs(base, head).cases}
    assert statuses == {"a": "unchanged", "new": "added", "old": "removed"}

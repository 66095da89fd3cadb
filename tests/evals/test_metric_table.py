"""A metric is declared once, in evals.scores.METRICS: every average, gate and table follows.

The test adds a metric the way a developer would (one MetricInfo entry) and checks that
the per-case values, the macro and micro averages, the pass rule and the comparison of two
runs all carry it without another edit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evals import scores
from evals.aggregate import aggregate
from evals.compare import compare_runs
from evals.results import RunFile
from evals.scores import METRICS, MetricInfo, PassRule

COMMITTED_RUN = Path(__file__).parents[2] / "evals" / "runs" / "builtin-rules-en.json"


@pytest.fixture
def with_evidence_metric(monkeypatch: pytest.MonkeyPatch) -> str:
    """Spans cited per case, pooled as the mean over trials; gated at 1 span."""
    name = "evidence_spans"
    metric = MetricInfo("evidence spans", lambda s: float(s.grounding.spans), gate=1.0)
    monkeypatch.setitem(METRICS, name, metric)
    monkeypatch.setitem(scores.GATED, name, 1.0)
    return name


def test_a_metric_declared_once_reaches_every_average_and_the_pass_rule(
    with_evidence_metric: str,
) -> None:
    run = RunFile.load(COMMITTED_RUN)
    totals = aggregate(run.cases)
    trials = [t.scores for c in run.cases for t in c.trials]
    spans = [float(s.grounding.spans) for s in trials]
    assert totals.micro[with_evidence_metric] == pytest.approx(sum(spans) / len(spans))
    assert totals.macro[with_evidence_metric] is not None
    checks = PassRule().checks(trials[0])
    assert checks[with_evidence_metric] == (spans[0] >= 1.0)


def test_a_declared_metric_shows_in_the_comparison_of_two_runs(with_evidence_metric: str) -> None:
    run = RunFile.load(COMMITTED_RUN)
    run = run.model_copy(update={"aggregates": aggregate(run.cases)})  # as a new run would be
    comparison = compare_runs(run, run)
    names = {d.metric for d in comparison.overall}
    assert with_evidence_metric in names


def test_pooled_metrics_weigh_items_not_cases() -> None:
    """Micro actor recall pools counts: one case with 9 actors outweighs one with 1."""
    run = RunFile.load(COMMITTED_RUN)
    trials = [t.scores for c in run.cases for t in c.trials]
    actors = [s.actors for s in trials if s.actors is not None]
    expected = sum(a.matched for a in actors) / sum(a.expected for a in actors)
    assert aggregate(run.cases).micro["actor_recall"] == pytest.approx(expected)

"""Every request under injected upstream faults ends in a valid analysis or a typed problem
within the time the settings allow, and memory stays flat across rounds (issue 14).

The short version CI runs, with the service and the stub upstream in this process; `make
bench` runs 3 rounds of 2,000 at concurrency 100, each in a process of its own
(tests/load/harness.py)."""

from __future__ import annotations

import pytest

from tests.load.fault_upstream import FAULTS, FaultPlan
from tests.load.harness import Round, report, run, time_bound_s
from tests.load.service import service_settings

REQUESTS, CONCURRENCY, ROUNDS, FAULT_RATE = 100, 20, 3, 0.3
BOUND_S = time_bound_s(service_settings("http://unused"))
Outcome = tuple[list[Round], FaultPlan]
RSS_GROWTH_LIMIT_MB = 30.0


@pytest.fixture(scope="module")
def outcome() -> Outcome:
    return run(REQUESTS, CONCURRENCY, ROUNDS, FAULT_RATE)


def test_every_request_ends_in_an_analysis_or_a_typed_problem_in_time(outcome: Outcome) -> None:
    results, plan = outcome
    print(report(results, plan, BOUND_S))
    for result in results:
        assert sum(result.outcomes.values()) == REQUESTS
        assert result.violations == []
        assert result.max_latency_s < BOUND_S


def test_every_fault_was_injected(outcome: Outcome) -> None:
    _, plan = outcome
    assert set(FAULTS) <= set(plan.drawn), plan.drawn


def test_memory_is_flat_across_rounds(outcome: Outcome) -> None:
    results, _ = outcome
    rss = [r.rss_mb for r in results]
    assert max(rss[1:]) - rss[0] < RSS_GROWTH_LIMIT_MB, rss

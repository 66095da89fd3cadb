"""scripts/same_analyses.py: ids and latency may change between runs, answers may not."""

from __future__ import annotations

import copy
from typing import Any

from scripts.same_analyses import differing_cases


def _run(status: str, analysis_id: str, latency: float) -> dict[str, Any]:
    analysis = {
        "id": analysis_id,
        "claims": [{"text": "x", "status": status}],
        "meta": {"latency_ms": latency, "engine_build": "b1"},
    }
    return {"cases": [{"case_id": "01", "trials": [{"analysis": analysis}]}]}


def test_new_ids_and_latency_are_the_same_analysis() -> None:
    assert differing_cases(_run("confirmed", "a", 1.0), _run("confirmed", "b", 9.0)) == []


def test_a_changed_finding_is_named() -> None:
    before = _run("confirmed", "a", 1.0)
    after = copy.deepcopy(before)
    after["cases"][0]["trials"][0]["analysis"]["claims"][0]["status"] = "disputed"
    assert differing_cases(before, after) == ["01"]
    assert differing_cases(before, {"cases": []}) == ["01"]

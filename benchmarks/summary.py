"""From the raw phases to the numbers the report shows: per-round values and their range,
the stancewire / bare-litellm ratio, the overhead per request, and the correctness checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

BARE = "litellm"  # the reference every stancewire variant is compared with
VARIANTS = ("stancewire", "stancewire_xc")
# The bare forwarder on litellm's httpx transport, the one stancewire's litellm.acompletion
# calls use (OpenAI-compatible models take api/llm/direct.py, also httpx)
SAME_TRANSPORT = "litellm_httpx"


def _per_round(
    rounds: list[dict[str, Any]], key: str, phase: str, *path: str
) -> list[float] | None:
    """One value per round; None when a round lacks it (CPU time off Linux)."""
    values = []
    for round_ in rounds:
        value: Any = round_[key][phase]
        for step in path:
            value = value[step]
        if value is None:
            return None
        values.append(float(value))
    return values


def _pairwise(
    own: list[float] | None, bare: list[float] | None, combine: Callable[[float, float], float]
) -> list[float] | None:
    if own is None or bare is None:
        return None
    return [combine(a, b) for a, b in zip(own, bare, strict=True)]


def endpoint_numbers(rounds: list[dict[str, Any]], key: str) -> dict[str, list[float] | None]:
    return {
        "requests_per_s": _per_round(rounds, key, "concurrency", "requests_per_s"),
        "p50_ms": _per_round(rounds, key, "concurrency", "latency_ms", "p50"),
        "p99_ms": _per_round(rounds, key, "concurrency", "latency_ms", "p99"),
        "requests": _per_round(rounds, key, "concurrency", "requests"),
        "cpu_ms": _per_round(rounds, key, "concurrency", "app_cpu_ms_per_request"),
        "single_p50_ms": _per_round(rounds, key, "single", "latency_ms", "p50"),
        "single_requests": _per_round(rounds, key, "single", "requests"),
        "single_cpu_ms": _per_round(rounds, key, "single", "app_cpu_ms_per_request"),
    }


def _phases(results: dict[str, Any]) -> list[dict[str, Any]]:
    phases = [results["capture"]]
    for round_ in results["rounds"]:
        for endpoint in round_.values():
            phases += [endpoint["concurrency"], endpoint["single"]]
    return phases


def checks(results: dict[str, Any]) -> dict[str, int]:
    """Over every phase: answers, non-200s, transport errors, re-asks seen by the stub, and
    stancewire answers whose meta.attempts was not 1."""
    phases = _phases(results)
    return {
        "answers": sum(p["received"] for p in phases),
        "answered_200": sum(p["answered_200"] for p in phases),
        "non200": sum(p["non200"] for p in phases),
        "transport_errors": sum(
            p["errors"][k] for p in phases for k in ("connect", "read", "write", "timeout")
        ),
        "upstream_repairs": sum(p["upstream_repairs"] for p in phases),
        "multi_attempt_answers": sum(p["repaired"] for p in phases),
    }


def summarise(results: dict[str, Any]) -> dict[str, Any]:
    """Per endpoint and round; and for each stancewire variant against the bare forwarder:
    requests/s ratio, CPU capacity ratio (its CPU ms per request over ours), and overhead per
    request at one connection (p50 latency and CPU time, ours minus its)."""
    rounds = results["rounds"]
    keys = [e["key"] for e in results["endpoints"]]
    numbers = {key: endpoint_numbers(rounds, key) for key in keys}
    bare = numbers[BARE]
    compared: dict[str, dict[str, list[float] | None]] = {}
    for variant in VARIANTS:
        own = numbers.get(variant)
        if own is None:
            compared[variant] = dict.fromkeys(
                ("ratio", "cpu_ratio", "overhead_ms", "cpu_overhead_ms")
            )
            continue
        compared[variant] = {
            "ratio": _pairwise(own["requests_per_s"], bare["requests_per_s"], _ratio),
            "cpu_ratio": _pairwise(bare["cpu_ms"], own["cpu_ms"], _ratio),
            "overhead_ms": _pairwise(own["single_p50_ms"], bare["single_p50_ms"], _minus),
            "cpu_overhead_ms": _pairwise(own["single_cpu_ms"], bare["single_cpu_ms"], _minus),
        }
    same_transport = numbers.get(SAME_TRANSPORT)
    if same_transport is not None:
        for variant in VARIANTS:
            own = numbers.get(variant)
            compared[variant]["ratio_same_transport"] = (
                None
                if own is None
                else _pairwise(own["requests_per_s"], same_transport["requests_per_s"], _ratio)
            )
    transport_cpu_ms = (
        _pairwise(same_transport["cpu_ms"], bare["cpu_ms"], _minus) if same_transport else None
    )
    stub_cpu = [
        p["stub_cpu_ms_per_request"]
        for round_ in rounds
        for endpoint in round_.values()
        for p in (endpoint["concurrency"], endpoint["single"])
        if p["stub_cpu_ms_per_request"] is not None
    ]
    return {
        "endpoints": numbers,
        "compared": compared,
        "stub_cpu_ms": stub_cpu or None,
        "transport_cpu_ms": transport_cpu_ms,
        "checks": checks(results),
    }


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def _minus(a: float, b: float) -> float:
    return a - b


def passed(results: dict[str, Any]) -> bool:
    """Every request answered 200, with no transport error and no re-ask."""
    c: dict[str, int] = results["summary"]["checks"]
    return (
        c["answers"] > 0
        and c["answered_200"] == c["answers"]
        and c["transport_errors"] == c["upstream_repairs"] == c["multi_attempt_answers"] == 0
    )

"""From the raw phases to the numbers the report shows: per-round values and their range,
the stancewire / bare-litellm ratio, the overhead per request, and the correctness checks."""

from __future__ import annotations

from typing import Any

BARE = "litellm"  # the reference every stancewire variant is compared with
VARIANTS = ("stancewire", "stancewire_xc")


def _per_round(rounds: list[dict[str, Any]], key: str, phase: str, *path: str) -> list[float]:
    values = []
    for round_ in rounds:
        value: Any = round_[key][phase]
        for step in path:
            value = value[step]
        values.append(float(value))
    return values


def endpoint_numbers(rounds: list[dict[str, Any]], key: str) -> dict[str, list[float]]:
    return {
        "requests_per_s": _per_round(rounds, key, "concurrency", "requests_per_s"),
        "p50_ms": _per_round(rounds, key, "concurrency", "latency_ms", "p50"),
        "p99_ms": _per_round(rounds, key, "concurrency", "latency_ms", "p99"),
        "single_p50_ms": _per_round(rounds, key, "single", "latency_ms", "p50"),
        "single_requests": _per_round(rounds, key, "single", "requests"),
        "requests": _per_round(rounds, key, "concurrency", "requests"),
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
    rounds = results["rounds"]
    keys = [e["key"] for e in results["endpoints"]]
    numbers = {key: endpoint_numbers(rounds, key) for key in keys}
    bare = numbers[BARE]
    ratio: dict[str, list[float] | None] = {}
    overhead: dict[str, list[float] | None] = {}
    for variant in VARIANTS:
        if variant not in numbers:
            ratio[variant] = overhead[variant] = None
            continue
        own = numbers[variant]
        ratio[variant] = [
            s / b if b else 0.0
            for s, b in zip(own["requests_per_s"], bare["requests_per_s"], strict=True)
        ]
        overhead[variant] = [
            s - b for s, b in zip(own["single_p50_ms"], bare["single_p50_ms"], strict=True)
        ]
    return {
        "endpoints": numbers,
        "ratio": ratio,
        "overhead_ms": overhead,
        "checks": checks(results),
    }


def passed(results: dict[str, Any]) -> bool:
    """Every request answered 200, with no transport error and no re-ask."""
    c: dict[str, int] = results["summary"]["checks"]
    return (
        c["answers"] > 0
        and c["answered_200"] == c["answers"]
        and c["transport_errors"] == c["upstream_repairs"] == c["multi_attempt_answers"] == 0
    )

"""The A/B benchmark's round-by-round comparison (scripts/bench_ab.py): a ratio's interval
comes from the rounds, and above 1 means better for the app in both columns."""

from __future__ import annotations

from pathlib import Path

from benchmarks import servers
from scripts.bench_ab import App, _interval, paired


def app(name: str, phases: list[tuple[float, float]]) -> App:
    server = servers.Server(name, servers.Launch(name), 0, None, Path("/dev/null"))  # type: ignore[arg-type]
    return App(server, "/", phases)


def test_a_faster_app_is_above_one_in_both_ratios() -> None:
    forwarder = app("litellm", [(100.0, 6.0), (200.0, 4.0), (150.0, 5.0)])
    faster = app("head", [(110.0, 5.0), (220.0, 3.5), (160.0, 4.5)])  # 10 %, 7 %, 7 % ahead

    line = paired(faster, forwarder)

    assert line.startswith("head / litellm: requests/s 1.0")
    assert "at least 1.0 in 3 of 3" in line
    low, high = _interval([110 / 100, 220 / 200, 160 / 150])
    assert 1.0 < low <= high < 1.11


def test_the_interval_spans_the_rounds_and_is_the_same_every_time() -> None:
    ratios = [0.9, 1.2, 1.0, 1.1, 0.95, 1.15]
    low, high = _interval(ratios)

    assert min(ratios) < low < 1.0 < high < max(ratios)  # mixed rounds: 1.0 not excluded
    assert _interval(ratios) == (low, high)
    assert _interval([1.05] * 5) == (1.05, 1.05)

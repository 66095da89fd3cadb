"""How the results file shows numbers from several rounds."""

from __future__ import annotations

from benchmarks.report import span


def test_span_shows_the_range_of_rounds() -> None:
    assert span([48.2, 50.9]) == "48–51"
    assert span([0.41, 0.41], 2) == "0.41"
    assert span([-10.3, 19.1], 1) == "-10.3 to 19.1"
    assert span(None) == "n/a"

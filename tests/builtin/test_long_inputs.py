"""The built-in engine's cost grows linearly with the article (issue 14, defect 6).

Each long-input shape is analysed at two lengths and the CPU times compared: linear work
takes about 10x as long for 10x the text (less, with fixed costs), quadratic work 100x. A ratio,
not an absolute time, so a loaded CI machine does not fail it; this thread's CPU time, not wall
time, so other processes (and other threads of this one) do not either. Before the fix
"a.\\n" repeated took 8.7 s for 25,000 characters and 315 s for 100,000 (every sentence
compared with every other one).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from api.builtin.engine import analyse
from tests.builtin.conftest import SEED, job_for

ROOT = Path(__file__).resolve().parents[2]
NEAR_MISS_ARTICLES = ROOT / "evals" / "datasets" / "near_miss_articles.jsonl"
SHORT, LONG = 3_000, 30_000
# Linear: at most 10 (fixed costs make it less); quadratic: 100. Twice linear leaves room for
# the noise of timing a few hundredths of a second.
MAX_RATIO = 20.0


def _repeat(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


def _seed_words() -> list[str]:
    words = dict.fromkeys(w.strip(".,;:\"'“”()[]") for w in SEED.read_text().split())
    return [w for w in words if w.isalpha()]


def _distinct_words() -> list[str]:
    """Thousands of different words: many of them become actors as the text grows."""
    lines = NEAR_MISS_ARTICLES.read_text(encoding="utf-8").splitlines()
    words = (w.strip(".,;:\"'()") for line in lines for w in json.loads(line)["body"].split())
    return [w for w in dict.fromkeys(words) if w.isalpha()]


def _real_articles(n: int) -> str:
    """Distinct real articles one after another: actors and claims grow with the length."""
    lines = NEAR_MISS_ARTICLES.read_text(encoding="utf-8").splitlines()
    return "\n\n".join(json.loads(line)["body"] for line in lines)[:n]


SHAPES: dict[str, Callable[[int], str]] = {
    "repeated-short-lines": lambda n: _repeat("a.\n", n),
    "one-sentence-no-punctuation": lambda n: _repeat(" ".join(_seed_words()).lower() + " ", n),
    "one-word-paragraphs": lambda n: _repeat("".join(f"{w}\n\n" for w in _distinct_words()), n),
    "real-articles": _real_articles,
}


def _cpu_seconds(text: str) -> float:
    """CPU of this thread only: in the full suite other threads of the process (servers and
    pools of earlier tests) also burn CPU, and process_time counted them (a 29x once)."""
    job = job_for(text)
    start = time.thread_time()
    analyse(job)
    return time.thread_time() - start


@pytest.mark.parametrize("shape", SHAPES)
def test_time_grows_linearly_with_length(shape: str) -> None:
    make = SHAPES[shape]
    _cpu_seconds(make(200))  # the pipeline and models load outside the measurement
    short = min(_cpu_seconds(make(SHORT)) for _ in range(2))
    long = min(_cpu_seconds(make(LONG)) for _ in range(2))
    assert long / short < MAX_RATIO, f"{shape}: {short:.2f} s -> {long:.2f} s CPU"

"""Compare the two sentence segmenters we considered, on the seed article, in one process.

Run: .venv/bin/python scripts/bench_segmenter.py
Prints the sentence count of each (after splitting lines first, as api/pipeline/article.py
does) and the time per article, as a ratio against syntok.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pysbd
from syntok import segmenter

SEED = Path(__file__).resolve().parents[1] / "api" / "static" / "examples" / "seed_article.txt"


def by_syntok(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        for paragraph in segmenter.analyze(line):
            out += ["".join(t.spacing + t.value for t in s).strip() for s in paragraph]
    return [s for s in out if s]


_PYSBD = pysbd.Segmenter(language="en", clean=False)


def by_pysbd(text: str) -> list[str]:
    return [s.strip() for line in text.splitlines() for s in _PYSBD.segment(line) if s.strip()]


def seconds_per_run(split: Callable[[str], list[str]], text: str, runs: int = 30) -> float:
    split(text)  # warm-up: regex compilation
    started = time.perf_counter()
    for _ in range(runs):
        split(text)
    return (time.perf_counter() - started) / runs


def main() -> None:
    text = SEED.read_text()
    a, b = by_syntok(text), by_pysbd(text)
    print(f"sentences: syntok {len(a)}, pysbd {len(b)}, identical: {a == b}")
    t_syntok, t_pysbd = seconds_per_run(by_syntok, text), seconds_per_run(by_pysbd, text)
    print(f"syntok {t_syntok * 1000:.2f} ms/article, pysbd {t_pysbd * 1000:.2f} ms/article")
    print(f"pysbd / syntok time ratio: {t_pysbd / t_syntok:.1f}x")


if __name__ == "__main__":
    main()

"""Cost of the LLM cross-check next to the built-in engine's spaCy parse of the article.

    .venv/bin/python scripts/bench_cross_check.py

Budget (issue 12): checking an LLM's answer costs ≤ 1.3× spaCy's parse of the article.
On the seed article with the recorded seed answer (tests/data/seed_contract.json: its
claims checked against their cited sentences) plus two caller claims (each against the
whole article): median of RUNS, after one warm-up run of each.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from api.builtin.crosscheck import cross_check
from api.builtin.nlp import parse_sentences
from api.pipeline.article import prepare_article
from api.pipeline.engine import AnalysisJob
from schemas.llm import ALL_TASKS, AnalysisContract

REPO = Path(__file__).resolve().parents[1]
ARTICLE = REPO / "evals" / "cases" / "articles" / "seed_article.txt"
ANSWER = REPO / "tests" / "data" / "seed_contract.json"
CALLER_CLAIMS = ("North Korea sent troops to Russia", "China sent troops to Ukraine")
RUNS = 15


def _median_ms(action: Callable[[], object]) -> float:
    action()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def main() -> None:
    article = prepare_article(ARTICLE.read_text(encoding="utf-8"))
    job = AnalysisJob(article, "m", ALL_TASKS, caller_claims=CALLER_CLAIMS)
    answer = json.loads(ANSWER.read_text(encoding="utf-8"))
    answer["caller_claims"] = [
        {"index": i, "status": "confirmed", "asserted_by": [], "denied_by": [],
         "evidence": [{"sentence": 1, "act": "asserts"}], "confidence": 0.9}
        for i in (1, 2)
    ]  # fmt: skip
    parse = _median_ms(lambda: parse_sentences(article))
    check = _median_ms(lambda: cross_check(AnalysisContract.model_validate(answer), job))
    n_claims = len(answer["claims"])
    print(f"seed article: {len(article)} sentences, {n_claims} LLM claims + 2 caller claims")
    print(f"spaCy parse {parse:.1f} ms; cross-check {check:.1f} ms = {check / parse:.2f}x")


if __name__ == "__main__":
    main()

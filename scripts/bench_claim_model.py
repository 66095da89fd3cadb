"""Claim-model cost next to the built-in engine's spaCy parse of the same article.

    .venv/bin/python scripts/bench_claim_model.py [ARTICLE ...]

Budget (issue 12): assessing one claim costs ≤ 1.3× spaCy's parse of the article. Prints
the load time, then per article: words, sentences, median spaCy parse time, median
claim-model time for one claim (all sentences, per-sentence speech acts included).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from api.builtin.nlp import parse_sentences
from api.pipeline.article import prepare_article

REPO = Path(__file__).resolve().parents[1]
DEFAULT = [
    REPO / "evals" / "cases" / "articles" / "seed_article.txt",
    REPO / "evals" / "cases" / "articles" / "brennmoor_bridge_inquiry.txt",
]
CLAIM = "North Korea sent troops to Russia"
RUNS = 15


def _median_ms(action: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def main(paths: list[Path]) -> None:
    started = time.perf_counter()
    from api.builtin.claimmodel import load_claim_model

    model = load_claim_model()
    print(f"load_claim_model: {1000 * (time.perf_counter() - started):.0f} ms ({model.version})")
    for path in paths:
        article = prepare_article(path.read_text(encoding="utf-8"))
        sentences = [s.text for s in article.sentences]
        parse_sentences(article)  # warm up spaCy
        spacy_ms = _median_ms(partial(parse_sentences, article))
        model_ms = _median_ms(partial(model.assess, CLAIM, sentences))
        words = len(article.text.split())
        print(
            f"{path.name}: {words} words, {len(sentences)} sentences; "
            f"spaCy parse {spacy_ms:.1f} ms, claim model {model_ms:.1f} ms "
            f"= {model_ms / spacy_ms:.2f}x"
        )


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]] or DEFAULT)

"""The built-in engine's speed: long-input shapes, words/s against spaCy, 1 vs 2 processes.

    .venv/bin/python scripts/bench_engine.py [--data /work/shared/data] [--lengths 10000,100000]
        [--budget 60] [--articles 60] [--repeat 3]
        [--append benchmarks/RESULTS.md --label "after: ..."]

1. Long inputs (issue 14): each shape at each length, one full analysis (article preparation
   plus every task), timed; a shape stops growing once one length takes longer than
   --budget CPU seconds (the rest is reported as skipped). CPU time, not wall time: on a
   shared machine the wall clock mostly measures the other jobs. The shapes:
   `lines` ("a.\\n" repeated), `sentence` (one sentence of words without punctuation),
   `paragraphs` (one-word paragraphs, all different: 2,000 at ~17,000 characters), `article` (real
   shared-data bodies joined into one long article).
2. Words/s on one core: the engine (preparation + analysis) on real shared-data articles,
   against spaCy's own `nlp.pipe` over the same article texts with the pipes the engine
   runs (the shared pipeline of api/builtin/nlp.py, as loaded): the ratio is engine time
   over spaCy time, each the best of --repeat rounds.
3. Throughput: the same articles analysed by a pool of 1 and of 2 processes.

Words are whitespace-separated words of the submitted text (the same count for both sides);
words/s are per CPU second of this process (spaCy and the claim model run one thread here).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.builtin import nlp
from api.builtin.engine import analyse
from api.model_ref import BUILTIN_MODEL
from api.pipeline.article import prepare_article
from api.pipeline.engine import AnalysisJob
from schemas.llm import ALL_TASKS

_PROSE_WORDS = (
    "the council said on Monday that the river bridge would stay closed while engineers "
    "checked the cables and the mayor asked residents to use the ferry instead"
).split()


def _bodies(data: Path) -> list[str]:
    bodies = [
        json.loads(line)["body"]
        for line in (data / "fnc1_train_bodies.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    return [b for b in bodies if 400 <= len(b) <= 20_000]


def shapes(data: Path) -> dict[str, Callable[[int], str]]:
    long_article = "\n\n".join(_bodies(data)[:80])
    words = (w.strip(".,;:\"'()") for body in _bodies(data)[:300] for w in body.split())
    distinct_words = [w for w in dict.fromkeys(words) if w.isalpha()]

    def repeat(unit: str) -> Callable[[int], str]:
        return lambda n: (unit * (n // len(unit) + 1))[:n]

    def sentence(n: int) -> str:
        return repeat(" ".join(_PROSE_WORDS) + " ")(n)

    def paragraphs(n: int) -> str:
        # Distinct words (a repeated paragraph would be parsed once): 11,000 at 100,000 chars.
        return repeat("".join(f"{w}\n\n" for w in distinct_words))(n)

    def article(n: int) -> str:
        if len(long_article) < n:
            raise SystemExit("not enough shared-data text for the article shape")
        return long_article[:n]

    return {
        "lines": repeat("a.\n"),
        "sentence": sentence,
        "paragraphs": paragraphs,
        "article": article,
    }


def analyse_text(text: str) -> None:
    article = prepare_article(text)
    analyse(AnalysisJob(article=article, model=BUILTIN_MODEL, tasks=ALL_TASKS))


def time_shapes(
    data: Path, lengths: list[int], budget: float, names: list[str]
) -> dict[str, dict[int, float]]:
    """CPU seconds per shape and length (wall time on a shared machine measures the others)."""
    result: dict[str, dict[int, float]] = {}
    for name, make in shapes(data).items():
        if name not in names:
            continue
        result[name] = {}
        for n in lengths:
            text = make(n)
            wall, cpu = time.perf_counter(), time.process_time()
            analyse_text(text)
            cpu = time.process_time() - cpu
            wall = time.perf_counter() - wall
            result[name][n] = cpu
            print(f"  {name:<10} {n:>7,} chars  {cpu:8.2f} s CPU  {wall:8.2f} s wall", flush=True)
            if cpu > budget:
                break
    return result


def _words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


def _forget_texts() -> None:
    """Empty the caches keyed by a whole text, so a repeated round reads each article as
    new (word-level caches, like stems, stay warm: a server's are too)."""
    from api.builtin.claimmodel.text import read
    from api.pipeline.contract import words

    read.cache_clear()
    words.cache_clear()


def words_per_second(articles: list[str], repeat: int = 3) -> dict[str, float]:
    """Best of `repeat` interleaved rounds for each side: on a shared machine another job's
    burst only ever slows a round down, so the fastest round is the cleanest reading."""
    words = _words(articles)
    pipeline = nlp.load_pipeline()
    analyse_text(articles[0])  # warm: the claim model and rules load on first use
    spacy_s = engine_s = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for _ in pipeline.pipe(articles):
            pass
        spacy_s = min(spacy_s, time.process_time() - start)
        _forget_texts()
        start = time.process_time()
        for text in articles:
            analyse_text(text)
        engine_s = min(engine_s, time.process_time() - start)
    return {
        "words": words,
        "spacy_words_per_s": words / spacy_s,
        "engine_words_per_s": words / engine_s,
        "ratio": engine_s / spacy_s,
    }


def _warm_worker() -> None:
    analyse_text("The mayor said the bridge will reopen on Monday.")


def throughput(articles: list[str], processes: int) -> float:
    """Articles per second over a pool of warm worker processes."""
    context = multiprocessing.get_context("forkserver")
    with context.Pool(processes, initializer=_warm_worker) as pool:
        pool.map(_sleep_a_little, range(processes))  # every worker started and warm
        start = time.perf_counter()
        pool.map(analyse_text, articles, chunksize=1)
        return len(articles) / (time.perf_counter() - start)


def _sleep_a_little(_: int) -> None:
    time.sleep(0.2)


def _markdown(
    label: str,
    shapes_s: dict[str, dict[int, float]],
    speed: dict[str, float],
    rates: dict[int, float],
    load: tuple[str, str],
    lengths: list[int],
) -> str:
    pipes = ", ".join(nlp.load_pipeline().pipe_names)
    lines = [
        f"\n## Built-in engine speed — {label}\n",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores "
        f"({platform.processor() or platform.machine()}), Python {platform.python_version()}, "
        f"spaCy pipes {pipes}. Load average {load[0]} at the start, {load[1]} at the end"
        f" (other jobs share the machine: every number has noise). "
        "Reproduce with `scripts/bench_engine.py` (part of `make bench`).\n",
        "Long inputs, one full analysis (preparation + all tasks), CPU seconds:\n",
        "| shape | " + " | ".join(f"{n:,} chars" for n in lengths) + " |",
        "|---|" + "---:|" * len(lengths),
    ]
    for name, timings in shapes_s.items():
        cells = [f"{timings[n]:.2f}" if n in timings else "skipped" for n in lengths]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Words per CPU second over {speed['articles']:.0f} shared-data articles "
        f"({speed['words']:,.0f} words): engine {speed['engine_words_per_s']:,.0f}, spaCy's "
        f"own `nlp.pipe` with the same pipes {speed['spacy_words_per_s']:,.0f}: "
        f"ratio {speed['ratio']:.2f} (target ≤ 1.3).\n",
        "Throughput (same articles, pool of warm processes): "
        + ", ".join(f"{p} process(es) {r:.2f} articles/s" for p, r in rates.items())
        + (f"; 2 vs 1: {rates[2] / rates[1]:.2f}× (target ≥ 1.7×)." if 2 in rates else ".")
        + "\n",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    parser.add_argument("--lengths", default="10000,25000,50000,100000")
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3, help="words/s: best of N rounds")
    parser.add_argument("--skip", default="", help="comma list of: shapes,words,throughput")
    parser.add_argument("--shapes", default="lines,sentence,paragraphs,article")
    parser.add_argument("--append", type=Path, help="append a section to this Markdown file")
    parser.add_argument("--label", default="current branch")
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    lengths = [int(n) for n in args.lengths.split(",")]
    load_start = " ".join(f"{x:.2f}" for x in os.getloadavg())
    articles = _bodies(args.data)[: args.articles]
    nlp.load_pipeline()
    shapes_s: dict[str, dict[int, float]] = {}
    speed: dict[str, float] = {"articles": len(articles)}
    rates: dict[int, float] = {}
    if "shapes" not in skip:
        print("long inputs:")
        shapes_s = time_shapes(args.data, lengths, args.budget, args.shapes.split(","))
    if "words" not in skip:
        speed |= words_per_second(articles, args.repeat)
        print(
            f"words/s: engine {speed['engine_words_per_s']:,.0f}, "
            f"spaCy {speed['spacy_words_per_s']:,.0f}, ratio {speed['ratio']:.2f}"
        )
    if "throughput" not in skip:
        for processes in (1, 2):
            rates[processes] = throughput(articles, processes)
            print(f"throughput, {processes} process(es): {rates[processes]:.2f} articles/s")
    load_end = " ".join(f"{x:.2f}" for x in os.getloadavg())
    if args.append and "words" not in skip:
        text = _markdown(args.label, shapes_s, speed, rates, (load_start, load_end), lengths)
        with args.append.open("a", encoding="utf-8") as out:
            out.write(text)


if __name__ == "__main__":
    main()

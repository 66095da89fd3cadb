"""What reading a long article in parts costs a model, measured on the real prompts.

Run: .venv/bin/python scripts/measure_long_article.py [--copies 2] [--latency 1.0]
Joins tests/data/long_article_kim.txt `copies` times (2: ~180,000 characters, 1,330
sentences), splits it as the service does (default settings), renders each part's real
prompt (all tasks, schema in the prompt) and prints, per part and in total: sentences,
prompt characters and estimated tokens (characters / 4), the tokens the overlap re-sends,
and what one extra summary call over the part summaries would add. Then it runs the
analysis with a scripted model answering after `latency` seconds, to show the parts run at
once (wall time ~ one call, not one per part).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.compose import make_analyzer
from api.config import Settings
from api.llm.types import ChatRequest
from api.pipeline.article import prepare_article
from api.pipeline.chunking import plan_parts
from api.pipeline.engine import AnalysisJob
from api.pipeline.prompting import contract_schema, initial_messages
from schemas.llm import ALL_TASKS
from schemas.request import AnalyzeRequest
from tests.fakes import HOSTED_JSON_SCHEMA, ScriptedClient
from tests.pipeline.test_long_articles import kim_answer

LONG = Path(__file__).resolve().parents[1] / "tests" / "data" / "long_article_kim.txt"
CHARS_PER_TOKEN = 4  # the usual estimate for English with GPT-style tokenizers


def prompt_chars(job: AnalysisJob) -> int:
    messages = initial_messages(job, contract_schema(job), schema_in_prompt=True)
    return sum(len(m["content"]) for m in messages)


def measure(text: str, settings: Settings) -> None:
    full = prepare_article(text)
    parts = plan_parts(full, settings, [HOSTED_JSON_SCHEMA]) or []
    job = AnalysisJob(article=full, model="openai/x", tasks=ALL_TASKS)
    empty = prompt_chars(replace(job, article=replace(full, sentences=[])))
    print(f"article: {len(text):,} chars, {len(full)} sentences, {len(parts)} parts")
    total = 0
    for part in parts:
        chars = prompt_chars(replace(job, article=part.article(full)))
        total += chars
        print(
            f"  part {part.index}: sentences {part.first_number}-{part.last_number} "
            f"({part.end - part.start}), prompt {chars:,} chars ~{chars // CHARS_PER_TOKEN:,} tok"
        )
    whole = prompt_chars(job)
    shared = sum(p.end - p.start for p in parts) - len(full)
    print(f"one call (if a model could read it all): ~{whole // CHARS_PER_TOKEN:,} tokens")
    print(
        f"in parts: ~{total // CHARS_PER_TOKEN:,} tokens "
        f"(+{(total - whole) / whole:.1%}: prompt ~{empty // CHARS_PER_TOKEN:,} tok per part, "
        f"{shared} overlap sentences)"
    )
    summaries = len(parts) * 400 // CHARS_PER_TOKEN  # a 2-4 sentence summary ~ 400 chars
    print(
        f"a summary call over the part summaries would add ~{(empty + 1200) // CHARS_PER_TOKEN:,}"
        f" + {summaries} tokens in, one more call's latency"
    )


async def run(text: str, settings: Settings, latency: float) -> None:
    async def slow(request: ChatRequest) -> None:
        await asyncio.sleep(latency)

    class SlowClient(ScriptedClient):
        async def complete(self, request: ChatRequest):  # type: ignore[no-untyped-def]
            await slow(request)
            return await super().complete(request)

    client = SlowClient(kim_answer)
    started = time.perf_counter()
    analysis = await make_analyzer(settings, client=client).analyze(
        AnalyzeRequest(text=text), long_form=True
    )
    took = time.perf_counter() - started
    print(
        f"scripted model at {latency:g} s per call: {len(client.requests)} calls in {took:.2f} s, "
        f"coverage complete: {analysis.coverage.complete}, actors: "
        f"{[a.name for a in analysis.actors]}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=2)
    parser.add_argument("--latency", type=float, default=1.0)
    args = parser.parse_args()
    text = "\n\n".join([LONG.read_text()] * args.copies)
    settings = Settings(_env_file=None, default_model="openai/x", models=["openai/x"], cache_size=0)
    measure(text, settings)
    asyncio.run(run(text, settings, args.latency))


if __name__ == "__main__":
    main()

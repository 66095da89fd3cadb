"""Input tokens per article and cost per 1,000 articles, offline (no server, no model).

    .venv/bin/python scripts/measure_tokens.py [--data DIR] [--model openai/gpt-4o-mini]

Builds the first-attempt request stancewire's LLM engine would send for every distinct
shared-data article (the same articles `make bench` rotates, default tasks) and counts it
with the HTTP benchmark's counter (benchmarks/tokens.py: litellm's token counter, list
prices from litellm's map, prefix caching). A quick check between benchmark runs: the
numbers are the same as the benchmark's token table, without wrk and four processes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.config import Settings  # noqa: E402
from api.llm.client import LiteLLMClient  # noqa: E402
from api.llm.types import ChatRequest  # noqa: E402
from api.pipeline.article import prepare_article  # noqa: E402
from api.pipeline.engine import AnalysisJob  # noqa: E402
from api.pipeline.llm_engine import LLMEngine  # noqa: E402
from benchmarks import tokens  # noqa: E402
from benchmarks.articles import data_dir, load_articles  # noqa: E402
from schemas.llm import ALL_TASKS  # noqa: E402


class _Captured(Exception):
    def __init__(self, request: ChatRequest) -> None:
        self.request = request


class _CapturingClient(LiteLLMClient):
    """Answers nothing: the first request is all we need."""

    async def complete(self, request: ChatRequest) -> Any:
        raise _Captured(request)


async def _body(engine: LLMEngine, client: LiteLLMClient, job: AnalysisJob) -> dict[str, Any]:
    try:
        await engine.run(job)
    except _Captured as captured:
        request = captured.request
        return {
            "messages": list(request.messages),
            "response_format": client.response_format(request),
        }
    raise AssertionError("the engine answered without a model call")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", type=Path)
    p.add_argument("--model", default="openai/gpt-4o-mini")
    a = p.parse_args(argv)
    articles, source = load_articles(data_dir(a.data))
    settings = Settings(_env_file=None, default_model=a.model, models=[a.model])
    client = _CapturingClient(settings)
    engine = LLMEngine(client, settings)
    bodies = []
    for text in articles:
        full = prepare_article(text)
        article = replace(full, sentences=full.sentences[: settings.max_llm_sentences])
        job = AnalysisJob(article=article, model=a.model, tasks=ALL_TASKS)
        bodies.append(asyncio.run(_body(engine, client, job)))
    report = tokens.token_report(bodies, articles)
    print(source)
    print(json.dumps(report, indent=2))
    print(json.dumps(tokens.cost_report(report), indent=2))


if __name__ == "__main__":
    main()

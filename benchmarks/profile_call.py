"""Where one provider call's CPU goes: `LiteLLMClient.complete` against the benchmark's stub
over loopback HTTP, N calls with the seed article's request, under cProfile (issue 18).

    python -m benchmarks.profile_call --calls 500 --transport litellm
    python -m benchmarks.profile_call --calls 500 --transport direct

Prints CPU ms per call (process time, so the stub's work in its own process is not counted)
and, from a second run under cProfile (process-time clock), the functions with the most
cumulative CPU time. Loopback only; the stub is stopped at exit.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import tempfile
import time
from pathlib import Path

from api.config import Settings
from api.llm.client import LiteLLMClient
from api.llm.types import ChatRequest
from api.pipeline.article import prepare_article
from api.pipeline.engine import AnalysisJob
from api.pipeline.prompting import initial_messages, lean_contract_schema, prompt_family
from benchmarks.articles import ROOT
from benchmarks.servers import Launch, running
from schemas.llm import ALL_TASKS

SEED = ROOT / "api" / "static" / "examples" / "seed_article.txt"


def seed_request(model: str) -> ChatRequest:
    job = AnalysisJob(article=prepare_article(SEED.read_text(), None), model=model, tasks=ALL_TASKS)
    schema = lean_contract_schema(job)
    family = prompt_family(constrained=False)
    messages = tuple(initial_messages(job, schema, False, family))
    return ChatRequest(model=model, messages=messages, json_schema=schema)


async def calls(client: LiteLLMClient, request: ChatRequest, n: int) -> None:
    for _ in range(n):
        await client.complete(request)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--calls", type=int, default=500)
    p.add_argument("--transport", choices=["litellm", "direct"], default="direct")
    p.add_argument("--top", type=int, default=30)
    a = p.parse_args()
    model = "openai/gpt-4o-mini"
    with tempfile.TemporaryDirectory() as logs:
        launch = Launch("benchmarks.stub:app_from_env")
        with running({"stub": launch}, Path(logs)) as servers:
            settings = Settings(
                _env_file=None,
                default_model=model,
                models=[model],
                api_base=f"{servers['stub'].url}/v1",
                api_key="sk-profile",
                llm_transport=a.transport,
            )
            client = LiteLLMClient(settings)
            request = seed_request(model)
            asyncio.run(calls(client, request, 20))  # warm: imports, model map, pools
            start = time.process_time()
            asyncio.run(calls(client, request, a.calls))
            plain = time.process_time() - start
            # Process time as the profiler's clock: waiting on the socket costs nothing.
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            asyncio.run(calls(client, request, a.calls))
            profiler.disable()
    print(f"{a.transport}: {plain * 1000 / a.calls:.2f} CPU ms per call ({a.calls} calls)")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(a.top)


if __name__ == "__main__":
    main()

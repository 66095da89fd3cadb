"""The bundled SmolLM2 GGUF for real, through litellm and the local provider (slow; CI runs it)."""

from __future__ import annotations

import asyncio
import importlib.util
import os
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field

from api.config import Settings
from api.llm import local
from api.model_ref import BUNDLED_LOCAL_MODEL

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        importlib.util.find_spec("llama_cpp") is None or local.find_bundled_gguf() is None,
        reason="needs the local extra: pip install 'stancewire[local]'",
    ),
]

SEED_ARTICLE = Path(__file__).resolve().parents[2] / "evals/cases/articles/seed_article.txt"


class Probe(BaseModel):
    """A small contract in the shape of the real one: enums where the pipeline uses enums."""

    model_config = ConfigDict(extra="forbid")
    # Bounded: the 135M model otherwise writes one headline until max_tokens runs out.
    headline: str = Field(max_length=80)
    first_speaker_sentence: Literal[1, 2, 3, 4, 5]
    tone: Literal["neutral", "critical", "supportive"]


SCHEMA = Probe.model_json_schema()
RESPONSE_FORMAT = {
    "type": "json_schema",
    "json_schema": {"name": "Probe", "schema": SCHEMA, "strict": True},
}


@pytest.fixture(scope="module")
def litellm_module() -> Any:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # offline
    import litellm

    local.register_with_litellm(litellm, Settings(_env_file=None))
    return litellm


def messages(task: str) -> list[dict[str, str]]:
    article = SEED_ARTICLE.read_text(encoding="utf-8")[:1500]
    return [
        {"role": "system", "content": "You analyse news articles and answer in JSON."},
        {"role": "user", "content": f"<article>\n{article}\n</article>\n\n{task}"},
    ]


async def ask(litellm_module: Any, task: str, **params: Any) -> Any:
    return await litellm_module.acompletion(
        model=BUNDLED_LOCAL_MODEL,
        messages=messages(task),
        response_format=RESPONSE_FORMAT,
        max_tokens=params.pop("max_tokens", 120),
        temperature=0.0,
        seed=0,
        num_retries=0,
        **params,
    )


async def test_schema_constrained_answer_validates(litellm_module: Any) -> None:
    response = await ask(litellm_module, "Give a headline, the speaker sentence and the tone.")
    Probe.model_validate_json(response.choices[0].message.content)
    assert response.choices[0].finish_reason == "stop"
    assert response.model == BUNDLED_LOCAL_MODEL
    assert response.usage.prompt_tokens > 0 and response.usage.completion_tokens > 0
    assert litellm_module.completion_cost(completion_response=response) == 0.0


async def test_max_tokens_truncates_with_finish_reason_length(litellm_module: Any) -> None:
    response = await ask(litellm_module, "Give a headline.", max_tokens=4)
    assert response.choices[0].finish_reason == "length"
    assert response.usage.completion_tokens == 4


async def test_concurrent_calls_neither_crash_nor_interleave(litellm_module: Any) -> None:
    tasks = [f"Task {i}: give a headline, the speaker sentence and the tone." for i in range(4)]
    alone = [await ask(litellm_module, task) for task in tasks]
    together = await asyncio.gather(*(ask(litellm_module, task) for task in tasks))
    # Greedy decoding is deterministic: an answer that mixed two calls would differ.
    for single, concurrent in zip(alone, together, strict=True):
        assert concurrent.choices[0].message.content == single.choices[0].message.content
        assert concurrent.usage.prompt_tokens == single.usage.prompt_tokens > 0
        Probe.model_validate_json(concurrent.choices[0].message.content)


async def test_event_loop_stays_responsive_while_generating(litellm_module: Any) -> None:
    call = asyncio.create_task(ask(litellm_module, "Give a headline.", max_tokens=60))
    ticks = 0
    while not call.done():
        await asyncio.sleep(0.01)
        ticks += 1
    await call
    assert ticks > 5  # the loop ran other work while llama.cpp generated


def test_status_reports_the_loaded_model(litellm_module: Any) -> None:
    registry = local.process_registry()
    assert registry is not None
    registry.run(BUNDLED_LOCAL_MODEL, lambda llama: None)
    assert registry.status()[BUNDLED_LOCAL_MODEL] == "ready"


def test_missing_gguf_is_a_configuration_error_at_start_up(tmp_path: Path) -> None:
    from api.errors import ConfigurationError

    config = Settings(_env_file=None, local_models={"big": tmp_path / "missing.gguf"})
    with pytest.raises(ConfigurationError, match="STANCEWIRE_LOCAL_MODELS"):
        local.LocalModelRegistry(config)

"""Input tokens per article and cost per 1,000 articles, from the requests stancewire sent.

The stub records every request body stancewire sends while each article goes through once;
this module counts them with litellm's token counter: the system message, the user message
and the JSON schema in `response_format` (as its JSON text), each on its own and together.

Prefix caching: providers bill a repeated prompt prefix as cached input once it reaches a
minimum length (OpenAI: 1,024 tokens, in steps of 128; Gemini 2.5 Flash: 1,024). OpenAI
documents the structured-output schema as a prefix to the system message, so the cacheable
part of a request is taken as the schema, then the system message — each counting only when
it is the same in every request — and only from the minimum length on.
"""

from __future__ import annotations

import json
import os
import statistics
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

from benchmarks.articles import ROOT

TOKENIZER_MODEL = "gpt-4o-mini"  # litellm picks the tokenizer (o200k_base) from the name
# The answer a capable model writes for the seed article: the output side of the cost.
TYPICAL_ANSWER = ROOT / "tests" / "data" / "seed_contract.json"


@dataclass(frozen=True)
class PriceRule:
    model: str  # litellm's model map key
    min_cached_prefix: int  # shortest prefix the provider caches
    cache_step: int  # cached length is counted in steps of this many tokens


PRICED_MODELS = (
    PriceRule("gpt-4o-mini", 1024, 128),
    PriceRule("gpt-4.1", 1024, 128),
    PriceRule("gemini/gemini-2.5-flash", 1024, 1),
)


@dataclass(frozen=True)
class RequestTokens:
    system: int
    user: int
    schema: int
    total: int  # the messages as litellm counts them (with per-message overhead) + schema


def _litellm() -> ModuleType:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # offline: bundled prices
    import litellm

    return litellm


def preload() -> None:
    _litellm()


def _counter() -> Callable[..., int]:
    counter: Callable[..., int] = _litellm().token_counter
    return counter


@lru_cache(maxsize=4096)
def count_text(text: str) -> int:
    """Tokens of a text; cached because the system prompt and most schemas repeat."""
    return _counter()(model=TOKENIZER_MODEL, text=text)


def schema_text(body: dict[str, Any]) -> str:
    response_format = body.get("response_format") or {}
    schema = response_format.get("json_schema", {}).get("schema")
    return json.dumps(schema, ensure_ascii=False) if schema is not None else ""


def _content(body: dict[str, Any], role: str) -> str:
    return next((str(m["content"]) for m in body["messages"] if m["role"] == role), "")


def count_request(body: dict[str, Any]) -> RequestTokens:
    messages = [{"role": m["role"], "content": m["content"]} for m in body["messages"]]
    schema = count_text(schema_text(body)) if schema_text(body) else 0
    return RequestTokens(
        system=count_text(_content(body, "system")),
        user=count_text(_content(body, "user")),
        schema=schema,
        total=_counter()(model=TOKENIZER_MODEL, messages=messages) + schema,
    )


def read_capture(path: Path, articles: int) -> list[dict[str, Any]]:
    """One request per article: the first `articles` first-attempt requests, in the order
    they arrived (the capture pass sends each article once, in order; what wrk sent past the
    last one before it stopped starts over at the first article and is left out)."""
    bodies = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    firsts = [b for b in bodies if not any(m["role"] == "assistant" for m in b["messages"])]
    return firsts[:articles]


def shared_prefix_tokens(bodies: list[dict[str, Any]]) -> int:
    """Tokens at the start of every request that are the same in all: schema, then system."""
    shared = 0
    for part in (schema_text, lambda body: _content(body, "system")):
        texts = {part(body) for body in bodies}
        if len(texts) != 1:
            break
        shared += count_text(texts.pop())
    return shared


def _summary(values: Iterable[int]) -> dict[str, float]:
    data = list(values)
    return {"median": statistics.median(data), "mean": statistics.fmean(data), "total": sum(data)}


def token_report(bodies: list[dict[str, Any]], articles: list[str]) -> dict[str, Any]:
    counts = [count_request(b) for b in bodies]
    return {
        "articles": len(bodies),
        "tokenizer": f"litellm.token_counter(model={TOKENIZER_MODEL!r})",
        "article_text": _summary(count_text(a) for a in articles),
        **{key: _summary(asdict(c)[key] for c in counts) for key in asdict(counts[0])},
        "shared_prefix": shared_prefix_tokens(bodies),
        "typical_answer": count_text(json.dumps(json.loads(TYPICAL_ANSWER.read_text()))),
    }


def cached_tokens(shared_prefix: int, rule: PriceRule) -> int:
    if shared_prefix < rule.min_cached_prefix:
        return 0
    return shared_prefix - shared_prefix % rule.cache_step


def cost_report(tokens: dict[str, Any]) -> list[dict[str, Any]]:
    """USD per 1,000 articles at litellm's list prices, without and with prefix caching."""
    prices = _litellm().model_cost
    per_article = tokens["total"]["mean"]
    output = tokens["typical_answer"]
    rows = []
    for rule in PRICED_MODELS:
        price = prices[rule.model]
        cached = cached_tokens(tokens["shared_prefix"], rule)
        read_price = price.get("cache_read_input_token_cost", price["input_cost_per_token"])
        no_cache = per_article * price["input_cost_per_token"] * 1000
        with_cache = (
            (per_article - cached) * price["input_cost_per_token"] + cached * read_price
        ) * 1000
        out = output * price["output_cost_per_token"] * 1000
        rows.append(
            {
                "model": rule.model,
                "input_per_mtok": price["input_cost_per_token"] * 1e6,
                "cached_per_mtok": read_price * 1e6,
                "cached_tokens": cached,
                "input_usd": no_cache,
                "input_cached_usd": with_cache,
                "output_usd": out,
                "total_usd": no_cache + out,
                "total_cached_usd": with_cache + out,
            }
        )
    return rows

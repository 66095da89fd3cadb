"""Turn a job into the messages and JSON schema sent to a model."""

from __future__ import annotations

import copy
import json
import re
from functools import lru_cache
from typing import Any

import prompts
from api.pipeline.engine import AnalysisJob
from schemas.llm import MAX_EVIDENCE, Task, contract_fields, contract_model_for

_LANGUAGE_NAMES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
}


def contract_schema(job: AnalysisJob) -> dict[str, Any]:
    """The per-request contract as JSON schema, made article-specific and strict.

    Cited sentence numbers become an enum of the article's numbers: llama.cpp's grammar ignores
    integer bounds, and an enum keeps every model inside the article. Every property is
    required and defaults are dropped, as OpenAI's strict mode demands.
    """
    schema = _strict_schema(tuple(job.tasks), bool(job.caller_claims), len(job.article))
    return copy.deepcopy(schema)  # callers (and litellm) may adapt it in place


@lru_cache(maxsize=256)
def _strict_schema(tasks: tuple[Task, ...], caller_claims: bool, sentences: int) -> dict[str, Any]:
    model = contract_model_for(tasks, caller_claims)
    return _strictify(model.model_json_schema(), list(range(1, sentences + 1)))


# Guard rails for generation, not validation: a small model otherwise writes one headline
# until max_tokens runs out (measured with SmolLM2-135M). Grammar-constrained engines
# enforce them; hosted models read them as hints.
_FIELD_BOUNDS: dict[str, dict[str, int]] = {
    "headline": {"maxLength": 150},
    "summary": {"maxLength": 1000},
    "key_points": {"maxItems": 6},
    "actors": {"maxItems": 20},
    "claims": {"maxItems": 10},
    "stances": {"maxItems": 20},
    "name": {"maxLength": 100},
    "aliases": {"maxItems": 3},
    "text": {"maxLength": 300},
    "target": {"maxLength": 150},
    "asserted_by": {"maxItems": 6},
    "denied_by": {"maxItems": 6},
    "evidence": {"maxItems": MAX_EVIDENCE},
}
_ITEM_BOUNDS: dict[str, dict[str, int]] = {
    "key_points": {"maxLength": 200},
    "aliases": {"maxLength": 100},
}


def _strictify(schema: dict[str, Any], sentence_numbers: list[int]) -> dict[str, Any]:
    """Every object closed and fully required, cited sentences an enum, lengths bounded."""
    for node in [schema, *schema.get("$defs", {}).values()]:
        properties = node.get("properties", {})
        node["required"] = list(properties)
        node["additionalProperties"] = False
        for name, prop in properties.items():
            prop.pop("default", None)
            prop.update(_FIELD_BOUNDS.get(name, {}))
            if name == "sentence":  # EvidenceItem.sentence: the article's numbers only
                prop.pop("minimum", None)
                prop["enum"] = sentence_numbers
            elif name in _ITEM_BOUNDS:
                prop["items"].update(_ITEM_BOUNDS[name])
    return schema


def with_actor_names(schema: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """Actor names limited to those the text supports (built-in engine's candidates)."""
    actor = schema.get("$defs", {}).get("ContractActor")
    if actor is not None and names:
        actor["properties"]["name"]["enum"] = names
    return schema


def without_string_bounds(schema: dict[str, Any]) -> dict[str, Any]:
    """Drop maxLength for providers whose strict mode rejects it (OpenAI's does)."""
    if isinstance(schema, dict):
        return {k: without_string_bounds(v) for k, v in schema.items() if k != "maxLength"}
    if isinstance(schema, list):
        return [without_string_bounds(v) for v in schema]
    return schema


def language_name(job: AnalysisJob) -> str:
    if job.language is None:
        return "the language of the article"
    return _LANGUAGE_NAMES.get(job.language.split("-")[0], job.language)


# Tags that look like the prompt's own delimiters (or a chat template's role markers) inside
# caller data: a text holding "</article>" would otherwise close the data block and speak
# as instructions. They are kept readable but made inert by escaping their angle brackets.
_DELIMITER_LIKE = re.compile(
    r"<\s*/?\s*\|?\s*(?:article|title|claims?|actors?|system|user|assistant|instructions?|im_start|im_end)"
    r"\b[^<>]{0,40}>",
    re.IGNORECASE,
)


def as_data(text: str) -> str:
    """Caller text as it may appear inside a delimited data block of the prompt."""
    return _DELIMITER_LIKE.sub(lambda m: m.group(0).replace("<", "&lt;").replace(">", "&gt;"), text)


def initial_messages(
    job: AnalysisJob, schema: dict[str, Any], schema_in_prompt: bool
) -> list[dict[str, str]]:
    """System, then the numbered article, then the task: a prefix shared by every call."""
    user = prompts.render(
        "analyze",
        "user",
        title=as_data(job.article.title) if job.article.title else job.article.title,
        sentences=[{"number": s.number, "text": as_data(s.clean)} for s in job.article.sentences],
        fields=contract_fields(job.tasks, bool(job.caller_claims)),
        caller_claims=[as_data(claim) for claim in job.caller_claims],
        caller_actors=[as_data(actor) for actor in job.caller_actors],
        language=language_name(job),
        schema_in_prompt=schema_in_prompt,
        schema_json=json.dumps(schema, ensure_ascii=False) if schema_in_prompt else "",
    )
    return [
        {"role": "system", "content": prompts.render("analyze", "system")},
        {"role": "user", "content": user},
    ]


def repair_message(errors: list[str], sentence_count: int) -> dict[str, str]:
    content = prompts.render("analyze", "repair", errors=errors, sentence_count=sentence_count)
    return {"role": "user", "content": content}

"""Turn a job into the messages and JSON schema sent to a model."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import prompts
from api.pipeline.engine import AnalysisJob
from schemas.llm import MAX_EVIDENCE, Task, contract_fields, contract_model_for
from schemas.tasks import TASKS

_LANGUAGE_NAMES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
}


def contract_schema(job: AnalysisJob, per_article: bool = False) -> dict[str, Any]:
    """The per-request contract as JSON schema, strict and lean.

    The same schema for every article with the same tasks, so it is a prefix providers can
    cache: cited sentence numbers are bounded by the prompt ("cite [n]") and checked by the
    validator (api/pipeline/contract.py), not listed. `per_article` makes them an enum of the
    article's numbers, for grammar-constrained engines (llama.cpp ignores integer bounds and
    an enum keeps a small model inside the article; its prompt tokens are not billed).
    Titles and descriptions are left out: the system prompt says what each field means once,
    instead of a second time in the schema (the constrained family's keeps them: it is
    analyze-v2's, see prompts/manifest.yaml). Every property is required and defaults are
    dropped, as OpenAI's strict mode demands.
    """
    sentences = len(job.article) if per_article else 0
    schema = _strict_schema(tuple(job.tasks), bool(job.caller_claims), sentences)
    return copy.deepcopy(schema)  # callers (and litellm) may adapt it in place


@lru_cache(maxsize=256)
def _strict_schema(tasks: tuple[Task, ...], caller_claims: bool, sentences: int) -> dict[str, Any]:
    model = contract_model_for(tasks, caller_claims)
    if sentences:  # the constrained family's schema (analyze-v2), as its cassette recorded it
        return _strictify(model.model_json_schema(), list(range(1, sentences + 1)))
    return _strictify(_without(model.model_json_schema(), _PROSE_KEYS), None)


_PROSE_KEYS = frozenset({"title", "description"})
# Bounds only the validator needs from a model that is not grammar-constrained: the prompt
# states them ("at most 5", "ids A1, A2"), the contract model checks them, and a re-ask
# fixes a breach. OpenAI's strict mode rejects some of them (maxLength) anyway.
_BOUND_KEYS = frozenset(
    {"pattern", "minLength", "maxLength", "minItems", "maxItems", "minimum", "maximum"}
)
_SCHEMA_MAPS = ("properties", "$defs")  # keys whose values map names to schemas
_SCHEMA_CHILDREN = ("items", "anyOf")


def _without(node: Any, keywords: frozenset[str]) -> Any:
    """The schema without these keywords in any of its (sub)schemas; property names that
    happen to equal a keyword are kept."""
    if not isinstance(node, dict):
        return node
    kept: dict[str, Any] = {}
    for key, value in node.items():
        if key in keywords:
            continue
        if key in _SCHEMA_MAPS:
            value = {name: _without(child, keywords) for name, child in value.items()}
        elif key in _SCHEMA_CHILDREN:
            value = (
                [_without(v, keywords) for v in value]
                if isinstance(value, list)
                else _without(value, keywords)
            )
        kept[key] = value
    return kept


# Bounds of the contract-wide properties (claims and the caller's claims both have them);
# each task's own are in the task table (schemas/tasks.py). Guard rails for generation,
# not validation: grammar-constrained engines enforce them; hosted models read them as hints.
_SHARED_BOUNDS: dict[str, dict[str, int]] = {
    "asserted_by": {"maxItems": 6},
    "denied_by": {"maxItems": 6},
    "evidence": {"maxItems": MAX_EVIDENCE},
}


def _bounds() -> tuple[dict[str, Mapping[str, int]], dict[str, Mapping[str, int]]]:
    """Field bounds and item bounds, by property name, of every task in the table."""
    fields: dict[str, Mapping[str, int]] = dict(_SHARED_BOUNDS)
    items: dict[str, Mapping[str, int]] = {}
    for spec in TASKS.values():
        fields.update(spec.bounds)
        items.update(spec.item_bounds)
    return fields, items


def _strictify(schema: dict[str, Any], sentence_numbers: list[int] | None) -> dict[str, Any]:
    """Every object closed and fully required, lengths bounded, cited sentences an enum
    when `sentence_numbers` are given."""
    field_bounds, item_bounds = _bounds()
    for node in [schema, *schema.get("$defs", {}).values()]:
        properties = node.get("properties", {})
        node["required"] = list(properties)
        node["additionalProperties"] = False
        for name, prop in properties.items():
            prop.pop("default", None)
            prop.update(field_bounds.get(name, {}))
            if name == "sentence" and sentence_numbers:  # EvidenceItem: the article's only
                prop.pop("minimum", None)
                prop["enum"] = sentence_numbers
            elif name in item_bounds:
                prop["items"].update(item_bounds[name])
    return schema


def with_actor_names(schema: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """Actor names limited to those the text supports (built-in engine's candidates)."""
    actor = schema.get("$defs", {}).get("ContractActor")
    if actor is not None and names:
        actor["properties"]["name"]["enum"] = names
    return schema


def without_bounds(schema: dict[str, Any]) -> dict[str, Any]:
    """For models that are not grammar-constrained: types, enums and structure only."""
    lean: dict[str, Any] = _without(schema, _BOUND_KEYS)
    return lean


def lean_contract_schema(job: AnalysisJob) -> dict[str, Any]:
    """`without_bounds(contract_schema(job))`, the schema every hosted model gets: the same
    for every article with the same tasks, so it is worked out once and each request gets
    a fresh copy parsed from its JSON (callers may adapt it in place; json.loads is ~10x
    faster than deep-copying and walking it again, issue 18)."""
    text = _lean_schema_json(tuple(job.tasks), bool(job.caller_claims))
    schema: dict[str, Any] = json.loads(text)
    return schema


@lru_cache(maxsize=256)
def _lean_schema_json(tasks: tuple[Task, ...], caller_claims: bool) -> str:
    return json.dumps(without_bounds(_strict_schema(tasks, caller_claims, 0)))


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
    if "<" not in text:  # every delimiter starts with one; most sentences have none
        return text
    return _DELIMITER_LIKE.sub(lambda m: m.group(0).replace("<", "&lt;").replace(">", "&gt;"), text)


# The system prompt's contract-wide lines, placed among the tasks' own lines (TaskSpec.guidance)
# by rank: the prompt is the same for every request, so providers can cache it.
_SHARED_GUIDANCE: tuple[tuple[int, str], ...] = (
    (0, "evidence: numbers [n] of the sentences that show it, most decisive first, at most 5; "
        'act: questions = hedges, "could not confirm", "whether"; reports = neutral account; '
        "context = background."),
    (40, "confidence: 0-1, how likely you are right; lower when the text is vague."),
    (60, "caller_claims: one per reader's claim, by index; not_mentioned, no evidence, when the "
         "article is silent."),
)  # fmt: skip


def system_guidance() -> list[str]:
    """The field guidance lines of the system prompt: every task's, in rank order."""
    ranked = [*_SHARED_GUIDANCE, *((s.prompt_rank, s.guidance) for s in TASKS.values())]
    return [line for _, line in sorted(ranked)]


def prompt_family(constrained: bool) -> str:
    """Grammar-constrained engines keep the prompt their cassette validated (manifest.yaml)."""
    return "analyze_constrained" if constrained else "analyze"


def initial_messages(
    job: AnalysisJob, schema: dict[str, Any], schema_in_prompt: bool, family: str = "analyze"
) -> list[dict[str, str]]:
    """System (constant), then the numbered article, then what this caller adds (claims,
    actors): the schema and system prompt are the same for every article, so providers can
    cache them as a prefix. The fields to return are the schema's; they are listed in the
    prompt only for models that get the schema there."""
    user = prompts.render(
        family,
        "user",
        title=as_data(job.article.title) if job.article.title else job.article.title,
        numbered_sentences=numbered_sentences(job),
        fields=contract_fields(job.tasks, bool(job.caller_claims)),
        caller_claims=[as_data(claim) for claim in job.caller_claims],
        caller_actors=[as_data(actor) for actor in job.caller_actors],
        language=language_name(job),
        language_given=job.language is not None,
        schema_in_prompt=schema_in_prompt,
        schema_json=json.dumps(schema, ensure_ascii=False) if schema_in_prompt else "",
    )
    return [{"role": "system", "content": system_prompt(family)}, {"role": "user", "content": user}]


def numbered_sentences(job: AnalysisJob) -> str:
    """The article's sentences, one "[n] text" line each, as the user templates print them:
    joined here rather than in a Jinja loop, where the sandbox checked two attribute reads
    per sentence (most of the user message's render, issue 18)."""
    return "".join(f"[{s.number}] {as_data(s.clean)}\n" for s in job.article.sentences)


def system_prompt(family: str) -> str:
    """The same for every request of a family while the task table stays the same: rendered
    once per table (a sandboxed Jinja render per request, issue 18)."""
    return _rendered_system(family, tuple(system_guidance()))


@lru_cache(maxsize=8)
def _rendered_system(family: str, guidance: tuple[str, ...]) -> str:
    return prompts.render(family, "system", guidance=list(guidance))


def repair_message(
    errors: list[str], sentence_count: int, family: str = "analyze"
) -> dict[str, str]:
    content = prompts.render(family, "repair", errors=errors, sentence_count=sentence_count)
    return {"role": "user", "content": content}

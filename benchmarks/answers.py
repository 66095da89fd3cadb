"""A valid contract for whatever article a prompt carries: what the stub upstream answers.

The stub must answer like a model that gets it right the first time, or stancewire would go
into its repair loop and the benchmark would measure re-asks instead of overhead. So the
answer is built from the article in the prompt — the headline and summary from its
sentences, an actor named in it, a claim made of a sentence's own words and citing that
sentence, a stance citing the sentence that names the actor — and then shaped to the JSON
schema the request carries (`conform`), so a new contract version (evidence as objects,
new confidence fields) still gets a schema-valid answer without touching this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Sentences = list[tuple[int, str]]

_ARTICLE = re.compile(r"<article>(.*?)</article>", re.DOTALL)
_NUMBERED = re.compile(r"^\[(\d+)\] (.*)$", re.MULTILINE)
# Plain prompts (the forwarders send the bare article): a rough split is enough there.
_ROUGH_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_NOT_NAMES = {
    "The", "A", "An", "In", "On", "At", "He", "She", "It", "They", "We", "I", "But", "And",
    "This", "That", "There", "These", "Those", "His", "Her", "Their", "Its", "If", "As",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
    "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
}  # fmt: skip
_CAPITALISED = re.compile(r"^[A-Z][a-z]+$")


def sentences_in(messages: list[dict[str, Any]]) -> tuple[Sentences, bool]:
    """The numbered sentences of the article in the first user message, and whether the
    prompt numbered them (stancewire does; the plain forwarders send raw text)."""
    user = next((m for m in messages if m.get("role") == "user"), {"content": ""})
    content = user.get("content") or ""
    if not isinstance(content, str):  # a list of content parts
        content = " ".join(str(part.get("text", "")) for part in content)
    block = _ARTICLE.search(content)
    numbered = [(int(n), text) for n, text in _NUMBERED.findall(block.group(1) if block else "")]
    if numbered:
        return numbered, True
    pieces = [p.strip() for p in _ROUGH_SPLIT.split(content) if p.strip()]
    return list(enumerate(pieces, start=1)), False


def _name_runs(text: str) -> list[str]:
    """Runs of capitalised words past the sentence's first word (a name, most often)."""
    runs: list[str] = []
    run: list[str] = []
    for token in [*text.split()[1:], "."]:
        word = token.strip("\"'“”‘’()[],.;:!?").removesuffix("'s").removesuffix("’s")
        if _CAPITALISED.match(word) and word not in _NOT_NAMES and len(run) < 3:
            run.append(word)
            if token[-1] not in ',.;:!?"”)':
                continue
        if run:
            runs.append(" ".join(run))
            run = []
    return runs


def _actor_in(sentences: Sentences) -> tuple[str, int]:
    """A full name (two or more capitalised words) and its sentence; else a one-word name;
    else the first long word of the article — all named in it, as stancewire checks."""
    found = [(run, number) for number, text in sentences for run in _name_runs(text)]
    for run, number in found:
        if " " in run:
            return run, number
    if found:
        return found[0]
    for number, text in sentences:
        for word in _WORD.findall(text):
            if len(word) > 3:
                return word, number
    return "", 1


def _shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] or text[:limit]


def facts_for(sentences: Sentences) -> dict[str, Any]:
    """The answer in the contract's own shape (v1 field names; `conform` adapts it)."""
    texts = [text for _, text in sentences] or ["No text."]
    actor, actor_sentence = _actor_in(sentences)
    claim_text = _shorten(dict(sentences).get(actor_sentence, texts[0]), 280)
    evidence = [actor_sentence]
    return {
        "headline": _shorten(" ".join(texts[0].split()[:15]), 140),
        "summary": _shorten(" ".join(texts[:3]), 950),
        "key_points": [_shorten(t, 190) for t in texts[:3]],
        "actors": [{"id": "A1", "name": actor, "kind": "person", "role": None, "aliases": []}],
        "claims": [
            {
                "id": "C1",
                "text": claim_text,
                "status": "unconfirmed",
                "asserted_by": ["A1"],
                "denied_by": [],
                "confidence": 0.8,
                "evidence": evidence,
            }
        ],
        "stances": [
            {
                "actor": "A1",
                "target": "C1",
                "stance": "support",
                "confidence": 0.8,
                "evidence": evidence,
            }
        ],
        "caller_claims": [],
    }


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = {**node, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def conform(value: Any, schema: dict[str, Any], root: dict[str, Any]) -> Any:
    """`value` reshaped to satisfy `schema`: unknown keys dropped, missing ones defaulted,
    enums and bounds respected, a scalar wrapped when the schema wants an object."""
    schema = _resolve(schema, root)
    branches = schema.get("anyOf") or schema.get("oneOf")
    if branches:
        options = [_resolve(b, root) for b in branches]
        if value is None and any(o.get("type") == "null" for o in options):
            return None
        return conform(value, next(o for o in options if o.get("type") != "null"), root)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return value if value in schema["enum"] else schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    shape = _SHAPERS.get(str(kind))
    return shape(value, schema, root) if shape else value


def _object(value: Any, schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = schema.get("properties", {})
    if not isinstance(value, dict):  # e.g. a sentence number where v2 wants {sentence, ...}
        value = _wrap(value, properties, root)
    shaped = {
        name: conform(value[name], sub, root) for name, sub in properties.items() if name in value
    }
    for name in schema.get("required", []):
        if name not in shaped:
            shaped[name] = conform(None, properties.get(name, {}), root)
    return shaped


def _wrap(value: Any, properties: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    wanted = "integer" if isinstance(value, int) else "string"
    for name, sub in properties.items():
        resolved = _resolve(sub, root)
        if resolved.get("type") == wanted and value in resolved.get("enum", [value]):
            return {name: value}
    return {}


def _array(value: Any, schema: dict[str, Any], root: dict[str, Any]) -> list[Any]:
    items = value if isinstance(value, list) else ([] if value is None else [value])
    item_schema = schema.get("items", {})
    shaped = [conform(item, item_schema, root) for item in items][: schema.get("maxItems")]
    while len(shaped) < schema.get("minItems", 0):
        shaped.append(shaped[-1] if shaped else conform(None, item_schema, root))
    return shaped


def _string(value: Any, schema: dict[str, Any], root: dict[str, Any]) -> str:
    text = "" if value is None else str(value)
    text = _shorten(text, schema["maxLength"]) if "maxLength" in schema else text
    return text.ljust(schema.get("minLength", 0), "x")


def _number(value: Any, schema: dict[str, Any], root: dict[str, Any]) -> float:
    low = float(schema.get("minimum", 0.0))
    high = float(schema.get("maximum", max(1.0, low)))
    number = float(value) if isinstance(value, int | float) else (low + high) / 2
    return min(max(number, low), high)


def _integer(value: Any, schema: dict[str, Any], root: dict[str, Any]) -> int:
    low = schema.get("minimum", 1)
    number = value if isinstance(value, int) else low
    return int(min(max(number, low), schema.get("maximum", number)))


_SHAPERS: dict[str, Callable[[Any, dict[str, Any], dict[str, Any]], Any]] = {
    "object": _object,
    "array": _array,
    "string": _string,
    "number": _number,
    "integer": _integer,
    "boolean": lambda value, schema, root: bool(value),
    "null": lambda value, schema, root: None,
}


def answer_for(sentences: Sentences, schema: dict[str, Any] | None) -> dict[str, Any]:
    """A contract for the article, shaped to `schema` when the request carries one."""
    facts = facts_for(sentences)
    if schema is None:
        return {k: v for k, v in facts.items() if k != "caller_claims"}
    shaped: dict[str, Any] = conform(facts, schema, schema)
    return shaped

"""Hand-made analyses for scorer tests: one sentence per line, evidence given as quotes."""

from __future__ import annotations

from typing import Any

from evals.case_model import GoldenCase
from schemas import SCHEMA_VERSION
from schemas.analysis import (
    Actor,
    Analysis,
    Claim,
    Coverage,
    EvidenceSpan,
    Meta,
    Sentence,
    Span,
    Stance,
    Usage,
)
from schemas.llm import SpeechAct

ARTICLE = """Officials say the ferry will stop running in March.
The city council confirmed that the ferry service ends on March 31.
Mayor Anna Schmidt said the closure saves 2 million euros a year.
The Harbour Workers Union rejected the plan and called it reckless.
Schmidt's office could not confirm reports of a replacement bus."""

CASE: dict[str, Any] = {
    "id": "ferry",
    "description": "A test case.",
    "source": "tests",
    "licence": "CC0",
    "article": ARTICLE,
    "request": {"claims": ["A bus will replace the ferry."]},
    "expect": {
        "actors": [
            {"name": "City council", "kind": ["government", "organization"]},
            {
                "name": "Anna Schmidt",
                "aliases": ["Mayor Anna Schmidt", "Schmidt"],
                "kind": "person",
            },
            {"name": "Harbour Workers Union", "aliases": ["Workers Union"]},
        ],
        "forbidden_actors": ["Reuters"],
        "claims": [
            {
                "keywords": [["ferry"], ["end", "stop"]],
                "status": ["confirmed"],
                "asserted_by": ["City council"],
            },
            {"keywords": [["saves", "saving"]], "status": ["confirmed", "unconfirmed"]},
        ],
        "caller_claims": [{"index": 1, "status": ["unconfirmed"]}],
        "stances": [
            {"actor": "Harbour Workers Union", "target": ["plan", "closure"], "stance": ["oppose"]},
            {"actor": "Anna Schmidt", "target": ["closure"], "stance": ["support"]},
        ],
        "summary": {
            "must_include": [["ferry"], ["March"]],
            "must_not_include": ["bus service confirmed"],
            "max_words": 40,
        },
    },
}


def golden_case(**changes: Any) -> GoldenCase:
    return GoldenCase.model_validate(CASE | changes)


def sentences(text: str = ARTICLE) -> list[Sentence]:
    out, start = [], 0
    for number, line in enumerate(text.split("\n"), start=1):
        end = start + len(line)  # ASCII text: UTF-16 offsets equal code-point offsets
        out.append(Sentence(number=number, start=start, end=end, start_utf16=start, end_utf16=end))
        start += len(line) + 1
    return out


def evidence(quote: str, text: str = ARTICLE, act: SpeechAct = "asserts") -> EvidenceSpan:
    start = text.index(quote)
    number = text[:start].count("\n") + 1
    end = start + len(quote)
    return EvidenceSpan(
        sentence=number,
        quote=quote,
        start=start,
        end=end,
        start_utf16=start,
        end_utf16=end,
        speech_act=act,
    )


def meta(**changes: Any) -> Meta:
    fields: dict[str, Any] = {
        "engine": "llm",
        "model": "test/model",
        "provider": "test",
        "prompt_version": "v1",
        "schema_version": SCHEMA_VERSION,
        "usage": Usage(prompt_tokens=100, completion_tokens=50, total_tokens=150),
        "latency_ms": 12.5,
        "attempts": 1,
    }
    return Meta(**(fields | changes))


def analysis(text: str = ARTICLE, **fields: Any) -> Analysis:
    defaults: dict[str, Any] = {
        "sentences": sentences(text),
        "coverage": Coverage(
            analysed=[Span(start=0, end=len(text), start_utf16=0, end_utf16=len(text))],
            complete=True,
        ),
        "meta": meta(),
    }
    return Analysis(**(defaults | fields))


def perfect() -> Analysis:
    """What a careful reader would answer for CASE."""
    return analysis(
        headline="Ferry service ends on March 31",
        summary="The city council confirmed the ferry ends on March 31. "
        "Mayor Anna Schmidt said it saves 2 million euros; the union rejected the plan.",
        actors=[
            Actor(id="A1", name="city council", kind="government"),
            Actor(id="A2", name="Anna Schmidt", kind="person", role="Mayor", aliases=["Schmidt"]),
            Actor(id="A3", name="Harbour Workers Union", kind="group"),
        ],
        claims=[
            Claim(
                id="C1",
                text="The ferry service ends on March 31.",
                source="article",
                status="confirmed",
                asserted_by=["A1"],
                evidence=[evidence("The city council confirmed that the ferry service ends")],
                confidence=0.9,
            ),
            Claim(
                id="C2",
                text="The closure saves 2 million euros a year.",
                source="article",
                status="unconfirmed",
                asserted_by=["A2"],
                evidence=[evidence("Mayor Anna Schmidt said the closure saves 2 million euros")],
                confidence=0.9,
            ),
            Claim(
                id="Q1",
                text="A bus will replace the ferry.",
                source="caller",
                status="unconfirmed",
                evidence=[evidence("could not confirm reports of a replacement bus")],
                confidence=0.9,
            ),
        ],
        stances=[
            Stance(
                actor="A3",
                target="the closure plan",
                stance="oppose",
                evidence=[evidence("The Harbour Workers Union rejected the plan")],
                confidence=0.9,
            ),
            Stance(
                actor="A2",
                target="C2",
                target_claim="C2",
                stance="support",
                evidence=[evidence("Mayor Anna Schmidt said the closure saves")],
                confidence=0.9,
            ),
        ],
    )

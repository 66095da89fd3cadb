"""Token accounting of the benchmark: one request per article, the prefix providers can cache,
and what caching is worth under each provider's minimum."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.tokens import PriceRule, cached_tokens, read_capture, shared_prefix_tokens


def _request(article: str, sentences: int, repair: bool = False) -> dict[str, Any]:
    schema = {"type": "object", "properties": {"evidence": {"enum": list(range(1, sentences + 1))}}}
    messages = [
        {"role": "system", "content": "You analyse news. " * 50},
        {"role": "user", "content": f"<article>\n[1] {article}\n</article>"},
    ]
    if repair:
        messages += [{"role": "assistant", "content": "{}"}, {"role": "user", "content": "fix"}]
    return {
        "messages": messages,
        "response_format": {"type": "json_schema", "json_schema": {"schema": schema}},
    }


def test_capture_keeps_one_first_request_per_article(tmp_path: Path) -> None:
    bodies = [_request("A.", 1), _request("B.", 1, True), _request("B.", 1), _request("A.", 1)]
    capture = tmp_path / "requests.jsonl"
    capture.write_text("\n".join(json.dumps(b) for b in bodies))
    kept = read_capture(capture, articles=2)
    assert [b["messages"][1]["content"] for b in kept] == [
        "<article>\n[1] A.\n</article>",
        "<article>\n[1] B.\n</article>",
    ]


def test_a_schema_that_changes_per_article_leaves_no_shared_prefix() -> None:
    assert shared_prefix_tokens([_request("A.", 3), _request("B.", 5)]) == 0


def test_a_constant_schema_and_system_prompt_are_shared() -> None:
    shared = shared_prefix_tokens([_request("A.", 3), _request("B.", 3)])
    assert shared > 150  # the system text alone is 50 sentences


def test_cached_tokens_follow_the_provider_minimum_and_step() -> None:
    openai = PriceRule("gpt-4o-mini", 1024, 128)
    assert cached_tokens(1000, openai) == 0
    assert cached_tokens(1300, openai) == 1280
    assert cached_tokens(1300, PriceRule("gemini/gemini-2.5-flash", 1024, 1)) == 1300

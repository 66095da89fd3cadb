"""A checked JSON decoder for request bodies: bounded depth, bounded numbers, strict JSON.

The standard library's decoder recurses once per nesting level (10,000 levels raise
RecursionError), converts integer literals of any length (5,000 digits raise ValueError
under Python's int_max_str_digits guard) and accepts NaN/Infinity, which are not JSON.
Here each of those is a typed 400 before or while parsing. The decoder is kept (rather
than orjson) because it keeps lone-surrogate escapes such as "\\ud800" as text: the request
schema then rejects them with a per-field 422, so in a batch only the item carrying one fails.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any, NoReturn

from api.errors import InvalidEncoding, InvalidJson, JsonLimitExceeded

MAX_DEPTH = 32  # a batch request is 4 levels deep: {"items": [{"claims": ["…"]}]}
MAX_NUMBER_CHARS = 64  # no request field is a number; 64 characters fit any float or int64

# String literals (escapes included) are skipped when counting brackets: "[" inside a
# string is text. The pattern is the unrolled form, linear on any input.
_STRING_LITERAL = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")


def nesting_depth(text: str) -> int:
    """Deepest bracket nesting of a JSON text, ignoring brackets inside strings."""
    brackets = _NOT_A_BRACKET.sub("", _STRING_LITERAL.sub("", text))
    if len(brackets) <= MAX_DEPTH:  # cannot be deeper than half its brackets: skip the walk
        return len(brackets)
    steps = (1 if b in "[{" else -1 for b in brackets)
    return max(accumulate(steps, initial=0))


def _bounded_number(literal: str, convert: type[int] | type[float]) -> int | float:
    if len(literal) > MAX_NUMBER_CHARS:
        raise JsonLimitExceeded(
            f"A number in the body has {len(literal):,} characters; the limit is "
            f"{MAX_NUMBER_CHARS}. No field of this API takes a number that long."
        )
    return convert(literal)


def _no_constant(name: str) -> NoReturn:
    raise InvalidJson(f"The body is not valid JSON: {name} is not a JSON value.")


_DECODER = json.JSONDecoder(
    parse_int=lambda s: _bounded_number(s, int),
    parse_float=lambda s: _bounded_number(s, float),
    parse_constant=_no_constant,
)


def parse_json_body(raw: bytes) -> Any:
    """UTF-8 bytes → Python value, or InvalidEncoding / InvalidJson / JsonLimitExceeded."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidEncoding(f"The body is not valid UTF-8 (byte {exc.start}).") from exc
    depth = nesting_depth(text)
    if depth > MAX_DEPTH:
        raise JsonLimitExceeded(f"The body nests {depth:,} levels deep; the limit is {MAX_DEPTH}.")
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise InvalidJson(f"The body is not valid JSON: {exc.msg} at position {exc.pos}.") from exc
    except RecursionError as exc:  # unreachable after the depth check; kept as a last guard
        raise JsonLimitExceeded("The body nests too deeply.") from exc

"""A checked JSON decoder for request bodies: bounded depth, bounded integers, strict JSON.

The standard library's decoder recurses once per nesting level (10,000 levels raised
RecursionError), refuses integer literals over 4,300 digits with a bare ValueError (Python's
int_max_str_digits guard against quadratic conversion) and accepts NaN/Infinity, which are
not JSON. Here each of those is a typed 400. Parsing stays in C: its recursion guard stops
pathological nesting near 1,000 levels (RecursionError is raised cleanly, before the C stack
is at risk), and the parsed value is then held to a stated depth limit. Float literals of any
length parse in linear time (no request field is a number: they fail validation). The
decoder is kept rather than orjson because it keeps lone-surrogate escapes such as "\\ud800"
as text: the request schema rejects them with a per-field 422, so in a batch only the item
carrying one fails.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn, TypeVar

from pydantic import BaseModel, ValidationError

from api.errors import InvalidEncoding, InvalidJson, JsonLimitExceeded, RequestValidationFailed

Model = TypeVar("Model", bound=BaseModel)
MAX_DEPTH = 32  # a batch request is 4 levels deep: {"items": [{"claims": ["…"]}]}
MAX_INT_DIGITS = 4300  # Python's own int conversion guard (sys.int_max_str_digits)


def deeper_than(value: Any, limit: int) -> bool:
    """Whether parsed JSON nests more than `limit` containers deep (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, (list, dict)) else []
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, (list, dict)))
    return False


def _no_constant(name: str) -> NoReturn:
    raise InvalidJson(f"The body is not valid JSON: {name} is not a JSON value.")


_DECODER = json.JSONDecoder(parse_constant=_no_constant)


def parse_json_body(raw: bytes) -> Any:
    """UTF-8 bytes → Python value, or InvalidEncoding / InvalidJson / JsonLimitExceeded."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidEncoding(f"The body is not valid UTF-8 (byte {exc.start}).") from exc
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise InvalidJson(f"The body is not valid JSON: {exc.msg} at position {exc.pos}.") from exc
    except ValueError as exc:  # only int conversion raises a plain ValueError here
        raise JsonLimitExceeded(
            f"An integer in the body has more than {MAX_INT_DIGITS:,} digits, the limit."
        ) from exc
    except RecursionError:  # the C scanner's own guard, near 1,000 levels: cheap and clean
        raise _too_deep() from None
    # A body with fewer brackets than the limit cannot nest past it: no walk needed.
    if text.count("[") + text.count("{") > MAX_DEPTH and deeper_than(value, MAX_DEPTH):
        raise _too_deep()
    return value


def _too_deep() -> JsonLimitExceeded:
    return JsonLimitExceeded(f"The body nests deeper than {MAX_DEPTH} levels, the limit.")


def validate_as(model: type[Model], data: Any) -> Model:
    """Validate parsed JSON; failures are one 422 with the per-field errors."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [
            {"loc": [_printable(p) for p in e["loc"]], "msg": e["msg"], "type": e["type"]}
            for e in exc.errors()
        ]
        raise RequestValidationFailed(
            "Some fields are missing or invalid; see errors.", errors
        ) from exc


def _printable(part: object) -> str:
    # A field name in the body may hold a lone surrogate; the problem body must still encode.
    return str(part).encode("utf-8", "backslashreplace").decode("utf-8")

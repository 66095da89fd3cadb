"""Parsed JSON → a pydantic model, or one 422 problem with the per-field errors.

Shared by the routes, the job workers and the batch CLI (none of which may import another's
package), so a bad item reads the same wherever it is checked.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from api.errors import RequestValidationFailed

Model = TypeVar("Model", bound=BaseModel)


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

"""Progress of one analysis, for callers who watch it (SSE on /v1/analyze).

The pipeline reports stages through a context variable rather than a parameter: every
caller shares one code path, and most (plain requests, batches, the CLI, the evals) listen to
nothing, so `report` is a no-op unless a listener was set for the current task.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

Listener = Callable[[str, dict[str, Any]], None]
_listener: ContextVar[Listener | None] = ContextVar("stancewire_progress", default=None)


def report(stage: str, **data: Any) -> None:
    """Tell the current listener, if any, that the analysis reached `stage`."""
    listener = _listener.get()
    if listener is not None:
        listener(stage, data)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Tasks created inside this block (they copy the context) report to `listener`."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)

"""`stancewire batch in.jsonl --out out.jsonl` without Redis: every core of this machine.

The output is append-only, one whole line per `write` call, flushed as each item finishes:
a run that is killed leaves at most one partial last line, which the next run cuts off
before it skips the ids already written (resume). Output order is finish order; each line
carries the item's `index` (its position in the input) and `id`.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.errors import InvalidJson, RequestValidationFailed, StancewireError
from api.jobs.items import TransientItemError, analyze_item, problem_line
from api.json_body import parse_json_body
from api.pipeline.analyze import Analyzer


@dataclass
class InputItem:
    index: int
    id: str
    fields: dict[str, Any] | None  # None: the line is not an object (problem is set)
    problem: StancewireError | None = None


def read_input(path: Path) -> list[InputItem]:
    """Every non-blank line; its id is the line's `id` field, else its 0-based index.
    Raises ValueError on duplicate ids (resume could not tell the items apart)."""
    items: list[InputItem] = []
    for raw in path.read_bytes().split(b"\n"):
        if raw.strip():
            items.append(_parse_line(len(items), raw))
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"id {item.id!r} appears twice in {path} (line {item.index + 1})")
        seen.add(item.id)
    return items


def _parse_line(index: int, raw: bytes) -> InputItem:
    try:
        value = parse_json_body(raw)
    except StancewireError as exc:
        return InputItem(index, str(index), None, exc)
    if not isinstance(value, dict):
        not_object: StancewireError = InvalidJson(f"Line {index + 1} is not a JSON object.")
        return InputItem(index, str(index), None, not_object)
    given = value.pop("id", None)
    if given is not None and not isinstance(given, str | int):
        problem = RequestValidationFailed(
            "The item's id must be a string.", [{"loc": ["id"], "msg": "not a string"}]
        )
        return InputItem(index, str(index), None, problem)
    return InputItem(index, str(index) if given is None else str(given), value)


def written_ids(out: Path) -> set[str]:
    """Ids already in `out`; a partial last line (a killed run) is cut off first."""
    if not out.exists():
        return set()
    data = out.read_bytes()
    complete = data[: data.rfind(b"\n") + 1]
    if len(complete) != len(data):
        with out.open("r+b") as handle:
            handle.truncate(len(complete))
    return {json.loads(line)["id"] for line in complete.splitlines() if line.strip()}


class LineWriter:
    """Appends whole lines; each is one write(2) on an O_APPEND descriptor."""

    def __init__(self, out: Path) -> None:
        self._fd = os.open(out, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def write(self, line: dict[str, Any]) -> None:
        os.write(self._fd, (json.dumps(line, ensure_ascii=False) + "\n").encode())

    def close(self) -> None:
        os.fsync(self._fd)
        os.close(self._fd)


async def run_local(
    analyzer: Analyzer,
    items: list[InputItem],
    writer: LineWriter,
    *,
    concurrency: int,
    timeout_s: float,
    max_tries: int,
    on_done: Callable[[dict[str, Any]], None] = lambda line: None,
) -> None:
    """Run `items`, at most `concurrency` at a time, writing each line as it finishes."""
    slots = asyncio.Semaphore(concurrency)

    async def one(item: InputItem) -> None:
        async with slots:
            line = await _with_retries(
                item, max_tries, lambda last: _run(analyzer, item, timeout_s, last)
            )
        writer.write(line)
        on_done(line)

    await asyncio.gather(*(one(item) for item in items))


async def _run(
    analyzer: Analyzer, item: InputItem, timeout_s: float, last_try: bool
) -> dict[str, Any]:
    if item.fields is None:
        assert item.problem is not None
        return problem_line(item.index, item.id, item.problem, None)
    return await analyze_item(
        analyzer,
        item.fields,
        index=item.index,
        item_id=item.id,
        request_id=f"batch-{item.index}",
        timeout_s=timeout_s,
        last_try=last_try,
    )


async def _with_retries(
    item: InputItem,
    max_tries: int,
    attempt: Callable[[bool], Awaitable[dict[str, Any]]],
) -> dict[str, Any]:
    """Transient failures are tried again after a backoff; the last try's answer stands."""
    for tried in range(1, max_tries + 1):
        try:
            return await attempt(tried >= max_tries)
        except TransientItemError as exc:
            await asyncio.sleep(exc.retry_after or min(2**tried, 60))
    raise AssertionError("unreachable: the last try never raises TransientItemError")

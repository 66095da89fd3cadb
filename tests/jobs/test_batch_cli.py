"""`stancewire batch`: local (all cores, resume, problems per line) and `--queue`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.config import get_settings
from api.jobs.queue import connect, queue_name
from tests.jobs.conftest import drain, job_settings, short_articles

runner = CliRunner()


@pytest.fixture(autouse=True)
def fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("STANCEWIRE_CACHE_SIZE", "0")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _input(tmp_path: Path, count: int) -> Path:
    lines = [json.dumps({"id": f"a{i}", "text": t}) for i, t in enumerate(short_articles(count))]
    lines += ["[1, 2]", json.dumps({"text": "Photo: AP"})]  # not an object; credits only
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    return source


def _said(output: str) -> str:
    return " ".join(output.split())  # rich wraps long lines at the terminal width


def _lines(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_local_batch_writes_every_line_once_and_resumes(tmp_path: Path) -> None:
    source, out = _input(tmp_path, 4), tmp_path / "out.jsonl"
    first = runner.invoke(app, ["batch", str(source), "--out", str(out)])
    assert first.exit_code == 0, first.output
    lines = _lines(out)
    assert sorted(line["id"] for line in lines) == sorted(["a0", "a1", "a2", "a3", "4", "5"])
    problems = {line["id"]: line["problem"]["code"] for line in lines if not line["ok"]}
    assert problems == {"4": "invalid_json", "5": "nothing_to_analyse"}
    assert "6 items" in _said(first.output) and "2 failed" in _said(first.output)

    # A killed run: the last line half written. The next run cuts it and redoes that item.
    whole = out.read_text().splitlines(keepends=True)
    out.write_text("".join(whole[:3]) + whole[3][:40])
    again = runner.invoke(app, ["batch", str(source), "--out", str(out)])
    assert again.exit_code == 0, again.output
    assert "3 already in" in _said(again.output)
    assert sorted(line["id"] for line in _lines(out)) == sorted(line["id"] for line in lines)

    done = runner.invoke(app, ["batch", str(source), "--out", str(out)])
    assert "6 already in" in _said(done.output) and len(_lines(out)) == 6


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "x", "text": "A said B."}\n{"id": "x", "text": "C said D."}\n')
    result = runner.invoke(app, ["batch", str(source), "--out", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 2 and "appears twice" in _said(result.output)


async def test_queue_batch_submits_follows_and_writes(
    tmp_path: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STANCEWIRE_REDIS_URL", redis_url)
    source, out = _input(tmp_path, 3), tmp_path / "out.jsonl"
    cli = asyncio.create_task(
        asyncio.to_thread(runner.invoke, app, ["batch", str(source), "--out", str(out), "--queue"])
    )
    settings = job_settings(redis_url)
    redis = await connect(settings)
    while not await redis.zcard(queue_name("builtin")):  # the job is queued
        await asyncio.sleep(0.1)
    await drain(settings)
    result = await cli
    await redis.aclose()
    assert result.exit_code == 0, result.output
    lines = _lines(out)
    assert sorted(line["id"] for line in lines) == sorted(["a0", "a1", "a2", "3", "4"])
    by_id = {line["id"]: line for line in lines}
    assert by_id["3"]["problem"]["code"] == "invalid_json"  # refused before queueing
    assert by_id["4"]["problem"]["code"] == "nothing_to_analyse"  # failed in the worker
    assert by_id["4"]["index"] == 4 and by_id["a2"]["index"] == 2  # input positions

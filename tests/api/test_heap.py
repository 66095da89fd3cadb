"""The collector tuned for serving (api/heap.py, issue 18): `stancewire serve` freezes the
start-up heap once the app has started and collects the young generation less often."""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import uvicorn
from fastapi import FastAPI

from api import heap
from api.server import SettledServer


def test_settle_freezes_the_heap_and_raises_the_young_threshold() -> None:
    # In a child process: freezing the test process's heap would outlive this test.
    code = (
        "import gc, fastapi; from api import heap; before = gc.get_threshold(); "
        "tracked = len(gc.get_objects()); heap.settle(12345); "
        "print(gc.get_freeze_count() > tracked // 2, len(gc.get_objects()) < tracked // 10, "
        "gc.get_threshold()[0], gc.get_threshold()[1:] == before[1:])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "True", "12345", "True"]


def test_zero_leaves_pythons_defaults_alone() -> None:
    before = gc.get_threshold(), gc.get_freeze_count()
    heap.settle(0)
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_the_server_settles_the_heap_after_the_apps_start_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events: list[str] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        events.append("app started")  # models loaded here in the real app
        yield

    monkeypatch.setattr(heap, "settle", lambda threshold: events.append(f"settled {threshold}"))
    config = uvicorn.Config(FastAPI(lifespan=lifespan), host="127.0.0.1", port=0, lifespan="on")
    server = SettledServer(config, gc_threshold=777)

    async def start_and_stop() -> None:
        serving = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.01)
        server.should_exit = True
        await asyncio.wait_for(serving, timeout=10)

    asyncio.run(start_and_stop())
    assert events == ["app started", "settled 777"]

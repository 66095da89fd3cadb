"""`unless_client_leaves` (api/http.py): the work stops when the client hangs up; every
other outcome (an answer, a deadline, a shutdown) is the work's own."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from api.http import ClientLeftEarly, unless_client_leaves


class Client:
    """A request whose only further message is the disconnect, once `leave()` is called."""

    def __init__(self) -> None:
        self.gone = asyncio.Event()

    def leave(self) -> None:
        self.gone.set()

    async def receive(self) -> dict[str, Any]:
        await self.gone.wait()
        return {"type": "http.disconnect"}


async def test_the_answer_of_work_done_before_a_hang_up() -> None:
    async def work() -> int:
        await asyncio.sleep(0)
        return 7

    assert await unless_client_leaves(Client(), work()) == 7  # type: ignore[arg-type]
    task = asyncio.current_task()
    assert task is not None and task.cancelling() == 0


async def test_a_hang_up_cancels_the_work_before_the_answer() -> None:
    client, seen = Client(), []

    async def work() -> int:
        asyncio.get_running_loop().call_later(0.01, client.leave)
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise
        return 1

    with pytest.raises(ClientLeftEarly):
        await unless_client_leaves(client, work())  # type: ignore[arg-type]
    task = asyncio.current_task()
    assert seen == ["cancelled"] and task is not None and task.cancelling() == 0
    await asyncio.sleep(0)  # the request's task is not cancelled again afterwards


async def test_work_that_swallows_the_cancellation_still_answers_nobody() -> None:
    client = Client()

    async def work() -> int:
        asyncio.get_running_loop().call_later(0.01, client.leave)
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            return 1
        return 2

    with pytest.raises(ClientLeftEarly):
        await unless_client_leaves(client, work())  # type: ignore[arg-type]


async def test_a_cancellation_from_elsewhere_stays_a_cancellation() -> None:
    """A deadline (asyncio.timeout around the call) or a shutdown: not a hang-up."""

    async def work() -> int:
        await asyncio.sleep(30)
        return 1

    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.01):
            await unless_client_leaves(Client(), work())  # type: ignore[arg-type]


async def test_a_hang_up_right_as_the_work_ends_does_not_cancel_what_follows() -> None:
    client = Client()

    async def work() -> int:
        client.leave()
        await asyncio.sleep(0)  # the watcher sees the hang-up; its callback runs after this
        return 3

    assert await unless_client_leaves(client, work()) == 3  # type: ignore[arg-type]
    await asyncio.sleep(0.01)  # would raise CancelledError if the watcher cancelled us late

"""Where CPU-bound engine work runs, and how much of it may wait.

The built-in engine (spaCy + rules + the claim model) is CPU work: run on the event loop it
would stall health checks, metrics and cache hits; run in threads it shares one core (the
GIL, and spaCy parses behind a lock). So the server runs it in **one process pool per
machine, sized to the cores** (pebble, a maintained pool whose running tasks can be
cancelled: the worker process is terminated and replaced). What that buys:

- a client that hangs up, or a request past its deadline, stops its work at once: the
  awaiting task is cancelled, pebble kills the worker and starts a fresh one, and the next
  request runs on the remaining workers meanwhile;
- admission is bounded: at most `workers + queue` jobs are in flight; the next one gets a
  503 `overloaded` with Retry-After at once instead of queueing without limit.

The in-thread runner is for one-shot callers (the CLI, the evals, most tests): no process
start-up to pay, same admission rule, but work past a deadline is abandoned, not stopped
(a thread cannot be killed), so the server never uses it by default.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from api.errors import Overloaded

log = logging.getLogger(__name__)
T = TypeVar("T")


class CpuRunner(Protocol):
    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(*args)` off the event loop; Overloaded when too much is in flight."""
        ...

    def start(self) -> None:
        """Get ready before the first job (start workers); cheap when already started."""
        ...

    @property
    def in_flight(self) -> int:
        """Jobs running or waiting (the engine's queue depth, for metrics)."""
        ...

    def close(self) -> None:
        """Stop the workers (running jobs are abandoned)."""
        ...


class _Admission:
    """At most `workers + queue` jobs in flight; the next one is refused at once.
    `queue=None`: no limit (a caller that waits for every answer, like the evals)."""

    def __init__(self, workers: int, queue: int | None) -> None:
        self.capacity = None if queue is None else workers + queue
        self.in_flight = 0

    def enter(self) -> None:
        if self.capacity is not None and self.in_flight >= self.capacity:
            raise Overloaded(
                f"The engine is busy ({self.in_flight} analyses in flight); retry shortly.",
                retry_after=1,
            )
        self.in_flight += 1

    def leave(self) -> None:
        self.in_flight -= 1


class ThreadRunner:
    """Jobs in a thread of this process (spaCy parses one at a time: one worker)."""

    def __init__(self, queue: int | None = 16) -> None:
        self._admission = _Admission(workers=1, queue=queue)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        self._admission.enter()
        try:
            return await asyncio.to_thread(fn, *args)
        finally:
            self._admission.leave()

    @property
    def in_flight(self) -> int:
        return self._admission.in_flight

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass


class ProcessRunner:
    """Jobs in a pool of worker processes; a cancelled job's worker is terminated."""

    def __init__(self, workers: int, queue: int, preload: tuple[str, ...] = ()) -> None:
        self.workers = workers
        self._preload = list(preload)
        self._admission = _Admission(workers, queue)
        self._pool: Any = None

    @property
    def in_flight(self) -> int:
        return self._admission.in_flight

    def start(self) -> None:
        if self._pool is None:
            from pebble import ProcessPool

            # forkserver, not fork: the server process has threads (fork would copy their
            # locks). The fork server imports `preload` once; workers fork from it warm.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(self._preload)
            self._pool = ProcessPool(max_workers=self.workers, context=context)
            log.info("engine process pool started with %d workers", self.workers)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        self._admission.enter()
        try:
            self.start()
            future = self._pool.schedule(fn, args=args)
            # Cancelling the asyncio task cancels this future; pebble then terminates the
            # worker running it and starts a new one.
            result: T = await asyncio.wrap_future(future)
            return result
        finally:
            self._admission.leave()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.stop()
            self._pool.join(timeout=10)
            self._pool = None


def cpu_runner_for(processes: int | None, queue: int, preload: tuple[str, ...] = ()) -> CpuRunner:
    """The server's runner: `processes` workers (None: one per core; 0: in-thread)."""
    workers = (os.cpu_count() or 1) if processes is None else processes
    if workers == 0:
        return ThreadRunner(queue)
    return ProcessRunner(workers, queue, preload)

"""Python's cyclic garbage collector, tuned for a long-running server (issue 18).

After start-up a `stancewire serve` process holds ~490,000 objects the collector tracks
(litellm's model map, pydantic's schemas, the app) that live as long as the process. With
CPython's defaults a served request paid ~0.3 ms of collections (gen0 every 700 net
container allocations, each also scanning what the request's big containers refer to), and
a full collection, every few thousand requests, stopped the event loop for ~0.3 s to walk
the whole start-up heap (measured with gc.callbacks in a served process under wrk load).

So, once the app has started, the start-up heap is frozen (`gc.freeze`: moved to a
permanent generation no collection walks; CPython's documented use for long-lived servers)
and the youngest generation is collected after `threshold` net allocations instead of 700.
Objects still die by reference count as soon as nothing refers to them; only garbage
cycles wait for a collection, and a frozen object caught in a cycle later is never
collected (it lives as long as the process anyway).
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)


def settle(threshold: int) -> None:
    """Freeze what start-up made and collect the young generation every `threshold`
    allocations (0: leave CPython's defaults alone)."""
    if threshold <= 0:
        return
    gc.collect()  # start-up's own garbage cycles: freed now, not frozen for good
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(threshold, middle, oldest)
    log.info("collector: %d objects frozen, gen0 threshold %d", gc.get_freeze_count(), threshold)

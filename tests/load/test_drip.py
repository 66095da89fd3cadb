"""An upstream that drips its answer (the harness's opt-in `drip` fault) cannot hold a request
past its deadline: httpx's call timeout is per read, so each piece arriving within it keeps
the call alive, but the request's deadline is a total (asyncio.timeout_at around the whole
analysis) and ends it in `deadline_exceeded` on time."""

from __future__ import annotations

import asyncio
import time

from api.compose import make_analyzer
from api.errors import DeadlineExceeded
from api.llm.client import load_litellm
from schemas.request import AnalyzeRequest
from tests.conftest import SEED_TEXT
from tests.load.fault_upstream import DRIP, DRIP_PIECES, FaultPlan, FaultyUpstream
from tests.load.service import service_settings

DEADLINE_S = 1.5
DRIP_EVERY_S = 0.5  # each piece within the 1 s call timeout; all 12: 6 s, 4x the deadline


async def _analyse(api_base: str) -> tuple[BaseException | None, float]:
    settings = service_settings(api_base).model_copy(
        update={"request_deadline_s": DEADLINE_S, "cross_check": False}
    )
    analyzer = make_analyzer(settings)
    try:
        load_litellm()  # its first import is not the request's (a server has it loaded)
        started = time.perf_counter()
        await analyzer.analyze(AnalyzeRequest(text=SEED_TEXT))
    except Exception as exc:
        return exc, time.perf_counter() - started
    finally:
        analyzer.close()
    return None, time.perf_counter() - started


def test_a_dripping_upstream_ends_in_deadline_exceeded_at_the_deadline() -> None:
    assert service_settings("http://unused").llm_timeout_s > DRIP_EVERY_S
    assert DRIP_PIECES * DRIP_EVERY_S > 2 * DEADLINE_S
    plan = FaultPlan(fault_rate=1.0, faults=(DRIP,), drip_every_s=DRIP_EVERY_S)
    with FaultyUpstream(plan) as upstream:
        error, took = asyncio.run(_analyse(upstream.base_url))
    assert isinstance(error, DeadlineExceeded), error
    assert plan.drawn[DRIP] >= 1
    assert DEADLINE_S <= took < DEADLINE_S + 2.5, took  # margin for a loaded machine; drip: 6 s

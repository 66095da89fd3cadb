"""The fault harness's own checks: its time bound is a total per request, so an answer that
drips in — each read well within httpx's timeout, the whole far past the bound — is a
violation, named with its request's faults and latency, not a pass."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tests.load.fault_upstream import FaultPlan
from tests.load.harness import client, run_round
from tests.load.timing import Sample, by_fault, fault_label

BOUND_S = 0.5
DRIP_EVERY_S = 0.2  # a byte per read: each read within httpx's timeout (the bound)
# A typed problem the harness accepts on its own: only its timing can make it a violation.
BODY = b'{"code": "upstream_timeout"}'  # 28 bytes: 5.6 s in all, 11x the bound


@asynccontextmanager
async def dripping_service() -> AsyncIterator[str]:
    """A service that answers every request, one byte of its body every DRIP_EVERY_S."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            head = [
                "HTTP/1.1 504 Gateway Timeout",
                "Content-Type: application/problem+json",
                f"Content-Length: {len(BODY)}",
            ]
            writer.write("\r\n".join(head).encode() + b"\r\n\r\n")
            for byte in BODY:
                await asyncio.sleep(DRIP_EVERY_S)
                writer.write(bytes([byte]))
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}"


async def _drip_round() -> tuple[list[Sample], float]:
    async with dripping_service() as base_url, client(base_url, 2, BOUND_S) as http:
        started = time.perf_counter()
        result = await run_round(http, 2, 2, BOUND_S, FaultPlan(fault_rate=0.0))
        return result.samples, time.perf_counter() - started


def test_an_answer_dripping_past_the_bound_is_a_violation_with_its_faults_and_latency() -> None:
    samples, took = asyncio.run(_drip_round())
    assert [s.outcome for s in samples] == ["no answer in time"] * 2
    for sample in samples:
        assert sample.violation is not None
        assert sample.violation.startswith(f"no answer within {BOUND_S:.1f} s (faults: no call;")
        assert BOUND_S <= sample.client_s < BOUND_S + 2.0  # margins for a loaded machine
    assert took < BOUND_S + 3.0  # the round did not wait for the drip to end (5.6 s)


def test_a_request_is_labelled_by_the_faults_its_calls_met() -> None:
    assert fault_label(None) == "no call"
    assert fault_label(["ok"]) == "ok"
    assert fault_label(["timeout", "timeout", "ok"]) == "timeout"
    assert fault_label(["reset", "ok", "server_error"]) == "reset+server_error"


def test_the_table_gives_the_slowest_times_per_fault_met() -> None:
    samples = [
        Sample("ok", "200 analysis", 1.0, 0.6, 0.5, client_wait_s=0.3, queued_s=0.1),
        Sample("timeout+reset", "504 upstream_timeout", 7.5, 6.2, None, service_lag_s=0.4),
        Sample("timeout", "no answer in time", 11.0, None, None, "no answer"),
    ]
    table = by_fault(samples).splitlines()
    assert " ".join(table[0].split()) == (
        "fault met n client max sent->answer max client wait max queued max service max"
        " analysis max service lag max"
    )
    rows = {line.split()[0]: " ".join(line.split()[1:]) for line in table[1:]}
    assert rows["timeout"] == "2 11.00 s 11.00 s - - 6.20 s - 0.40 s"  # a request under both
    assert rows["reset"] == "1 7.50 s 7.50 s - - 6.20 s - 0.40 s"
    assert rows["ok"] == "1 1.00 s 0.70 s 0.30 s 0.10 s 0.60 s 0.50 s -"

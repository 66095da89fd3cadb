"""The service of the fault run: its settings, and where it runs.

In the harness's own process (`in_process`, as CI's short run does) the client, the stub
upstream and the service share one interpreter and its GIL, so at concurrency 100 a request
waits for the client's and the upstream's Python as well as the service's, and the client's
time overstates the service's by seconds. In a process of its own (`own_process`, the long
run's default, with the stub upstream in a third: tests/load/fault_upstream.UpstreamProcess)
the service is measured as a deployment runs it: alone in its interpreter, under `stancewire
serve`'s server configuration.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import uvicorn

from api.app import create_app
from api.config import Settings
from api.server import server_config
from tests.live_server import free_port, live_server
from tests.load.timing import timed

MODEL = "openai/stub"
START_S = 120.0  # spaCy and litellm load in the new process, slower on a busy machine


def service_settings(api_base: str) -> Settings:
    return Settings(
        default_model=MODEL,
        models=[MODEL],
        api_base=api_base,
        api_key="stub-key",
        cache_size=0,
        llm_timeout_s=1.0,
        retry_attempts=3,
        retry_max_wait_s=0.2,
        retry_total_s=3.0,
        repair_attempts=1,
        request_deadline_s=6.0,
        log_level="error",
        max_connections=4096,
        _env_file=None,
    )  # type: ignore[call-arg]


@dataclass(frozen=True)
class Service:
    base_url: str
    pid: int  # the process whose memory the run watches


@contextmanager
def in_process(api_base: str) -> Iterator[Service]:
    """The service under uvicorn in a thread of this process."""
    settings = service_settings(api_base)
    with live_server(timed(create_app(settings)), settings) as (host, port):
        yield Service(f"http://{host}:{port}", os.getpid())


def _serve(api_base: str, port: int) -> None:
    settings = service_settings(api_base)
    app = timed(create_app(settings))
    config = server_config(app, settings, host="127.0.0.1", port=port, log_level="warning")
    uvicorn.Server(config).run()


@contextmanager
def own_process(api_base: str) -> Iterator[Service]:
    """The service under uvicorn in a process of its own (spawned: no state copied from
    this one), once /healthz answers; stopped afterwards."""
    port = free_port()
    # Not a daemon: the service starts worker processes of its own (the CPU pool).
    process = multiprocessing.get_context("spawn").Process(target=_serve, args=(api_base, port))
    process.start()
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base_url, process)
        assert process.pid is not None
        yield Service(base_url, process.pid)
    finally:
        process.terminate()  # SIGTERM: uvicorn's graceful shutdown stops the pool too
        process.join(timeout=15)
        if process.is_alive():
            process.kill()
            process.join()


def _wait_until_up(base_url: str, process: multiprocessing.process.BaseProcess) -> None:
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        if not process.is_alive():
            raise RuntimeError("the service process exited while starting")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the service did not answer /healthz within {START_S:.0f} s")

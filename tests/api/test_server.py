"""Slow, lying and broken clients against the real server on loopback (issue 14, defect 3).

Before: uvicorn held idle and trickling connections forever, never answered a body shorter
than its Content-Length, answered broken framing with text/plain, and a client hanging up
mid-body was logged with a traceback and counted as a 500. Both of uvicorn's HTTP
implementations run every case; timeouts are short so the whole module stays bounded."""

from __future__ import annotations

import http.client
import json
import logging
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from api.app import create_app
from api.compose import make_analyzer
from api.config import Settings, get_settings
from api.metrics import REGISTRY
from api.server import GuardedHttpToolsProtocol, SettledServer
from tests.conftest import SCRIPTED_MODEL, SEED_CONTRACT, SEED_TEXT
from tests.fakes import ScriptedClient
from tests.live_server import live_server

TIMEOUT_S = 0.6  # header and body timeouts of the server under test
MAX_CONNECTIONS = 8
SLACK_S = 2.0  # what a loaded CI machine may add before a timer fires


@pytest.fixture(scope="module", params=["httptools", "h11"])
def server(request: pytest.FixtureRequest) -> Iterator[tuple[str, int]]:
    settings = Settings(
        default_model=SCRIPTED_MODEL,
        models=[SCRIPTED_MODEL],
        header_timeout_s=TIMEOUT_S,
        body_timeout_s=TIMEOUT_S,
        keepalive_timeout_s=1,
        max_connections=MAX_CONNECTIONS,
        _env_file=None,
    )
    app = create_app(settings, make_analyzer(settings, client=ScriptedClient(SEED_CONTRACT)))
    with live_server(app, settings, implementation=request.param) as address:
        yield address


def connect(address: tuple[str, int]) -> socket.socket:
    sock = socket.create_connection(address, timeout=TIMEOUT_S + SLACK_S + 5)
    return sock


def read_response(sock: socket.socket) -> tuple[http.client.HTTPResponse, bytes]:
    response = http.client.HTTPResponse(sock)
    response.begin()
    return response, response.read()


def closed_by_server(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except (ConnectionResetError, TimeoutError):
        return False


def assert_problem(
    response: http.client.HTTPResponse, body: bytes, status: int, code: str
) -> dict[str, Any]:
    assert response.status == status, body
    assert response.getheader("content-type") == "application/problem+json"
    assert response.getheader("x-content-type-options") == "nosniff"
    problem: dict[str, Any] = json.loads(body)
    assert (problem["status"], problem["code"]) == (status, code)
    assert problem["request_id"] == response.getheader("x-request-id")
    return problem


def analyze_request(body: bytes, declared: int | None = None) -> bytes:
    length = len(body) if declared is None else declared
    head = (
        "POST /v1/analyze HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n"
    )
    return head.encode() + body


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_whole_request_is_answered(server: tuple[str, int]) -> None:
    with connect(server) as sock:
        sock.sendall(analyze_request(json.dumps({"text": SEED_TEXT}).encode()))
        response, body = read_response(sock)
    assert response.status == 200, body
    assert json.loads(body)["meta"]["model"] == SCRIPTED_MODEL


def test_idle_connection_is_closed_after_the_header_timeout(server: tuple[str, int]) -> None:
    started = time.monotonic()
    with connect(server) as sock:
        assert closed_by_server(sock)
    assert time.monotonic() - started < TIMEOUT_S + SLACK_S


def test_trickled_headers_get_a_408(server: tuple[str, int]) -> None:
    started = time.monotonic()
    with connect(server) as sock:
        sock.sendall(b"POST /v1/analyze HTTP/1.1\r\nHost: te")
        response, body = read_response(sock)
        assert_problem(response, body, 408, "request_timeout")
        assert closed_by_server(sock)
    assert TIMEOUT_S * 0.9 < time.monotonic() - started < TIMEOUT_S + SLACK_S


def test_body_shorter_than_content_length_gets_a_408(server: tuple[str, int]) -> None:
    started = time.monotonic()
    with connect(server) as sock:
        sock.sendall(analyze_request(b'{"text": "The mayor', declared=500))
        response, body = read_response(sock)
        problem = assert_problem(response, body, 408, "request_timeout")
        assert "did not arrive" in problem["detail"]
        assert closed_by_server(sock)
    assert time.monotonic() - started < TIMEOUT_S + SLACK_S


def test_keep_alive_connection_serves_again_then_idles_out(server: tuple[str, int]) -> None:
    with connect(server) as sock:
        for _ in range(2):
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
            response, _ = read_response(sock)
            assert response.status == 200
        started = time.monotonic()
        assert closed_by_server(sock)
    assert time.monotonic() - started < 1 + SLACK_S


@pytest.mark.parametrize(
    "head",
    [
        b"Content-Length: abc\r\n",
        b"Content-Length: -5\r\n",
        b"Content-Length: 5\r\nContent-Length: 7\r\n",
        b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
        b"Transfer-Encoding: chunked\r\n\r\nzz",  # a chunk size that is not hexadecimal
    ],
    ids=["not-a-number", "negative", "conflicting", "with-chunked", "bad-chunk"],
)
def test_broken_framing_gets_a_400_problem(server: tuple[str, int], head: bytes) -> None:
    request = b"POST /v1/analyze HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
    before = metric("stancewire_connections_closed_total", reason="malformed_request")
    hung_up = analyze_requests("499")
    with connect(server) as sock:
        sock.sendall(request + head + b"\r\n\r\n")
        response, body = read_response(sock)
        assert_problem(response, body, 400, "malformed_request")
        assert closed_by_server(sock)
    assert metric("stancewire_connections_closed_total", reason="malformed_request") == before + 1
    # The app may still be winding down the request it was reading (a bad chunk arrives
    # after the headers): it must not count a client hanging up (it did, with httptools).
    time.sleep(0.3)
    assert analyze_requests("499") == hung_up


def test_client_hanging_up_mid_body_is_one_info_line_and_a_499(
    server: tuple[str, int], caplog: pytest.LogCaptureFixture
) -> None:
    # The request carries its own id: the 499 counter is global, and a previous test's
    # request (a broken chunk the server answered itself) may still be winding down in
    # the app and count its own 499 while this test runs (it did, on a loaded CI machine).
    caplog.set_level(logging.INFO)  # the server thread logs after the socket is gone
    closed, failed = analyze_requests("499"), analyze_requests("500")
    request_id = "hang-up-mid-body-test"
    request = analyze_request(b'{"text": "The mayor said', declared=5000)
    request = request.replace(b"\r\n\r\n", f"\r\nX-Request-ID: {request_id}\r\n\r\n".encode(), 1)
    with connect(server) as sock:
        sock.sendall(request)
        time.sleep(0.1)  # the app is now waiting for the rest of the body
    deadline = time.monotonic() + SLACK_S
    while not _disconnect_lines(caplog, request_id) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert [r.levelno for r in _disconnect_lines(caplog, request_id)] == [logging.INFO]
    assert analyze_requests("499") >= closed + 1
    assert analyze_requests("500") == failed
    assert not any(r.exc_info for r in caplog.records)


def _disconnect_lines(caplog: pytest.LogCaptureFixture, request_id: str) -> list[logging.LogRecord]:
    return [
        r
        for r in caplog.records
        if "disconnected" in r.getMessage() and request_id in r.getMessage()
    ]


def analyze_requests(status: str) -> float:
    return metric("stancewire_http_requests_total", route="/v1/analyze", status=status)


def test_connections_beyond_the_cap_get_a_503(server: tuple[str, int]) -> None:
    held = [connect(server) for _ in range(MAX_CONNECTIONS)]
    try:
        time.sleep(0.1)
        with connect(server) as extra:
            response, body = read_response(extra)
            problem = assert_problem(response, body, 503, "overloaded")
            assert response.getheader("retry-after") == "1" and problem["retry_after"] == 1
    finally:
        for sock in held:
            sock.close()


def test_stancewire_serve_runs_the_guarded_server(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    import api.server
    from api.cli import app as cli

    started: list[uvicorn.Server] = []
    monkeypatch.setattr(api.server.uvicorn.Server, "run", lambda self: started.append(self))
    monkeypatch.setenv("STANCEWIRE_HEADER_TIMEOUT_S", "7")
    monkeypatch.setenv("STANCEWIRE_KEEPALIVE_TIMEOUT_S", "3")
    monkeypatch.setenv("STANCEWIRE_GC_THRESHOLD", "2500")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["serve", "--port", "8123"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    (server,) = started
    # Once started, it tunes the collector with the setting (api/heap.py, issue 18).
    assert isinstance(server, SettledServer) and server.gc_threshold == 2500
    config = server.config
    assert config.port == 8123 and config.timeout_keep_alive == 3
    assert isinstance(config.http, type) and issubclass(config.http, GuardedHttpToolsProtocol)
    assert config.http.limits.header_timeout_s == 7
    # The fast loop by name (issue 18), not uvicorn's "auto": the production command says
    # what it runs. uvloop is installed with uvicorn[standard].
    assert config.loop == "uvloop"

"""Tests cannot reach the network (pyproject's pytest addopts): only loopback is allowed."""

from __future__ import annotations

import socket

import pytest
from pytest_socket import SocketConnectBlockedError


def test_a_connection_off_the_machine_is_blocked() -> None:
    with pytest.raises(SocketConnectBlockedError), socket.socket() as sock:
        sock.connect(("192.0.2.1", 80))  # TEST-NET-1: never routed anyway


def test_loopback_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=1):
            pass

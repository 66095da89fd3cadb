"""The Redis fixture starts a real server that answers and hands out empty databases."""

from __future__ import annotations

from tests.redis_server import _command


def test_redis_server_answers_ping(redis_server: int) -> None:
    assert _command(redis_server, "PING").startswith(b"+PONG")


def test_each_test_gets_its_own_database(redis_url: str, redis_server: int) -> None:
    db = redis_url.rsplit("/", 1)[1]
    assert db.isdigit()
    assert redis_url.startswith(f"redis://127.0.0.1:{redis_server}/")

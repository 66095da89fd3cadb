"""Storage: stored analyses by id (owner only), restarts, retention, `store: false`,
Idempotency-Key, concurrent writers, the engine build in the cache key, older schema
versions, and the `stancewire cache` commands; on SQLite and on a real Redis."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import api.pipeline.cache as cache_module
from api.analyses import request_hash
from api.cli import app as cli
from api.config import get_settings
from api.errors import UpstreamUnavailable
from api.storage import IdempotencyEntry, StoredAnalysis
from api.storage.base import PENDING
from api.storage.sqlite_store import SqliteStore
from schemas.request import AnalyzeRequest
from tests.production.conftest import AppFactory, bearer, store_of


def _analyze(client: Any, text: str, **extra: Any) -> Any:
    headers = extra.pop("headers", {})
    return client.post("/v1/analyze", json={"text": text, **extra}, headers=headers)


def _model_calls(client: Any) -> int:
    return len(client.app.state.analyzer.client.requests)


@pytest.fixture(params=["sqlite", "redis"])
def backend(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Settings naming each backend: SQLite in the test's directory, or the test Redis."""
    if request.param == "redis":
        return {"redis_url": request.getfixturevalue("redis_url")}
    return {}


def test_a_stored_analysis_is_fetched_by_id_as_answered(
    make_app: AppFactory, seed_text: str, backend: dict[str, Any]
) -> None:
    client = make_app(**backend)
    answered = _analyze(client, seed_text).json()
    fetched = client.get(f"/v1/analyses/{answered['id']}")
    assert fetched.status_code == 200 and fetched.json() == answered
    assert fetched.headers["stancewire-schema-version"] == answered["meta"]["schema_version"]
    assert answered["meta"]["engine_build"]


def test_only_the_owner_key_reads_or_deletes(
    make_app: AppFactory, seed_text: str, backend: dict[str, Any]
) -> None:
    client = make_app(auth=True, **backend)
    owner, other = bearer(store_of(client), "cms"), bearer(store_of(client), "desk")
    analysis_id = _analyze(client, seed_text, headers=owner).json()["id"]
    path = f"/v1/analyses/{analysis_id}"
    assert client.get(path, headers=other).status_code == 404
    assert client.delete(path, headers=other).status_code == 404
    assert client.get(path, headers=owner).status_code == 200
    assert client.delete(path, headers=owner).status_code == 204
    gone = client.get(path, headers=owner)
    assert gone.status_code == 404 and gone.json()["code"] == "not_found"


def test_results_survive_a_restart(make_app: AppFactory, seed_text: str, tmp_path: Path) -> None:
    first = make_app(data_dir=tmp_path)
    answered = _analyze(first, seed_text).json()
    first.__exit__(None, None, None)  # the process stops; the SQLite file stays
    second = make_app(data_dir=tmp_path)
    assert second.get(f"/v1/analyses/{answered['id']}").json() == answered
    again = _analyze(second, seed_text).json()
    assert again["meta"]["cache_hit"] is True and _model_calls(second) == 0


def test_two_replicas_share_cache_and_analyses_through_redis(
    make_app: AppFactory, seed_text: str, redis_url: str
) -> None:
    one, two = make_app(redis_url=redis_url), make_app(redis_url=redis_url)
    answered = _analyze(one, seed_text).json()
    assert two.get(f"/v1/analyses/{answered['id']}").json() == answered
    assert _analyze(two, seed_text).json()["meta"]["cache_hit"] is True
    assert _model_calls(one) == 1 and _model_calls(two) == 0


def test_store_false_leaves_no_copy_anywhere(
    make_app: AppFactory, seed_text: str, backend: dict[str, Any]
) -> None:
    client = make_app(**backend)
    headers = {"Idempotency-Key": "embargo-1"}
    first = _analyze(client, seed_text, store=False, headers=headers).json()
    second = _analyze(client, seed_text, store=False, headers=headers).json()
    assert first["id"] != second["id"] and not second["meta"]["cache_hit"]
    assert _model_calls(client) == 2
    assert client.get(f"/v1/analyses/{first['id']}").status_code == 404
    store = store_of(client)
    assert store.cache_stats().entries == 0
    assert store.get_idempotent("anonymous", "embargo-1") is None


def test_retention_expires_stored_analyses(make_app: AppFactory, seed_text: str) -> None:
    client = make_app(retention_days=0.5 / 86_400)  # half a second
    analysis_id = _analyze(client, seed_text).json()["id"]
    assert client.get(f"/v1/analyses/{analysis_id}").status_code == 200
    time.sleep(0.6)
    assert client.get(f"/v1/analyses/{analysis_id}").status_code == 404
    assert store_of(client).purge_expired() == 1


def test_idempotent_retries_get_the_same_stored_analysis(
    make_app: AppFactory, seed_text: str, backend: dict[str, Any]
) -> None:
    client = make_app(cache_size=0, **backend)
    headers = {"Idempotency-Key": "cms-article-77"}
    first = _analyze(client, seed_text, headers=headers)
    retried = _analyze(client, seed_text, headers=headers)
    assert retried.json() == first.json() and _model_calls(client) == 1
    assert retried.headers["idempotent-replayed"] == "true"
    other_body = _analyze(client, seed_text + " More.", headers=headers)
    assert other_body.status_code == 422 and other_body.json()["code"] == "idempotency_key_reused"
    fresh = _analyze(client, seed_text, headers={"Idempotency-Key": "cms-article-78"})
    assert fresh.json()["id"] != first.json()["id"]


def test_another_engine_build_does_not_get_the_cached_answer(
    make_app: AppFactory, seed_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_app()
    assert not _analyze(client, seed_text).json()["meta"]["cache_hit"]
    assert _analyze(client, seed_text).json()["meta"]["cache_hit"]
    monkeypatch.setattr(cache_module, "engine_build", lambda: "retrained-model")
    assert not _analyze(client, seed_text).json()["meta"]["cache_hit"]
    assert _model_calls(client) == 2


def test_an_analysis_of_an_older_schema_version_is_read_as_stored(make_app: AppFactory) -> None:
    client = make_app()
    old = {"id": "ab" * 16, "summary": "v1 shape", "meta": {"schema_version": "1.0"}}
    record = StoredAnalysis("ab" * 16, "anonymous", "1.0", json.dumps(old), "{}")
    store_of(client).put_analysis(record)
    response = client.get(f"/v1/analyses/{'ab' * 16}")
    assert response.status_code == 200 and response.json() == old
    assert response.headers["stancewire-schema-version"] == "1.0"


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    """Four writers, each with its own connection to one file (as four processes would)."""

    def write(worker: int) -> None:
        store = SqliteStore(tmp_path / "shared.db")
        for i in range(40):
            record = StoredAnalysis(f"{worker:02d}{i:030d}", "cms", "2.0", "{}", "{}")
            store.put_analysis(record)
            store.cache_put(f"{worker}-{i}", "{}", 60, 10_000)
        store.close()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store = SqliteStore(tmp_path / "shared.db")
    assert store.cache_stats().entries == 160
    assert all(store.get_analysis(f"{w:02d}{39:030d}") for w in range(4))


def test_cache_commands_report_and_clear(
    make_app: AppFactory, seed_text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_app(data_dir=tmp_path)
    _analyze(client, seed_text)
    _analyze(client, seed_text)
    monkeypatch.setenv("STANCEWIRE_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        stats = json.loads(CliRunner().invoke(cli, ["cache", "stats"]).stdout)
        cleared = CliRunner().invoke(cli, ["cache", "clear"])
        after = json.loads(CliRunner().invoke(cli, ["cache", "stats"]).stdout)
    finally:
        get_settings.cache_clear()
    assert (stats["backend"], stats["entries"], stats["hits"], stats["misses"]) == (
        "sqlite",
        1,
        1,
        1,
    )
    assert stats["engine_build"] and "spacy_model" in stats["build_parts"]
    assert cleared.exit_code == 0 and after["entries"] == 0
    assert not _analyze(client, seed_text).json()["meta"]["cache_hit"]


def test_an_overlong_idempotency_key_is_422(make_app: AppFactory, seed_text: str) -> None:
    client = make_app()
    response = _analyze(client, seed_text, headers={"Idempotency-Key": "k" * 256})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


def test_batch_items_are_stored_unless_they_say_store_false(
    make_app: AppFactory, seed_text: str
) -> None:
    client = make_app(cache_size=0)
    items = [{"text": seed_text}, {"text": seed_text, "store": False}]
    kept, embargoed = client.post("/v1/analyze/batch", json={"items": items}).json()["items"]
    assert client.get(f"/v1/analyses/{kept['analysis']['id']}").status_code == 200
    assert client.get(f"/v1/analyses/{embargoed['analysis']['id']}").status_code == 404


def test_a_retry_while_the_first_request_runs_is_409(
    make_app: AppFactory, seed_text: str, backend: dict[str, Any]
) -> None:
    client = make_app(**backend)
    headers = {"Idempotency-Key": "cms-article-90"}
    body = AnalyzeRequest(text=seed_text)
    pending = IdempotencyEntry(PENDING, request_hash(body))
    assert store_of(client).claim_idempotent("anonymous", "cms-article-90", pending, 60) is None
    response = _analyze(client, seed_text, headers=headers)
    assert response.status_code == 409 and response.json()["code"] == "idempotency_in_progress"
    assert response.headers["retry-after"] == "1" and _model_calls(client) == 0


def test_a_failed_request_frees_its_idempotency_key(
    make_app: AppFactory, seed_text: str, backend: dict[str, Any]
) -> None:
    client = make_app(**backend)
    client.app.state.analyzer.client.replies.insert(0, UpstreamUnavailable("down", retry_after=1))
    headers = {"Idempotency-Key": "cms-article-91"}
    assert _analyze(client, seed_text, headers=headers).status_code == 503
    retried = _analyze(client, seed_text, headers=headers)
    assert retried.status_code == 200 and "idempotent-replayed" not in retried.headers
    assert _analyze(client, seed_text, headers=headers).json() == retried.json()


def test_stores_opening_a_new_file_at_once_all_open(tmp_path: Path) -> None:
    """Regression (seen in CI): connections racing to switch a new file to WAL got
    "database is locked" at once (6-11 of 100 rounds of 8 openers failed before the fix)."""
    failures: list[str] = []
    for round_ in range(60):
        path = tmp_path / f"new-{round_}.db"
        start = threading.Barrier(8)

        def open_store(path: Path = path, start: threading.Barrier = start) -> None:
            start.wait()
            try:
                SqliteStore(path).close()
            except sqlite3.OperationalError as exc:
                failures.append(str(exc))

        threads = [threading.Thread(target=open_store) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []


def test_a_stored_copy_is_written_on_the_loop_unless_it_would_wait(
    make_app: AppFactory, seed_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite: no thread hop for the write (issue 18); while another connection holds the
    write lock, the copy goes to a thread that waits for it, and is kept all the same."""
    import asyncio

    from api import analyses

    client = make_app(cache_size=0)  # no cache write waiting for the lock first
    hops: list[Any] = []
    to_thread = asyncio.to_thread

    async def counted(fn: Any, *args: Any) -> Any:
        if fn is analyses.keep:
            hops.append(fn)
        return await to_thread(fn, *args)

    monkeypatch.setattr(asyncio, "to_thread", counted)
    first = _analyze(client, seed_text)
    assert first.status_code == 200 and hops == []
    assert client.get(f"/v1/analyses/{first.json()['id']}").json() == first.json()
    batch = client.post("/v1/analyze/batch", json={"items": [{"text": seed_text + " Too."}]})
    stored = client.get(f"/v1/analyses/{batch.json()['items'][0]['analysis']['id']}")
    assert stored.json() == batch.json()["items"][0]["analysis"] and hops == []

    store = store_of(client)
    assert isinstance(store, SqliteStore)
    other = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another process writing
    threading.Timer(0.3, lambda: other.execute("COMMIT")).start()
    second = _analyze(client, seed_text + " Another sentence here.")
    assert second.status_code == 200 and len(hops) == 1
    assert client.get(f"/v1/analyses/{second.json()['id']}").json() == second.json()
    other.close()


def test_every_hundredth_nowait_write_waits_in_a_thread(tmp_path: Path) -> None:
    """The loop's connection never checkpoints the WAL nor purges: a write in a thread does."""
    store = SqliteStore(tmp_path / "x.db")
    written = [store.put_analysis_nowait(StoredAnalysis(f"{i:032d}", "cms", "2.0", "{}", "{}"))
               for i in range(200)]  # fmt: skip
    assert [i for i, done in enumerate(written) if not done] == [99, 199]
    assert store.get_analysis(f"{98:032d}") and store.get_analysis(f"{99:032d}") is None


@pytest.mark.parametrize("write", ["put_analysis", "put_analysis_nowait"])
def test_each_field_of_a_stored_analysis_reads_back_as_written(tmp_path: Path, write: str) -> None:
    """The row is the record's fields in their order (not astuple's deep copy, issue 18)."""
    store = SqliteStore(tmp_path / "x.db")
    record = StoredAnalysis("a" * 32, "cms", "2.0", '{"a": 1}', '{"text": "t"}', 5.0, 4e12)
    getattr(store, write)(record)
    assert store.get_analysis(record.id) == record

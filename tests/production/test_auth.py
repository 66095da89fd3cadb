"""API keys: off by default, 401/403 as problem+json, scopes, hash-only storage, production
refusing to start without a key, and the `stancewire keys` commands."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.app import create_app
from api.auth import KEY_PREFIX
from api.cli import app as cli
from api.config import Settings, get_settings
from api.errors import ConfigurationError
from api.storage import open_store
from tests.production.conftest import AppFactory, bearer, scripted_settings, store_of


def test_keys_are_off_by_default(make_app: AppFactory, seed_text: str) -> None:
    client = make_app()
    assert client.post("/v1/analyze", json={"text": seed_text}).status_code == 200
    assert client.get("/metrics").status_code == 200


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer sw_not-a-key", "Basic dXNlcjpwYXNz", "sw_the-key-without-scheme"],
)
def test_missing_or_wrong_key_is_401_problem(
    make_app: AppFactory, seed_text: str, authorization: str | None
) -> None:
    client = make_app(auth=True)
    bearer(store_of(client), "cms")
    headers = {"Authorization": authorization} if authorization else {}
    response = client.post("/v1/analyze", json={"text": seed_text}, headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "unauthorized"
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_a_key_works_only_for_its_scopes(make_app: AppFactory, seed_text: str) -> None:
    client = make_app(auth=True)
    store = store_of(client)
    analyst, jobs_only, admin = (
        bearer(store, "cms", "analyze"),
        bearer(store, "batch", "jobs"),
        bearer(store, "ops", "admin"),
    )
    assert client.post("/v1/analyze", json={"text": seed_text}, headers=analyst).status_code == 200
    refused = client.post("/v1/analyze", json={"text": seed_text}, headers=jobs_only)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert "'batch'" in refused.json()["detail"]
    # /metrics needs admin once keys are on
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers=analyst).status_code == 403
    assert client.get("/metrics", headers=admin).status_code == 200
    # health checks stay open for load balancers
    assert client.get("/healthz").status_code == 200


def test_only_the_hash_of_a_key_is_stored(tmp_path: Path) -> None:
    settings = scripted_settings(data_dir=tmp_path)
    store = open_store(settings)
    key = bearer(store, "cms")["Authorization"].removeprefix("Bearer ")
    store.close()
    assert key.startswith(KEY_PREFIX) and len(key) > 40
    database = (tmp_path / "stancewire.db").read_bytes()
    assert key.encode() not in database
    assert hashlib.sha256(key.encode()).hexdigest().encode() in database


def test_production_refuses_to_start_without_keys(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, env="production", data_dir=tmp_path)
    assert settings.auth_enabled
    with pytest.raises(ConfigurationError, match="keys create"):
        create_app(settings)
    store = open_store(settings)
    bearer(store, "cms")
    assert create_app(settings, store=store).state.settings.auth_enabled


def test_serve_in_production_without_keys_says_how_to_fix_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("STANCEWIRE_ENV", "production")
    monkeypatch.setenv("STANCEWIRE_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["serve"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "configuration_error" in result.output and "keys create" in result.output


def test_keys_commands_create_list_revoke(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seed_text: str, make_app: AppFactory
) -> None:
    monkeypatch.setenv("STANCEWIRE_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        created = runner.invoke(cli, ["keys", "create", "cms", "--scope", "analyze"])
        listed = runner.invoke(cli, ["keys", "list"])
        key = created.stdout.strip().splitlines()[-1]
        client = make_app(auth=True, data_dir=tmp_path)
        headers = {"Authorization": f"Bearer {key}"}
        ok = client.post("/v1/analyze", json={"text": seed_text}, headers=headers)
        revoked = runner.invoke(cli, ["keys", "revoke", "cms"])
        after = client.post("/v1/analyze", json={"text": seed_text}, headers=headers)
        duplicate = runner.invoke(cli, ["keys", "create", "ops", "--scope", "nope"])
    finally:
        get_settings.cache_clear()
    assert created.exit_code == 0 and key.startswith(KEY_PREFIX)
    assert listed.stdout.startswith("cms\tanalyze") and key not in listed.stdout
    assert ok.status_code == 200 and revoked.exit_code == 0
    assert after.status_code == 401
    assert duplicate.exit_code == 2


def test_keys_in_redis_are_seen_by_every_replica(
    make_app: AppFactory, seed_text: str, redis_url: str
) -> None:
    one, two = make_app(auth=True, redis_url=redis_url), make_app(auth=True, redis_url=redis_url)
    headers = bearer(store_of(one), "cms")
    assert two.post("/v1/analyze", json={"text": seed_text}, headers=headers).status_code == 200
    assert store_of(two).revoke_key("cms")
    refused = one.post("/v1/analyze", json={"text": seed_text}, headers=headers)
    assert refused.status_code == 401


def test_compare_needs_a_key_when_keys_are_on(make_app: AppFactory, seed_text: str) -> None:
    """POST /v1/compare was open with keys on (anyone could spend the service's model)."""
    client = make_app(auth=True)
    body = {"articles": [{"text": seed_text}] * 2, "model": "builtin/rules-en"}
    refused = client.post("/v1/compare", json=body)
    assert refused.status_code == 401 and refused.json()["code"] == "unauthorized"
    analyst = bearer(store_of(client), "desk", "analyze")
    assert client.post("/v1/compare", json=body, headers=analyst).status_code == 200

"""Apps with keys, limits and storage for the production tests: a scripted model (fast, no
network) and the storage the settings name (SQLite in the test's own directory, or Redis)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import create_key
from api.compose import make_analyzer
from api.config import Settings
from api.pipeline.cache import AnalysisCache
from api.storage import Store, open_store
from tests.fakes import ScriptedClient

MODEL = "openai/scripted"
AppFactory = Callable[..., TestClient]


def scripted_settings(**changes: Any) -> Settings:
    return Settings(_env_file=None, default_model=MODEL, models=[MODEL], **changes)


@pytest.fixture
def make_app(seed_contract: dict[str, Any]) -> Iterator[AppFactory]:
    """make_app(**settings) -> a started TestClient; its store is `client.app.state.store`."""
    clients: list[TestClient] = []

    def make(**changes: Any) -> TestClient:
        settings = scripted_settings(**changes)
        store = open_store(settings)
        cache = AnalysisCache(settings.cache_size, settings.cache_ttl_s, store)
        analyzer = make_analyzer(settings, client=ScriptedClient(seed_contract), cache=cache)
        client = TestClient(create_app(settings, analyzer, store))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def store_of(client: TestClient) -> Store:
    store: Store = client.app.state.store  # type: ignore[attr-defined]
    return store


def bearer(store: Store, name: str, *scopes: str, **limits: Any) -> dict[str, str]:
    key = create_key(store, name, list(scopes or ("analyze",)), **limits)
    return {"Authorization": f"Bearer {key}"}

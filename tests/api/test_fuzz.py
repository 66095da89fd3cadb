"""Schemathesis fuzzing of the OpenAPI spec: no input the spec admits (or nearly admits)
may produce a 500, and every error must be problem+json."""

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from api.app import create_app
from api.config import Settings
from api.pipeline.analyze import Analyzer
from tests.conftest import SEED_CONTRACT
from tests.fakes import ScriptedClient

_settings = Settings(
    default_model="openai/scripted", models=["openai/scripted"], cache_size=0, _env_file=None
)
app = create_app(_settings, Analyzer(_settings, client=ScriptedClient(SEED_CONTRACT)))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.filterwarnings("ignore")
def test_no_server_errors(case: Any) -> None:
    response = case.call()
    assert response.status_code < 500 or response.status_code in {502, 503, 504}, response.text
    if response.status_code >= 400:
        content_type = response.headers["content-type"]  # schemathesis gives header lists
        assert "application/problem+json" in content_type

"""Shared fixtures. No test touches the network: model HTTP is mocked with respx."""

from __future__ import annotations

import copy
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

# Apps built by tests run the built-in engine in a thread unless a test asks for the
# process pool (tests/api/test_bounded_work.py): a pool per test app would start spaCy in
# two more processes each time.
os.environ.setdefault("STANCEWIRE_ENGINE_PROCESSES", "0")
# Apps built by tests keep their SQLite storage (cache, analyses, keys) out of the checkout:
# a directory per session here, and one per test by the autouse fixture below.
os.environ.setdefault("STANCEWIRE_DATA_DIR", tempfile.mkdtemp(prefix="stancewire-tests-"))

from api.config import Settings

pytest_plugins = ["tests.redis_server"]

ROOT = Path(__file__).resolve().parents[1]
SEED_TEXT = (ROOT / "api" / "static" / "examples" / "seed_article.txt").read_text()
SEED_CONTRACT: dict[str, Any] = json.loads(
    (ROOT / "tests" / "data" / "seed_contract.json").read_text()
)
SCRIPTED_MODEL = "openai/scripted"


@pytest.fixture(autouse=True)
def _own_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's apps start with empty storage (no cache or key left by another test)."""
    monkeypatch.setenv("STANCEWIRE_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def seed_text() -> str:
    return SEED_TEXT


@pytest.fixture
def seed_contract() -> dict[str, Any]:
    return copy.deepcopy(SEED_CONTRACT)


@pytest.fixture
def llm_settings() -> Settings:
    """Settings with one scripted LLM as the default and no cache between calls."""
    return Settings(
        default_model=SCRIPTED_MODEL, models=[SCRIPTED_MODEL], cache_size=0, _env_file=None
    )


# -- no silent skips in CI ---------------------------------------------------------------------
# On a CI machine (CI=true, set by .ci/run) every test must run: browser tests skipped because
# Chromium is missing, or Redis tests because no server is up, fail the session instead of
# passing quietly. Only these skips are expected there (data that lives outside the repo):
CI_ALLOWED_SKIPS = ("tests/claimmodel/test_shared_data.py",)
_skipped_in_ci: list[str] = []


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _note_skip(nodeid: str, skipped: bool) -> None:
    if skipped and _in_ci() and not nodeid.startswith(CI_ALLOWED_SKIPS):
        _skipped_in_ci.append(nodeid)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _note_skip(report.nodeid, report.skipped)


def pytest_collectreport(report: pytest.CollectReport) -> None:
    _note_skip(report.nodeid, report.skipped)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _skipped_in_ci:
        listed = "\n  ".join(sorted(set(_skipped_in_ci)))
        print(f"\nCI=true and these tests were skipped (they must run in CI):\n  {listed}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED

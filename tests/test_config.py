import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from api.config import BUILTIN_MODEL, Settings

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_in_env_example() -> None:
    listed = set(
        re.findall(r"^(STANCEWIRE_[A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)
    )
    expected = {f"STANCEWIRE_{name.upper()}" for name in Settings.model_fields}
    assert expected - listed == set(), "add these to .env.example"
    assert listed - expected == set(), "these are not settings any more"


def test_env_example_parses_as_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.startswith("STANCEWIRE_") and "=" in line:
            name, value = line.split("=", 1)
            if value:
                monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)
    assert settings.default_model == BUILTIN_MODEL


def test_placeholder_key_is_rejected() -> None:
    with pytest.raises(ValidationError, match="placeholder"):
        Settings(api_key="changeme", _env_file=None)


def test_default_and_builtin_are_always_allowed() -> None:
    settings = Settings(default_model="openai/gpt-4o-mini", models=["x/y"], _env_file=None)
    assert settings.models == ["openai/gpt-4o-mini", BUILTIN_MODEL, "x/y"]
    assert not settings.is_allowed("openai/gpt-4o")


@pytest.mark.parametrize(("given", "expected"), [("auto", None), ("", None), ("0", 0), ("3", 3)])
def test_engine_processes_auto_means_one_per_core(given: str, expected: int | None) -> None:
    assert Settings(engine_processes=given, _env_file=None).engine_processes == expected


def test_the_env_example_loads_as_settings() -> None:
    Settings(_env_file=ROOT / ".env.example")

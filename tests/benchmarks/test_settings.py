"""The benchmark switches stancewire through Settings fields: a name that is not one would be
ignored by pydantic-settings and the phase would silently measure the default."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.config import Settings
from benchmarks.apps import as_environment, stancewire_settings
from benchmarks.run import Config, check_settings, endpoints


def _settings(endpoint_settings: dict[str, object]) -> Settings:
    """What `stancewire serve` builds from the environment the runner gives it."""
    env = as_environment(stancewire_settings("http://127.0.0.1:9/v1", endpoint_settings))
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.items():
            mp.setenv(name, value)
        return Settings(_env_file=None)


def test_the_cross_check_phases_really_switch_it(tmp_path: Path) -> None:
    chosen, capture = endpoints(Config(out_dir=tmp_path))
    by_key = {e.key: e for e in chosen}

    assert _settings(by_key["stancewire"].settings).cross_check is False
    assert _settings(by_key["stancewire_xc"].settings).cross_check is True
    assert _settings(capture.settings).cross_check is False


def test_a_setting_that_is_not_a_field_fails_loudly(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="llm_cross_check"):
        endpoints(Config(out_dir=tmp_path, cross_check_setting="llm_cross_check"))
    with pytest.raises(ValueError, match="cache_sise"):
        check_settings(["cache_size", "cache_sise"])

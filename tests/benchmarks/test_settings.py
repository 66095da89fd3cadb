"""The benchmark's configuration: stancewire is switched through Settings fields (a name that
is not one would be ignored by pydantic-settings and the phase would silently measure the
default), and `--cli-runs 0` skips the CLI timing."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.config import Settings
from benchmarks import run as run_module
from benchmarks.apps import as_environment, stancewire_settings
from benchmarks.run import Config, check_settings, cli_timing, endpoints


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


def test_cli_runs_zero_skips_the_cli_timing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """hyperfine reads `--runs 0` as no bound: the run never ended."""
    timed: list[int] = []
    monkeypatch.setattr(run_module, "measure_cli", lambda runs: timed.append(runs) or {})

    assert cli_timing(Config(out_dir=tmp_path, cli_runs=0)) is None
    assert cli_timing(Config(out_dir=tmp_path, cli_runs=3)) == {}
    assert timed == [3]

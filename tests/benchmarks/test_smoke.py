"""The HTTP benchmark's short version: real servers, real wrk, a few seconds of load.

It asserts only what must hold on any machine — every endpoint answered 200, stancewire
never re-asked, the results render — and never a timing. The golden cases' articles feed
it, so it does not need the shared data folder.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from benchmarks.run import run, smoke_config
from benchmarks.summary import passed

pytestmark = [
    pytest.mark.bench,
    pytest.mark.skipif(
        shutil.which("wrk") is None, reason="wrk not installed (make test installs it as root)"
    ),
]


def test_smoke_run_answers_everything_without_repairs(tmp_path: Path) -> None:
    results = run(smoke_config(tmp_path))

    checks = results["summary"]["checks"]
    assert passed(results), checks
    assert checks["upstream_repairs"] == checks["multi_attempt_answers"] == 0
    # Every phase ran. Its count is approximate (a wrk thread that reaches its share ends the
    # phase for all threads), so only "answers, all of them 200" is asserted.
    for endpoint in results["rounds"][0].values():
        assert endpoint["concurrency"]["answered_200"] > 0
        assert endpoint["single"]["answered_200"] > 0
    assert results["tokens"]["articles"] == results["articles"]["count"]

    markdown = (tmp_path / "RESULTS.md").read_text()
    assert "| bare litellm forwarder |" in markdown
    assert "Zero repairs" in markdown
    assert json.loads((tmp_path / "results.json").read_text())["summary"] == results["summary"]

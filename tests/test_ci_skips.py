"""With CI=true a skipped test fails the session (browser without Chromium, Redis without a
server), except the allow-listed skips; locally skips stay skips (and `make test` lists them)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]
_SHARED = (Path(__file__).parent / "conftest.py").read_text(encoding="utf-8")
# The hook itself, as tests/conftest.py defines it (the rest needs the repo's files).
CONFTEST = "import os\nimport pytest\n" + _SHARED[_SHARED.index("# -- no silent skips in CI") :]
SKIPPING = """
import pytest

def test_needs_chromium():
    pytest.skip("Debian chromium is not installed")

def test_runs():
    assert True
"""


@pytest.mark.parametrize(("ci", "status"), [("true", 1), ("", 0)])
def test_a_skip_fails_the_session_only_in_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str, status: int
) -> None:
    monkeypatch.setenv("CI", ci)
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_browser=SKIPPING)
    result = pytester.runpytest("-q", "-p", "no:cacheprovider")
    assert result.ret == status
    if status:
        result.stdout.fnmatch_lines(["*must run in CI*", "*test_browser.py::test_needs_chromium*"])

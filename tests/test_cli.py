"""The command line, on the built-in engine (no model, no key)."""

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from tests.conftest import ROOT, SEED_TEXT

runner = CliRunner()
SEED = ROOT / "api" / "static" / "examples" / "seed_article.txt"


def test_analyze_prints_validated_json() -> None:
    result = runner.invoke(app, ["analyze", str(SEED)])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["meta"]["engine"] == "builtin" and body["meta"]["model"] == "builtin/rules-en"
    for claim in body["claims"]:
        for span in claim["evidence"]:
            assert SEED_TEXT[span["start"] : span["end"]] == span["quote"]


def test_analyze_reads_stdin_and_pretty_prints() -> None:
    result = runner.invoke(app, ["analyze", "-", "--pretty"], input=SEED_TEXT)
    assert result.exit_code == 0, result.output
    assert "Kim Hong-Kyun" in result.stdout and "Stances" in result.stdout


def test_pretty_prints_cited_sentences_with_speech_act_and_confidence() -> None:
    args = ["analyze", "-", "--pretty", "--task", "claims"]
    args += ["--claim", "North Korea sent troops to Russia"]
    result = runner.invoke(app, args, input=SEED_TEXT, env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "[10] denies — The Kremlin earlier denied the reports." in out  # wide: one line
    assert "Confidence" in out and "%" in out and "schema 2.0" in out


def test_caller_claim_and_task_options() -> None:
    result = runner.invoke(
        app,
        ["analyze", str(SEED), "--claim", "China sent warships to Korea", "--task", "claims"],
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    asked = [c for c in body["claims"] if c["source"] == "caller"]
    assert asked[0]["status"] == "not_mentioned" and body["summary"] is None


def test_missing_file_and_bad_task_exit_non_zero(tmp_path: Path) -> None:
    assert runner.invoke(app, ["analyze", str(tmp_path / "nope.txt")]).exit_code != 0
    result = runner.invoke(app, ["analyze", str(SEED), "--task", "poetry"])
    assert result.exit_code == 2 and "tasks" in result.output


def test_schema_command_prints_the_contract() -> None:
    result = runner.invoke(app, ["schema", "contract"])
    assert result.exit_code == 0
    assert "caller_claims" in json.loads(result.stdout)["properties"]


def test_builtin_analysis_never_imports_litellm() -> None:
    """import litellm costs ~5 s: the CLI must not pay it when no model needs it."""
    code = (
        "import sys; from typer.testing import CliRunner; from api.cli import app; "
        f"r = CliRunner().invoke(app, ['analyze', {str(SEED)!r}]); "
        "assert r.exit_code == 0, r.output; "
        "assert 'litellm' not in sys.modules, 'litellm was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)

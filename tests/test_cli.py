"""The command line, on the built-in engine (no model, no key)."""

import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest
import respx
from typer.testing import CliRunner

from api.cli import app
from api.config import Settings, get_settings
from api.llm.keys import missing_key_variables
from tests.conftest import ROOT, SEED_TEXT

runner = CliRunner()
WIDE = {"COLUMNS": "200"}
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


HEAVY = ("litellm", "fastapi", "starlette", "uvicorn", "evals")
# The claim model runs on exported NumPy arrays (issue 18): scikit-learn with SciPy cost
# ~1.3 s to import, its joblib pickle ~1 s to load; they are for training only.
TRAINING_ONLY = ("sklearn", "scipy", "joblib", "threadpoolctl")
CLAIM_MODEL_TRAINING = {
    f"api.builtin.claimmodel.{name}"
    for name in ("learners", "stance", "crossval", "train", "export", "evaluate", "table")
}


def _all_modules_after(args: list[str]) -> set[str]:
    """The modules imported by running `stancewire ARGS` in a fresh process."""
    code = (
        "import json, sys; from typer.testing import CliRunner; from api.cli import app; "
        f"r = CliRunner().invoke(app, {args!r}); "
        "assert r.exit_code == 0, r.output; "
        "print(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True, text=True
    )
    return set(json.loads(done.stdout))


def _modules_after(args: list[str]) -> set[str]:
    """The top-level packages imported by running `stancewire ARGS` in a fresh process."""
    return {m.split(".")[0] for m in _all_modules_after(args)}


def test_builtin_analysis_imports_only_what_it_needs() -> None:
    """import litellm costs ~5 s, the eval suite ~0.25 s, the web app more: `analyze` on the
    built-in engine imports none of them (before issue 18 it imported the eval suite), nor
    the claim model's training code and libraries, nor the language identifier."""
    modules = _all_modules_after(["analyze", str(SEED)])
    imported = {m.split(".")[0] for m in modules}
    assert imported.isdisjoint(HEAVY), imported & set(HEAVY)
    assert imported.isdisjoint(TRAINING_ONLY), imported & set(TRAINING_ONLY)
    assert modules.isdisjoint(CLAIM_MODEL_TRAINING), modules & CLAIM_MODEL_TRAINING
    assert "api.builtin.claimmodel.inference" in modules  # the claim model did run
    assert "py3langid" not in imported  # English prose needs no language model


def test_analyze_freezes_the_heap_for_the_exit() -> None:
    """Issue 18: the interpreter's collections at exit walked every object spaCy and the
    engine made (~0.2 s of ~1.5 s); `analyze` freezes them first, so exit skips that walk.
    The probe is registered before the command runs, so it runs after the command's
    handler (atexit is last in, first out)."""
    code = (
        "import atexit, gc; from typer.testing import CliRunner; from api.cli import app; "
        "atexit.register(lambda: print('frozen', gc.get_freeze_count())); "
        f"r = CliRunner().invoke(app, ['analyze', {str(SEED)!r}]); "
        "assert r.exit_code == 0, r.output"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True, text=True
    )
    frozen = int(done.stdout.split()[-1])
    assert frozen > 50_000, done.stdout  # the pipeline's objects (~120,000), not a handful


def test_analyze_runs_without_the_cyclic_collector_and_turns_it_back_on() -> None:
    """Issue 18: the collector ran ~220 times while `analyze` built its heap (0.13-0.21 s);
    it is off for the command, and on again after it for whoever invoked it (tests)."""
    started: list[int] = []
    thresholds = gc.get_threshold()

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    gc.callbacks.append(count)
    try:
        result = runner.invoke(app, ["analyze", str(SEED)])
    finally:
        gc.callbacks.remove(count)
    assert result.exit_code == 0, result.output
    # Before: 186 here (spaCy's load and the analysis). Typer's option parsing, before the command
    # runs, may start one.
    assert len(started) <= 1, started
    assert gc.get_threshold() == thresholds and gc.isenabled()


def test_help_lists_every_command_without_importing_them() -> None:
    imported = _modules_after(["--help"])
    assert imported.isdisjoint(HEAVY), imported & set(HEAVY)
    result = runner.invoke(app, ["--help"], env=WIDE)
    for name in ("analyze", "serve", "eval", "keys", "cache", "feedback", "worker", "batch"):
        assert f"│ {name} " in result.stdout


def test_lazy_commands_run_when_asked() -> None:
    result = runner.invoke(app, ["eval", "dataset", "--help"], env=WIDE)
    assert result.exit_code == 0 and "fnc1" in result.stdout, result.output
    result = runner.invoke(app, ["worker", "--help"], env=WIDE)
    assert result.exit_code == 0 and "--engine" in result.stdout, result.output


# -- a CLI without surprises (issue 17) ---------------------------------------------------------


def test_missing_provider_key_is_named_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: no request could succeed, yet the CLI retried for 11.8 s and then said
    `upstream_unavailable`. Now: no request at all, and the variable to set is named."""
    for name in ("OPENAI_API_KEY", "STANCEWIRE_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    with respx.mock(assert_all_mocked=True) as router:  # any HTTP call would raise
        result = runner.invoke(app, ["analyze", str(SEED), "--model", "openai/gpt-4o-mini"])
    get_settings.cache_clear()
    assert result.exit_code == 2
    assert "error (missing_api_key): no API key for openai" in result.output
    assert "set OPENAI_API_KEY" in " ".join(result.output.split())
    assert "upstream_unavailable" not in result.output
    assert router.calls.call_count == 0


def test_key_check_counts_keys_only_and_settings_key() -> None:
    bare = Settings(_env_file=None)
    with pytest.MonkeyPatch.context() as env:
        env.delenv("OPENAI_API_KEY", raising=False)
        assert missing_key_variables("openai/gpt-4o-mini", bare) == ["OPENAI_API_KEY"]
        keyed = Settings(api_key="sk-test-not-a-placeholder-1234", _env_file=None)
        assert missing_key_variables("openai/gpt-4o-mini", keyed) == []
        env.setenv("OPENAI_API_KEY", "sk-test")
        assert missing_key_variables("openai/gpt-4o-mini", bare) == []
    # Ollama's missing OLLAMA_API_BASE is not a key: its default server may be running.
    assert missing_key_variables("ollama/llama3", bare) == []
    assert missing_key_variables("local/smollm2-135m", bare) == []


def test_empty_standard_input_is_a_plain_error() -> None:
    result = runner.invoke(app, ["analyze", "-"], input="")
    assert result.exit_code == 2
    out = " ".join(result.output.split())
    assert "error (empty_text): standard input is empty" in out
    assert "pydantic" not in out and "http" not in out


def test_invalid_input_reads_without_pydantic_urls() -> None:
    result = runner.invoke(app, ["analyze", str(SEED), "--claim", "x" * 600])
    assert result.exit_code == 2
    out = " ".join(result.output.split())
    assert out.startswith("error (validation_error): claims")
    assert "errors.pydantic.dev" not in out and "Traceback" not in out


def test_pretty_footer_of_the_builtin_engine_has_no_placeholders() -> None:
    result = runner.invoke(app, ["analyze", "-", "--pretty"], input=SEED_TEXT, env=WIDE)
    assert result.exit_code == 0, result.output
    footer = result.stdout.strip().splitlines()[-1]
    assert footer.startswith("builtin · builtin/rules-en · ")
    assert "prompt" not in footer and "tokens" not in footer and "attempts" not in footer


def test_serve_help_shows_its_defaults() -> None:
    result = runner.invoke(app, ["serve", "--help"], env=WIDE)
    out = " ".join(result.stdout.split())
    assert "[default: 127.0.0.1, or STANCEWIRE_HOST]" in out.replace("(", "").replace(")", "")
    assert "8000, or STANCEWIRE_PORT" in out


def test_pretty_at_80_columns_prints_cited_sentences_below_the_tables() -> None:
    result = runner.invoke(
        app, ["analyze", "-", "--pretty"], input=SEED_TEXT, env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "Evidence" not in result.stdout  # no narrow column
    kremlin = lines.index(next(line for line in lines if line.startswith("S6 · Kremlin · oppose")))
    below = [line.rstrip() for line in lines[kremlin + 1 : kremlin + 4]]  # label may wrap
    assert "  [10] denies — The Kremlin earlier denied the reports." in below


def test_an_html_file_is_analysed_as_its_article_text() -> None:
    page = ROOT / "tests" / "data" / "pages" / "kremlin-denies.html"
    result = runner.invoke(app, ["analyze", str(page)])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["text_source"] == "extracted_from_html"
    assert body["text"].startswith("The Kremlin on Friday denied")
    for claim in body["claims"]:
        for span in claim["evidence"]:
            assert body["text"][span["start"] : span["end"]] == span["quote"]
    pretty = runner.invoke(app, ["analyze", str(page), "--pretty"], env=WIDE)
    assert "· text extracted from HTML ·" in pretty.stdout.strip().splitlines()[-1]

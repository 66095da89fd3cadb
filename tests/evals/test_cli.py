from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.compose import make_analyzer
from api.config import Settings
from evals.case_model import load_cases
from evals.cassettes import CassetteClient
from evals.cli import eval_app
from evals.results import RunFile
from evals.runner import RunOptions, eval_settings, run_cases
from evals.scores import METRICS
from tests.fakes import ScriptedClient

runner = CliRunner()
SEED_CONTRACT = Path(__file__).parents[1] / "data" / "seed_contract.json"
QUALITY = [name for name, info in METRICS.items() if info.kind == "quality"]


@pytest.fixture(scope="module")
def builtin_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("runs") / "builtin.json"
    result = runner.invoke(
        eval_app, ["run", "--cases", "01-*", "--repeat", "2", "--out", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert "pass^2" in result.stdout and "run file:" in result.stdout
    return path


def test_run_writes_a_run_file_on_the_builtin_engine(builtin_run: Path) -> None:
    run = RunFile.load(builtin_run)
    assert run.model == "builtin/rules-en" and run.repeat == 2
    assert [c.case_id for c in run.cases] == ["01-seed-north-korea-troops"]
    assert run.cases[0].trials[0].analysis is not None
    assert run.git_commit and run.aggregates.trials == 2


def test_compare_exit_codes(builtin_run: Path, tmp_path: Path) -> None:
    same = runner.invoke(eval_app, ["compare", str(builtin_run), str(builtin_run)])
    assert same.exit_code == 0, same.output
    worse = RunFile.load(builtin_run)
    worse.aggregates.macro["actor_f1"] = 0.0
    worse_path = worse.save(tmp_path / "worse.json")
    result = runner.invoke(eval_app, ["compare", str(builtin_run), str(worse_path)])
    assert result.exit_code == 1
    assert "macro actor F1" in result.output
    loose = ["compare", str(builtin_run), str(worse_path), "--threshold", "1"]
    assert runner.invoke(eval_app, loose).exit_code == 0


def test_report_writes_html(builtin_run: Path, tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    result = runner.invoke(eval_app, ["report", str(builtin_run), "--html", str(html)])
    assert result.exit_code == 0, result.output
    assert "<svg" in html.read_text(encoding="utf-8")


def test_dataset_emergent_reports_baseline(tmp_path: Path) -> None:
    sample = Path(__file__).parents[2] / "evals" / "datasets" / "emergent_sample.jsonl"
    out = tmp_path / "emergent.json"
    args = ["dataset", "emergent", str(sample), "--limit", "6", "--out", str(out)]
    result = runner.invoke(eval_app, args)
    assert result.exit_code == 0, result.output
    assert "majority baseline" in result.stdout
    assert json.loads(out.read_text(encoding="utf-8"))["scores"]["n"] == 6


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--record", "a", "--replay", "b"], "either --record or --replay"),
        (["run", "--cases", "no-such-case"], "no case matches"),
        (["run", "--model", "openai/x", "--replay", "never-recorded"], "Record one first"),
        (["report", "missing.json"], "cannot read run file"),
    ],
)
def test_usage_errors_are_short_messages(args: list[str], message: str) -> None:
    result = runner.invoke(eval_app, args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_replay_of_a_recorded_llm_run_gives_the_same_scores(tmp_path: Path) -> None:
    contract = json.loads(SEED_CONTRACT.read_text(encoding="utf-8"))
    client = CassetteClient(ScriptedClient(contract), tmp_path / "seed", "record")
    settings = eval_settings("openai/test", Settings(_env_file=None))
    cases = load_cases("01-*")
    analyzer = make_analyzer(settings, client)
    recorded = asyncio.run(run_cases(cases, analyzer, RunOptions(model="openai/test")))
    assert recorded.aggregates.errors == 0

    out = tmp_path / "replayed.json"
    args = ["run", "--model", "openai/test", "--cases", "01-*", "--replay", "seed"]
    args += ["--cassettes-dir", str(tmp_path), "--out", str(out)]
    result = runner.invoke(eval_app, args)
    assert result.exit_code == 0, result.output
    replayed = RunFile.load(out)
    assert replayed.cassette is not None and replayed.cassette.mode == "replay"
    assert [replayed.aggregates.micro[m] for m in QUALITY] == [
        recorded.aggregates.micro[m] for m in QUALITY
    ]
    a, b = recorded.cases[0].trials[0].analysis, replayed.cases[0].trials[0].analysis
    assert a is not None and b is not None
    assert a.model_dump(exclude={"id", "meta"}) == b.model_dump(exclude={"id", "meta"})


def test_run_writes_its_file_under_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(eval_app, ["run", "--cases", "10-*"])
    assert result.exit_code == 0, result.output
    (written,) = (tmp_path / "runs").glob("*.json")
    assert RunFile.load(written).cases[0].case_id == "10-no-actors-meteor-shower"


def test_emergent_defaults_to_the_bundled_sample_and_says_so() -> None:
    result = runner.invoke(eval_app, ["dataset", "emergent", "--help"])
    assert result.exit_code == 0
    assert "emergent_sample.jsonl" in result.output


def test_rescore_writes_the_run_scored_again(tmp_path: Path) -> None:
    committed = Path(__file__).parents[2] / "evals" / "runs" / "answer-key.json"
    out = tmp_path / "rescored.json"
    result = runner.invoke(eval_app, ["rescore", str(committed), "--write", str(out)])
    assert result.exit_code == 0, result.output
    assert "no score changed" in result.output
    assert RunFile.load(out).aggregates == RunFile.load(committed).aggregates

"""`stancewire eval run | compare | report | dataset` — parsing and printing only.

The logic lives in evals.runner, evals.compare, evals.report and evals.datasets.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.errors import StancewireError
from evals.cassettes import CASSETTES_DIR, CassetteMode
from evals.compare import DEFAULT_COST_TOLERANCE, DEFAULT_THRESHOLD, compare_runs
from evals.datasets.claim_commands import register as register_claim_datasets
from evals.datasets.emergent import SAMPLE_PATH, DatasetScores
from evals.progress import progress_bar
from evals.results import CassetteInfo, RunFile
from evals.runner import RunOptions

eval_app = typer.Typer(help="Golden cases, runs, comparisons, reports.", no_args_is_help=True)
dataset_app = typer.Typer(help="Score the service on public datasets.", no_args_is_help=True)
eval_app.add_typer(dataset_app, name="dataset")
register_claim_datasets(dataset_app)  # fnc1, near-miss (the claim model)
out = Console()
err = Console(stderr=True)

ModelOption = Annotated[
    str | None, typer.Option(help="Any litellm or local/ model; default: the configured one.")
]


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[red]error[/]: {message}", soft_wrap=True)
    return typer.Exit(code)


def _model(model: str | None) -> str:
    from api.config import get_settings

    return model or get_settings().default_model


def _cassette(record: str | None, replay: str | None) -> tuple[CassetteMode, str] | None:
    if record and replay:
        raise _fail("use either --record or --replay, not both")
    if record:
        return ("record", record)
    return ("replay", replay) if replay else None


@eval_app.command()
def run(
    model: ModelOption = None,
    cases: Annotated[str, typer.Option(help="Glob over evals/cases/*.yaml stems.")] = "*",
    repeat: Annotated[int, typer.Option(min=1, help="Trials per case; gives pass^k.")] = 1,
    concurrency: Annotated[int, typer.Option(min=1, help="Analyses in flight.")] = 4,
    record: Annotated[
        str | None, typer.Option(help="Record model answers as cassette NAME.")
    ] = None,
    replay: Annotated[str | None, typer.Option(help="Replay cassette NAME, offline.")] = None,
    out_path: Annotated[Path | None, typer.Option("--out", help="Run file path.")] = None,
    cassettes_dir: Annotated[
        Path, typer.Option(help="Where cassettes live.", show_default=False)
    ] = CASSETTES_DIR,
) -> None:
    """Run the golden cases, print the scores and write the run file (default: ./runs/)."""
    from evals.case_model import CaseError, load_cases
    from evals.report import cases_table, summary_table
    from evals.runner import build_analyzer, run_cases

    chosen = _model(model)
    cassette = _cassette(record, replay)
    try:
        golden = load_cases(cases)
        analyzer = build_analyzer(chosen, cassette, cassettes_dir)
    except (CaseError, StancewireError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    if not golden:
        raise _fail(f"no case matches evals/cases/{cases}.yaml")
    info = CassetteInfo(mode=cassette[0], name=cassette[1]) if cassette else None
    options = RunOptions(
        model=chosen, repeat=repeat, concurrency=concurrency, cases_pattern=cases, cassette=info
    )
    with progress_bar() as progress:
        task = progress.add_task(f"{chosen}", total=len(golden) * repeat)
        result = asyncio.run(
            run_cases(golden, analyzer, options, lambda *_: progress.advance(task))
        )
    out.print(summary_table(result))
    out.print(cases_table(result))
    # Under the working directory, never inside an installed package or another checkout.
    path = result.save(out_path or Path.cwd() / "runs" / f"{result.name}.json")
    out.print(f"run file: {path}")


def _load_run(path: Path) -> RunFile:
    try:
        return RunFile.load(path)
    except (OSError, ValueError) as exc:
        raise _fail(f"cannot read run file {path}: {exc}") from exc


@eval_app.command()
def compare(
    run_a: Annotated[Path, typer.Argument(help="Baseline run file.")],
    run_b: Annotated[Path, typer.Argument(help="Candidate run file.")],
    threshold: Annotated[
        float, typer.Option(min=0.0, help="Largest tolerated drop of a quality metric (0-1).")
    ] = DEFAULT_THRESHOLD,
    cost_tolerance: Annotated[
        float,
        typer.Option(min=0.0, help="Relative cost change (latency, tokens) reported as noise."),
    ] = DEFAULT_COST_TOLERANCE,
) -> None:
    """Score changes per case and metric (exit 1 on a regression beyond the threshold);
    latency and other costs listed apart, never gated."""
    from evals.report import comparison_tables

    comparison = compare_runs(_load_run(run_a), _load_run(run_b), threshold, cost_tolerance)
    for table in comparison_tables(comparison):
        out.print(table)
    if comparison.failed:
        err.print("[red]regressions[/]:\n  " + "\n  ".join(comparison.regressions))
        raise typer.Exit(1)
    out.print("[green]no regression beyond the threshold[/]")


@eval_app.command()
def rescore(
    run_file: Annotated[Path, typer.Argument(help="Run file whose recorded answers to rescore.")],
    write: Annotated[
        Path | None, typer.Option(help="Save the rescored run here (may be RUN_FILE itself).")
    ] = None,
) -> None:
    """Score a run's recorded answers again with today's cases and pass rule (no model)."""
    from evals.case_model import CaseError
    from evals.report import comparison_tables
    from evals.rescore import rescore_run

    recorded = _load_run(run_file)
    try:
        rescored = rescore_run(recorded)
    except CaseError as exc:
        raise _fail(str(exc)) from exc
    for table in comparison_tables(compare_runs(recorded, rescored)):
        out.print(table)
    if write is not None:
        out.print(f"run file: {rescored.save(write)}")


@eval_app.command()
def report(
    run_file: Annotated[Path, typer.Argument(help="Run file.")],
    html: Annotated[Path | None, typer.Option(help="Also write an HTML report here.")] = None,
) -> None:
    """Print a run's tables; with --html, write a self-contained page with charts."""
    from evals.report import cases_table, summary_table, write_html

    result = _load_run(run_file)
    out.print(summary_table(result))
    out.print(cases_table(result))
    if html is not None:
        out.print(f"HTML report: {write_html(result, html)}")


@dataset_app.command("emergent")
def emergent(
    path: Annotated[
        Path,
        typer.Argument(
            help="Emergent JSONL; default: the bundled evals/datasets/emergent_sample.jsonl.",
            show_default=False,
        ),
    ] = SAMPLE_PATH,
    model: ModelOption = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Rows, sampled by label.")] = None,
    seed: Annotated[int, typer.Option(help="Sampling seed.")] = 0,
    concurrency: Annotated[int, typer.Option(min=1, help="Analyses in flight.")] = 4,
    out_path: Annotated[Path | None, typer.Option("--out", help="Write results JSON.")] = None,
) -> None:
    """Claim status per headline against the Emergent labels, next to the majority baseline."""
    from evals.datasets.emergent import load_rows, run_emergent, stratified_sample
    from evals.runner import build_analyzer

    chosen = _model(model)
    err.print(f"rows from {path}")
    try:
        rows = load_rows(path)
    except (OSError, ValueError) as exc:
        raise _fail(f"cannot read {path}: {exc}") from exc
    if limit is not None:
        rows = stratified_sample(rows, limit, seed)
    analyzer = build_analyzer(chosen)
    with progress_bar() as progress:
        task = progress.add_task(f"emergent · {chosen}", total=len(rows))
        result = asyncio.run(
            run_emergent(
                rows, analyzer, chosen, str(path), concurrency, lambda _: progress.advance(task)
            )
        )
    out.print(_dataset_table(result.scores, chosen))
    if out_path is not None:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(result.model_dump_json(indent=2) + "\n", encoding="utf-8")
        out.print(f"results: {out_path}")


def _dataset_table(scores: DatasetScores, model: str) -> Table:
    def f(value: float | None) -> str:
        return "–" if value is None else f"{value:.3f}"

    table = Table(title=f"Emergent · {model} · {scores.n} rows · {scores.errors} errors")
    table.add_column("")
    table.add_column("accuracy", justify="right")
    table.add_column("macro-F1", justify="right")
    table.add_row(model, f(scores.accuracy), f(scores.macro_f1))
    baseline = f"majority baseline ({scores.baseline_label})"
    table.add_row(baseline, f(scores.baseline_accuracy), f(scores.baseline_macro_f1))
    predicted = sorted({p for row in scores.confusion.values() for p in row})
    matrix = Table(title="gold ↓ / predicted →")
    matrix.add_column("gold")
    for label in predicted:
        matrix.add_column(label, justify="right")
    for gold, row in sorted(scores.confusion.items()):
        matrix.add_row(gold, *(str(row.get(p, 0)) for p in predicted))
    grid = Table.grid(padding=1)
    grid.add_row(table)
    grid.add_row(matrix)
    return grid

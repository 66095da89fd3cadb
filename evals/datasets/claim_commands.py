"""`stancewire eval dataset fnc1 | near-miss`: the claim-model datasets on the command line.

Imports stay inside the commands: the claim model pulls in scikit-learn and the built-in
engine (spaCy), which `stancewire` must not pay for when it runs anything else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from evals.progress import progress_bar

out = Console()
HERE = Path(__file__).parent


def fnc1_command(
    rows: Annotated[Path, typer.Argument(help="FNC-1 stances JSONL.")] = HERE
    / "fnc1_heldout.jsonl",
    bodies: Annotated[Path, typer.Option(help="FNC-1 bodies JSONL.")] = HERE
    / "near_miss_articles.jsonl",
) -> None:
    """Official FNC-1 score and per-class F1 of the claim model (default: held-out pairs)."""
    from api.builtin.claimmodel import load_claim_model
    from evals.datasets import fnc1

    found, texts = fnc1.load_fnc1(rows, bodies)
    with progress_bar() as progress:
        task = progress.add_task("fnc1", total=len(found))
        run = fnc1.run_fnc1(found, texts, load_claim_model(), lambda _: progress.advance(task))
    s = run.scores
    table = Table(title=f"FNC-1 · {run.model} · {s.n} pairs")
    for column in ("", "score % of max", *(f"F1 {label}" for label in fnc1.LABELS)):
        table.add_column(column, justify="right")
    table.add_row(run.model, f"{s.score_pct:.1f}", *(f"{s.f1[label]:.3f}" for label in fnc1.LABELS))
    table.add_row("always discuss", f"{s.always_discuss_pct:.1f}", *([""] * len(fnc1.LABELS)))
    out.print(table)


def near_miss_command(
    rows: Annotated[Path, typer.Argument(help="Near-miss JSONL.")] = HERE / "near_miss.jsonl",
    articles: Annotated[Path, typer.Option(help="Its articles JSONL.")] = HERE
    / "near_miss_articles.jsonl",
    engine: Annotated[
        bool, typer.Option(help="Check through the built-in engine (what the API answers).")
    ] = False,
) -> None:
    """Near-miss caller claims: unrelated → not_mentioned and related → a verdict rates."""
    from evals.datasets import near_miss

    checker: near_miss.ClaimModelChecker | near_miss.EngineChecker = (
        near_miss.EngineChecker() if engine else near_miss.ClaimModelChecker()
    )
    found = near_miss.load_rows(rows)
    with progress_bar() as progress:
        task = progress.add_task("near-miss", total=len(found))
        _, s = near_miss.run_near_miss(
            found, near_miss.load_articles(articles), checker, lambda _: progress.advance(task)
        )
    table = Table(title=f"near-miss · {checker.name} · {s.n} rows")
    table.add_column("")
    table.add_column("right", justify="right")
    table.add_row("unrelated → not_mentioned", f"{100 * s.unrelated_to_not_mentioned:.1f} %")
    table.add_row("related → a verdict", f"{100 * s.related_to_verdict:.1f} %")
    for kind, rate in s.by_kind.items():
        table.add_row(f"  {kind}", f"{100 * rate:.1f} %")
    table.add_row("ECE (15 bins)", f"{s.ece:.3f}")
    table.add_row("Brier / class prior", f"{s.brier:.3f} / {s.prior_brier:.3f}")
    out.print(table)


def calibration_command(
    run: Annotated[Path, typer.Argument(help="A run file (stancewire eval run --out).")],
) -> None:
    """Calibration of a run's claim confidences on the golden cases: ECE (15 bins), Brier."""
    from evals.datasets.calibration import calibration, findings
    from evals.results import RunFile

    loaded = RunFile.load(run)
    c = calibration(findings(loaded))
    table = Table(title=f"confidence calibration · {loaded.model} · {c.n} claim findings")
    for column in ("accuracy", "mean confidence", "ECE (15 bins)", "Brier / class prior"):
        table.add_column(column, justify="right")
    table.add_row(
        f"{c.accuracy:.3f}", f"{c.mean_confidence:.3f}", f"{c.ece:.3f}",
        f"{c.brier:.3f} / {c.prior_brier:.3f}",
    )  # fmt: skip
    out.print(table)


def register(app: typer.Typer) -> None:
    app.command("fnc1")(fnc1_command)
    app.command("near-miss")(near_miss_command)
    app.command("calibration")(calibration_command)

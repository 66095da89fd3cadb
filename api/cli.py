"""`stancewire serve | analyze | schema | eval …` — thin: parsing and printing only."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from api.config import get_settings
from api.errors import StancewireError

app = typer.Typer(help="Grounded stance and claim analysis of news articles.", no_args_is_help=True)
err = Console(stderr=True)


def _read_text(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    if not path.is_file():
        raise typer.BadParameter(f"no such file: {source}")
    return path.read_text(encoding="utf-8")


@app.command()
def analyze(
    source: Annotated[str, typer.Argument(help="Article file, or - for standard input.")],
    model: Annotated[
        str | None, typer.Option(help="Configured model; default from settings.")
    ] = None,
    claim: Annotated[list[str] | None, typer.Option(help="Claim to assess (repeatable).")] = None,
    actor: Annotated[list[str] | None, typer.Option(help="Actor to look for (repeatable).")] = None,
    task: Annotated[
        list[str] | None, typer.Option(help="summary, actors, stances or claims (repeatable).")
    ] = None,
    title: Annotated[str | None, typer.Option(help="Headline, if not in the text.")] = None,
    language: Annotated[str | None, typer.Option(help="Output language, e.g. en.")] = None,
    pretty: Annotated[bool, typer.Option(help="Readable tables instead of JSON.")] = False,
) -> None:
    """Analyse one article and print the JSON analysis (or tables with --pretty)."""
    from api.compose import make_analyzer
    from schemas.request import AnalyzeRequest

    fields: dict[str, object] = {"text": _read_text(source), "title": title, "model": model}
    fields |= {"claims": claim or [], "actors": actor or [], "language": language}
    if task:
        fields["tasks"] = task
    settings = get_settings()
    if model and not settings.is_allowed(model):
        # On the command line the operator is the caller: any model they name is allowed.
        settings = settings.model_copy(update={"models": [*settings.models, model]})
    try:
        request = AnalyzeRequest.model_validate(fields)
        analysis = asyncio.run(make_analyzer(settings).analyze(request))
    except StancewireError as exc:
        err.print(f"[red]error[/] ({exc.code}): {exc.detail}")
        raise typer.Exit(2) from exc
    except ValueError as exc:
        err.print(f"[red]error[/]: {exc}")
        raise typer.Exit(2) from exc
    if pretty:
        from api.cli_view import render_analysis

        render_analysis(analysis, Console())
    else:
        typer.echo(analysis.model_dump_json(indent=2))


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
) -> None:
    """Run the REST API and the demo page (uvicorn with header/body read timeouts)."""
    from api.app import create_app
    from api.server import serve as run_server

    settings = get_settings()
    run_server(create_app(settings), settings, host=host, port=port)


@app.command()
def schema(
    name: Annotated[str, typer.Argument(help="contract, analysis or request")] = "contract",
) -> None:
    """Print a JSON schema: the contract models fill, the API response, or the request."""
    from api.routes.models import SCHEMAS

    if name not in SCHEMAS:
        raise typer.BadParameter(f"choose one of {', '.join(SCHEMAS)}")
    typer.echo(json.dumps(SCHEMAS[name].model_json_schema(), indent=2))


def _mount_eval() -> None:
    try:
        from evals.cli import eval_app
    except ImportError:  # the eval suite is optional at run time
        return
    app.add_typer(eval_app, name="eval", help="Golden cases, runs, comparisons, reports.")


_mount_eval()


def _mount_jobs() -> None:
    from api.cli_jobs import batch, worker

    app.command()(worker)
    app.command()(batch)


_mount_jobs()

"""`stancewire serve | analyze | schema | eval …` — thin: parsing and printing only."""

from __future__ import annotations

import asyncio
import atexit
import gc
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ClassVar, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.text import Text

from api.cli_lazy import LazyGroup
from api.config import Settings, get_settings
from api.errors import StancewireError

if TYPE_CHECKING:
    from api.pipeline.analyze import Analyzer
    from schemas.analysis import Analysis
    from schemas.request import AnalyzeRequest


class _Commands(LazyGroup):
    """Commands imported only when run (api/cli_lazy.py): `analyze` stays light."""

    lazy: ClassVar[dict[str, tuple[str, str]]] = {
        "eval": ("evals.cli:eval_app", "Golden cases, runs, comparisons, reports."),
        "keys": ("api.cli_admin:keys_app", "API keys (stored as SHA-256 hashes only)."),
        "cache": ("api.cli_admin:cache_app", "The analysis cache."),
        "feedback": ("api.cli_admin:feedback_app", "Editor feedback on stored analyses."),
        "worker": (
            "api.cli_jobs:worker",
            "Run a job worker (arq on STANCEWIRE_REDIS_URL); start any number, on any machine.",
        ),
        "batch": (
            "api.cli_jobs:batch",
            "Analyse every line of SOURCE into OUT: skips ids already in OUT, writes each "
            "item's analysis or problem as one line.",
        ),
    }


app = typer.Typer(
    cls=_Commands,
    help="Grounded stance and claim analysis of news articles.",
    no_args_is_help=True,
)
err = Console(stderr=True)


def _read_text(source: str) -> str:
    if source == "-":
        text = sys.stdin.read()
        where = "standard input"
    else:
        path = Path(source)
        if not path.is_file():
            raise typer.BadParameter(f"no such file: {source}")
        text, where = path.read_text(encoding="utf-8"), source
    if not text.strip():
        _fail("empty_text", f"{where} is empty: pass an article file, or pipe its text to -.")
    return text


def _fail(code: str, message: str) -> NoReturn:
    """A plain one-line error for the user, no traceback, exit status 2."""
    # A Text, not markup: the message may quote the article or the input ("[1]" and all).
    err.print(Text.assemble(("error", "red"), f" ({code}): {message}"), highlight=False)
    raise typer.Exit(2)


def _check_key(model: str, settings: Settings) -> None:
    """A model whose provider key is missing fails now, naming the variable to set (the
    call would fail only after its retries, as `upstream_unavailable`)."""
    from api.model_ref import engine_kind

    if engine_kind(model) == "builtin":
        return
    from api.llm.keys import missing_key_variables

    names = missing_key_variables(model, settings)
    if names:
        provider = model.split("/", 1)[0]
        options = " or ".join(names)
        _fail(
            "missing_api_key",
            f"no API key for {provider} (model {model}): set {options} "
            "(or STANCEWIRE_API_KEY), then try again.",
        )


def _validation_message(exc: ValidationError) -> str:
    """pydantic's errors as `field: message`, without its documentation URLs."""
    parts = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"])
        parts.append(f"{field}: {error['msg']}" if field else error["msg"])
    return "; ".join(parts)


async def _analyze(analyzer: Analyzer, request: AnalyzeRequest, settings: Settings) -> Analysis:
    """An HTML file (or a URL, when fetching is on) is analysed as its article text."""
    from api.extract import mark_source, prepare_request

    request, found = await prepare_request(request, settings)
    deadline = asyncio.get_running_loop().time() + settings.stream_deadline_s  # no HTTP wait
    analysis = await analyzer.analyze(request, deadline=deadline, long_form=True)
    return mark_source(analysis, found)


@contextmanager
def _one_shot_heap() -> Iterator[None]:
    """`analyze` builds one long-lived heap (spaCy, the engine: ~120,000 objects) and exits.
    The cyclic collector finds next to no garbage in it, yet ran ~220 collections while it
    was built (0.13-0.21 s of a ~1.5 s command) and walked all of it again at exit (~0.2 s).
    So it is off for the command (peak memory on a 389,000-character article: 694-727 MB
    with it on or off, run to run) and the heap is frozen for the exit; nothing here needs a
    finalizer then (the output is flushed, files are closed). Tests run the command in their
    own process: the collector is back on after it.

    Off by a zero threshold, not gc.disable(): srsly calls gc.enable() after every msgpack
    read, so spaCy's model load would turn a disabled collector back on."""
    atexit.unregister(gc.freeze)  # registered once per process, however often it runs
    atexit.register(gc.freeze)
    thresholds = gc.get_threshold()
    gc.set_threshold(0)  # documented: threshold0 = 0 disables automatic collection
    try:
        yield
    finally:
        # Back on, without the collection of the whole new heap as young objects that
        # turning it on would start at once (~60 ms): freezing and unfreezing files it
        # under the oldest generation, collected as usual when that is next due.
        gc.freeze()
        gc.set_threshold(*thresholds)
        gc.unfreeze()


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
    with _one_shot_heap():
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
        except ValidationError as exc:
            _fail("validation_error", _validation_message(exc))
        _check_key(model or settings.default_model, settings)
        try:
            analysis = asyncio.run(_analyze(make_analyzer(settings), request, settings))
        except StancewireError as exc:
            _fail(exc.code, exc.detail)
        except ValueError as exc:
            _fail("invalid_input", str(exc))
        if pretty:
            from api.cli_view import render_analysis

            render_analysis(analysis, Console())
        else:
            typer.echo(analysis.model_dump_json(indent=2))


def _default(field: str) -> object:
    return Settings.model_fields[field].default


@app.command()
def serve(
    host: Annotated[
        str | None,
        typer.Option(help="Bind address.", show_default=f"{_default('host')}, or STANCEWIRE_HOST"),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(help="Port.", show_default=f"{_default('port')}, or STANCEWIRE_PORT"),
    ] = None,
) -> None:
    """Run the REST API and the demo page (uvicorn with header/body read timeouts)."""
    from api.app import create_app
    from api.server import serve as run_server

    settings = get_settings()
    try:
        service = create_app(settings)
    except StancewireError as exc:  # e.g. production without keys: say how to fix it
        err.print(f"[red]error[/] ({exc.code}): {exc.detail}")
        raise typer.Exit(2) from exc
    run_server(service, settings, host=host, port=port)


@app.command()
def schema(
    name: Annotated[str, typer.Argument(help="contract, analysis or request")] = "contract",
) -> None:
    """Print a JSON schema: the contract models fill, the API response, or the request."""
    from api.routes.models import SCHEMAS

    if name not in SCHEMAS:
        raise typer.BadParameter(f"choose one of {', '.join(SCHEMAS)}")
    typer.echo(json.dumps(SCHEMAS[name].model_json_schema(), indent=2))

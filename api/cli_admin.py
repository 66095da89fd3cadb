"""`stancewire keys | cache | feedback …`: the operator's commands on the configured storage
(SQLite under STANCEWIRE_DATA_DIR, or Redis at STANCEWIRE_REDIS_URL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from api.config import get_settings
from api.storage import Store, open_store

keys_app = typer.Typer(help="API keys (stored as SHA-256 hashes only).", no_args_is_help=True)
cache_app = typer.Typer(help="The analysis cache.", no_args_is_help=True)
feedback_app = typer.Typer(help="Editor feedback on stored analyses.", no_args_is_help=True)
err = Console(stderr=True)


@contextmanager
def _store() -> Iterator[Store]:
    store = open_store(get_settings())
    try:
        yield store
    finally:
        store.close()


@keys_app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="Who the key is for, e.g. cms-prod.")],
    scope: Annotated[
        list[str] | None, typer.Option(help="analyze, jobs or admin (repeatable).")
    ] = None,
    rate_limit: Annotated[
        int | None, typer.Option(help="Requests per minute (default: the service's).")
    ] = None,
    token_budget: Annotated[
        int | None, typer.Option(help="Model tokens per day (default: the service's).")
    ] = None,
) -> None:
    """Create a key and print it once (only its hash is stored)."""
    from api.auth import create_key

    with _store() as store:
        try:
            key = create_key(store, name, scope or ["analyze"], rate_limit, token_budget)
        except ValueError as exc:
            err.print(f"[red]error[/]: {exc}")
            raise typer.Exit(2) from exc
    err.print(f"Key {name!r} created. Store it now: it is not shown again.")
    typer.echo(key)


@keys_app.command("list")
def list_keys() -> None:
    """Names, scopes and limits of the keys (never the keys)."""
    with _store() as store:
        for k in store.list_keys():
            limits = (
                f"rpm={k.rate_limit_per_minute or '-'} tokens/day={k.token_budget_per_day or '-'}"
            )
            typer.echo(f"{k.name}\t{','.join(k.scopes)}\t{limits}")


@keys_app.command("revoke")
def revoke(name: Annotated[str, typer.Argument(help="Name of the key.")]) -> None:
    """Delete a key: requests with it get 401 from then on."""
    with _store() as store:
        if not store.revoke_key(name):
            err.print(f"[red]error[/]: no key named {name!r}")
            raise typer.Exit(2)
    err.print(f"Key {name!r} revoked.")


@cache_app.command("stats")
def cache_stats() -> None:
    """Entries, hits and misses of the analysis cache, and this build's fingerprint."""
    from api.fingerprint import build_parts, engine_build

    with _store() as store:
        stats = store.cache_stats()
    report = {
        "backend": stats.backend,
        "entries": stats.entries,
        "hits": stats.hits,
        "misses": stats.misses,
        "hit_ratio": round(stats.hit_ratio, 4),
        "engine_build": engine_build(),
        "build_parts": build_parts(),
    }
    typer.echo(json.dumps(report, indent=2))


@cache_app.command("clear")
def cache_clear() -> None:
    """Remove every cached analysis (stored analyses stay)."""
    with _store() as store:
        removed = store.cache_clear()
    err.print(f"Removed {removed} cached analyses.")


@feedback_app.command("list")
def feedback_list() -> None:
    """Every feedback record, one JSON object a line."""
    from api.analyses import as_feedback

    with _store() as store:
        for record in store.list_feedback():
            typer.echo(as_feedback(record).model_dump_json())


@feedback_app.command("export")
def feedback_export(
    out: Annotated[Path, typer.Option(help="Directory for the candidate case files.")] = Path(
        "feedback-cases"
    ),
) -> None:
    """Write each analysis with feedback as a candidate golden case (evals/cases format)."""
    from api.feedback_export import export_cases

    with _store() as store:
        written = export_cases(store, out)
    for path in written:
        typer.echo(path)
    err.print(
        f"{len(written)} candidate case(s) in {out}; review them before moving to evals/cases."
    )

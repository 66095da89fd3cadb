"""`stancewire worker` and `stancewire batch`: bulk analysis (api/jobs)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from api.config import Settings, get_settings

err = Console(stderr=True)


class RateColumn(ProgressColumn):
    """Items per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("-- items/s" if speed is None else f"{speed:.1f} items/s", style="cyan")


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err,
    )


def worker(
    engine: Annotated[
        str | None,
        typer.Option(help="Queue to serve: builtin or llm (default: the default model's)."),
    ] = None,
    max_jobs: Annotated[
        int | None,
        typer.Option(help="Items at once (default: 2 per engine process, or JOB_LLM_CONCURRENCY)."),
    ] = None,
    burst: Annotated[bool, typer.Option(help="Exit once the queue is empty.")] = False,
) -> None:
    """Run a job worker (arq on STANCEWIRE_REDIS_URL); start any number, on any machine."""
    import logging

    from api.jobs.worker import build_worker
    from api.model_ref import engine_kind

    settings = get_settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    chosen = engine or engine_kind(settings.default_model)
    if chosen not in ("builtin", "llm"):
        raise typer.BadParameter("choose builtin or llm", param_hint="--engine")
    build_worker(settings, chosen, max_jobs=max_jobs, burst=burst).run()  # type: ignore[arg-type]


def batch(
    source: Annotated[Path, typer.Argument(help="JSONL: one /v1/analyze request per line.")],
    out: Annotated[Path, typer.Option(help="JSONL of results (appended; resumes).")],
    model: Annotated[str | None, typer.Option(help="Model for items that name none.")] = None,
    concurrency: Annotated[int | None, typer.Option(help="Items in flight.")] = None,
    queue: Annotated[
        bool, typer.Option(help="Submit to the shared queue (STANCEWIRE_REDIS_URL) and follow.")
    ] = False,
) -> None:
    """Analyse every line of SOURCE into OUT: skips ids already in OUT, writes each item's
    analysis or problem as one line."""
    from api.jobs.local import read_input, written_ids

    if not source.is_file():
        raise typer.BadParameter(f"no such file: {source}")
    settings = get_settings()
    if model and not settings.is_allowed(model):  # the operator may name any model
        settings = settings.model_copy(update={"models": [*settings.models, model]})
    try:
        items = read_input(source)
    except ValueError as exc:
        err.print(f"[red]error[/]: {exc}")
        raise typer.Exit(2) from exc
    if model:
        for item in items:
            if item.fields is not None:
                item.fields.setdefault("model", model)
    done = written_ids(out)
    todo = [item for item in items if item.id not in done]
    err.print(f"{len(items)} items in {source}: {len(items) - len(todo)} already in {out}")
    if not todo:
        return
    started = time.perf_counter()
    if queue:
        failed = asyncio.run(_follow_queue(settings, todo, out))
    else:
        failed = asyncio.run(_run_here(settings, todo, out, concurrency, model))
    took = time.perf_counter() - started
    err.print(
        f"{len(todo)} items in {took:.1f} s ({len(todo) / took:.1f} items/s), {failed} failed"
    )


async def _run_here(
    settings: Settings, todo: list[Any], out: Path, concurrency: int | None, model: str | None
) -> int:
    from api.compose import make_analyzer
    from api.jobs.local import LineWriter, run_local
    from api.jobs.worker import ENGINE_PRELOAD, default_max_jobs
    from api.model_ref import engine_kind
    from api.pipeline.cpu import cpu_runner_for

    engine = engine_kind(model or settings.default_model)
    slots = concurrency or default_max_jobs(settings, engine)
    analyzer = make_analyzer(
        settings, cpu=cpu_runner_for(settings.engine_processes, slots, ENGINE_PRELOAD)
    )
    await asyncio.to_thread(analyzer.warm_up)
    writer = LineWriter(out)
    failed = 0
    try:
        with _progress() as progress:
            task = progress.add_task("batch", total=len(todo), failed=0)

            def tick(line: dict[str, Any]) -> None:
                nonlocal failed
                failed += not line["ok"]
                progress.update(task, advance=1, failed=failed)

            await run_local(
                analyzer,
                todo,
                writer,
                concurrency=slots,
                timeout_s=settings.job_item_timeout_s,
                max_tries=settings.job_max_tries,
                on_done=tick,
            )
    finally:
        writer.close()
        analyzer.close()
    return failed


async def _follow_queue(settings: Settings, todo: list[Any], out: Path) -> int:
    """Submit the items as one job, follow its progress, then write its results."""
    from api.errors import StancewireError
    from api.jobs.items import problem_line
    from api.jobs.local import LineWriter
    from api.jobs.queue import connect, submit
    from api.json_body import validate_as
    from schemas.jobs import JobItem

    writer = LineWriter(out)
    queued: list[tuple[JobItem, str]] = []
    originals: list[Any] = []
    try:
        for item in todo:  # lines that cannot be queued get their problem here
            try:
                if item.problem is not None:
                    raise item.problem
                job_item = validate_as(JobItem, {**item.fields, "id": item.id})
                model = job_item.model or settings.default_model
                queued.append((job_item, model))
                originals.append(item)
            except StancewireError as exc:
                writer.write(problem_line(item.index, item.id, exc, None))
        redis = await connect(settings)
        job_id, store = await submit(redis, settings, queued)
        err.print(f"job {job_id}: {len(queued)} items queued")
        with _progress() as progress:
            task = progress.add_task(job_id, total=len(queued), failed=0)
            while True:
                status = await store.status(job_id)
                progress.update(task, completed=status.done + status.failed, failed=status.failed)
                if status.state in ("completed", "cancelled"):
                    break
                await asyncio.sleep(0.5)
        for start in range(0, len(queued), 500):
            for raw in await store.lines(job_id, start, start + 500):
                line = _json(raw)
                line["index"] = originals[line["index"]].index  # the input line's position
                writer.write(line)
        await redis.aclose()
        return status.failed
    finally:
        writer.close()


def _json(raw: str) -> dict[str, Any]:
    import json

    value: dict[str, Any] = json.loads(raw)
    return value

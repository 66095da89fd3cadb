"""create_app(): routers, error handlers, the demo page."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from redis.exceptions import RedisError
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from api.compose import make_analyzer
from api.config import Settings, get_settings
from api.docs import install_docs
from api.errors import ConfigurationError, StancewireError
from api.http import (
    BodyLimits,
    handle_client_disconnect,
    handle_http_error,
    handle_stancewire_error,
    handle_unexpected,
    handle_validation_error,
)
from api.logs import configure_logging
from api.metrics import router as metrics_router
from api.metrics import watch_engine_queue
from api.middleware import ServiceMiddleware
from api.openapi import install_openapi, operation_id
from api.pipeline.analyze import Analyzer
from api.pipeline.cache import AnalysisCache
from api.pipeline.cpu import CpuRunner, cpu_runner_for
from api.ratelimit import KeyLimiter
from api.routes import analyses, analyze, compare, extract, health, jobs, models
from api.storage import Store, open_store

STATIC_DIR = Path(__file__).parent / "static"
# Imported once by the engine pool's fork server, so workers fork warm (api/builtin/worker.py).
# The fork server is one per process: the first pool started fixes what it preloads.
ENGINE_PRELOAD = ("api.builtin.worker",)
DESCRIPTION = """Reads a news article and returns, as validated JSON, a summary, the actors,
each actor's stance toward the article's claims and topics, and the confirmation status of
every claim, each tied to the exact sentences (with character offsets) that support it.
Errors are RFC 9457 problem+json with a stable `code`."""


def create_app(
    settings: Settings | None = None, analyzer: Analyzer | None = None, store: Store | None = None
) -> FastAPI:
    """The service. `store` defaults to the configured storage (SQLite, or Redis when
    `redis_url` is set); the analyzer's cache lives in it unless an analyzer is given."""
    settings = settings or (analyzer.settings if analyzer else get_settings())
    store = store or open_store(settings)
    _refuse_production_without_keys(settings, store)
    if analyzer is None:
        cache = AnalysisCache(settings.cache_size, settings.cache_ttl_s, store)
        analyzer = make_analyzer(settings, cpu=_engine_runner(settings), cache=cache)
    engine = analyzer

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Load models before the first request pays for them (spaCy ~1 s, GGUFs when asked).
        await asyncio.to_thread(engine.warm_up)
        await asyncio.to_thread(store.purge_expired)  # retention, also across restarts
        yield
        engine.close()
        store.close()
        job_store = getattr(app.state, "job_store", None)
        if job_store is not None:  # opened by the first job request (api/routes/jobs.py)
            await job_store.redis.aclose()

    app = FastAPI(
        title="stancewire",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served from local assets by install_docs, never from a CDN
        redoc_url=None,
        generate_unique_id_function=operation_id,
    )
    app.state.settings = settings
    app.state.analyzer = analyzer
    app.state.store = store
    app.state.limiter = KeyLimiter(settings)
    watch_engine_queue(lambda: engine.cpu.in_flight)
    limits = BodyLimits(
        max_body_bytes=settings.max_body_bytes,
        body_timeout_s=settings.body_timeout_s,
        path_limits={"/v1/jobs": settings.job_max_body_bytes},
    )
    app.add_middleware(ServiceMiddleware, limits=limits)
    app.add_exception_handler(StancewireError, handle_stancewire_error)
    app.add_exception_handler(RedisError, jobs.handle_redis_error)
    app.add_exception_handler(ClientDisconnect, handle_client_disconnect)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(HTTPException, handle_http_error)
    app.add_exception_handler(Exception, handle_unexpected)
    routers = [analyze.router, analyses.router, compare.router, extract.router, jobs.router]
    for router in [*routers, models.router, health.router, metrics_router]:
        app.include_router(router)
    install_openapi(app)
    install_docs(app)
    if STATIC_DIR.is_dir():
        app.mount("/", StaticFiles(directory=STATIC_DIR, html=True), name="demo")
    logging.basicConfig(level=settings.log_level.upper())
    logging.getLogger("httpx").setLevel(logging.WARNING)
    configure_logging(settings.log_format, settings.log_level)
    return app


def _refuse_production_without_keys(settings: Settings, store: Store) -> None:
    if settings.env == "production" and not store.list_keys():
        raise ConfigurationError(
            "STANCEWIRE_ENV=production and no API key exists: create one with "
            "`stancewire keys create NAME --scope analyze` (it is printed once), then start "
            f"again. Keys live in the {store.kind} storage."
        )


def _engine_runner(settings: Settings) -> CpuRunner:
    """The server's one process pool for built-in engine work, sized to the cores."""
    return cpu_runner_for(settings.engine_processes, settings.engine_queue, ENGINE_PRELOAD)

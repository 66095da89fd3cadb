"""Orchestration: one code path for the API, the CLI and the evals."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Literal

from api.config import Settings
from api.errors import (
    ConfigurationError,
    DeadlineExceeded,
    NothingToAnalyse,
    StancewireError,
    TextTooLong,
    UnknownModel,
)
from api.fingerprint import engine_build
from api.llm.types import LLMClient
from api.model_ref import ModelRef, engine_kind, model_kind
from api.pipeline.article import PreparedArticle, prepare_article
from api.pipeline.cache import AnalysisCache
from api.pipeline.chunking import Part, plan_parts, run_in_parts
from api.pipeline.confidence import lower_confidence
from api.pipeline.contract import normalise, prune_unsound, semantic_errors
from api.pipeline.cpu import CpuRunner, ThreadRunner
from api.pipeline.engine import AnalysisJob, BuiltinParts, Engine, EngineResult
from api.pipeline.grounding import build_analysis
from api.pipeline.llm_engine import LLMEngine
from api.pipeline.progress import report
from schemas import SCHEMA_VERSION
from schemas.analysis import Analysis, AnalysisWarning, Meta, new_analysis_id
from schemas.request import AnalyzeRequest

log = logging.getLogger(__name__)
INLINE_PREPARE_CHARS = 20_000  # longer articles are prepared in a thread (_prepared)


@dataclass(frozen=True)
class ModelInfo:
    id: str
    engine: Literal["llm", "builtin"]
    label: str


class Analyzer:
    """Validates the request against the configuration, runs an engine, builds the answer."""

    def __init__(
        self,
        settings: Settings,
        client: LLMClient | None = None,
        builtin: Engine | None = None,
        cache: AnalysisCache | None = None,
        cpu: CpuRunner | None = None,
        parts: BuiltinParts | None = None,
    ) -> None:
        """Built by api/compose.py's make_analyzer, which wires in the built-in engine's
        `parts`; `builtin` replaces that engine (tests)."""
        self.settings = settings
        self._client = client
        self._builtin = builtin
        self._parts = parts
        # Built-in engine work: the server passes its process pool (api/app.py), whose queue
        # is bounded; one-shot callers (CLI, evals) run it in a thread and wait their turn:
        # a bound there would fail `eval run --concurrency 32` with 503s nobody asked for.
        self.cpu = cpu or ThreadRunner(queue=None)
        self._llm: LLMEngine | None = None
        # `is None`, not `or`: an empty cache has len() 0 and would be replaced by a new one.
        self.cache = (
            cache if cache is not None else AnalysisCache(settings.cache_size, settings.cache_ttl_s)
        )
        self._slots: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}
        # What warm_up loaded, for /readyz: part -> "loaded" | "error: …" (empty until then).
        self.engine_status: dict[str, str] = {}

    @property
    def client(self) -> LLMClient:
        if self._client is None:
            from api.llm.client import LiteLLMClient  # imports litellm (~5 s): only when needed

            self._client = LiteLLMClient(self.settings)
        return self._client

    def engine_for(self, model: str) -> Engine:
        if engine_kind(model) == "builtin":
            if self._builtin is None:
                self._builtin = self._require_parts().make_engine(self.cpu)
            return self._builtin
        if self._llm is None:
            names = self._parts.candidate_names if self._parts else None
            self._llm = LLMEngine(self.client, self.settings, names)
        return self._llm

    def _require_parts(self) -> BuiltinParts:
        if self._parts is None:
            raise ConfigurationError(
                "The built-in engine is not wired into this Analyzer: build it with "
                "api.compose.make_analyzer."
            )
        return self._parts

    def local_model_status(self) -> dict[str, str]:
        """State of each in-process GGUF model, once the LLM client exists."""
        return self._client.local.status() if self._client is not None else {}

    def warm_up(self) -> None:
        """Load the built-in pipeline; check GGUF models (and load them, when asked to)."""
        if self._builtin is None and any(engine_kind(m) == "builtin" for m in self.settings.models):
            self.engine_status.update(self._require_parts().warm_up())
            self.cpu.start()
        offered = [*self.settings.models, *self.settings.fallback_models]
        if any(model_kind(m) == "local" for m in offered):
            self.client.local.warm_up()

    def close(self) -> None:
        """Stop the engine's worker processes (server shutdown)."""
        self.cpu.close()
        getattr(self._client, "close", lambda: None)()  # LiteLLMClient's pooled connections

    def models(self) -> list[ModelInfo]:
        return [ModelInfo(m, engine_kind(m), ModelRef(m).label) for m in self.settings.models]

    def resolve_model(self, requested: str | None) -> str:
        model = requested or self.settings.default_model
        if not self.settings.is_allowed(model):
            allowed = ", ".join(self.settings.models)
            raise UnknownModel(f"Model {model!r} is not configured. Choose one of: {allowed}.")
        return model

    async def analyze(
        self,
        request: AnalyzeRequest,
        request_id: str | None = None,
        deadline: float | None = None,
        long_form: bool = False,
    ) -> Analysis:
        """`deadline` is an event-loop time (a batch's items share their request's); by
        default the request has `request_deadline_s` from now. Past it the work is stopped
        (cancelled: model calls, retries, repairs, the engine's worker) and DeadlineExceeded
        is raised. `long_form`: a caller with a long deadline (a job, a stream, the CLI) may
        send up to max_long_text_chars."""
        started = time.perf_counter()
        if deadline is None:
            deadline = asyncio.get_running_loop().time() + self.settings.request_deadline_s
        allowed = deadline - asyncio.get_running_loop().time()  # streams, jobs: not 45 s
        model = self.resolve_model(request.model)
        self.check_length(request.text, long_form)
        key = self.cache.key_for(request, model)
        cached = await self.cache.get(key) if request.store else None
        if cached is not None:
            return _as_cache_hit(cached, started, request_id)
        try:
            async with asyncio.timeout_at(deadline):
                analysis = await self._compute(request, model, request_id, started)
        except TimeoutError:
            if asyncio.get_running_loop().time() < deadline:
                raise  # a timeout of its own (e.g. a model call), not the deadline
            raise DeadlineExceeded(
                f"The analysis did not finish within the request's deadline "
                f"({allowed:.0f} s); its work was stopped. "
                "Retry, or send a shorter article.",
                retry_after=1,
            ) from None
        if request.store:  # `store: false`: embargoed copy stays out of every store
            await self.cache.put(key, analysis)
        return analysis

    def text_limit(self, long_form: bool = False) -> int:
        """Longest article accepted: plain synchronous calls must finish within
        request_deadline_s, so they get max_text_chars; jobs, streams and the CLI more."""
        plain = self.settings.max_text_chars
        return max(plain, self.settings.max_long_text_chars) if long_form else plain

    def check_length(self, text: str, long_form: bool = False) -> None:
        limit = self.text_limit(long_form)
        if len(text) > limit:
            longer = "" if long_form else " (or submit it as a job or a streamed request)"
            raise TextTooLong(
                f"The text has {len(text):,} characters; the limit is {limit:,}. "
                f"Send a shorter article or split it{longer}."
            )

    async def _compute(
        self, request: AnalyzeRequest, model: str, request_id: str | None, started: float
    ) -> Analysis:
        full = await _prepared(request)
        if not full.sentences:
            raise NothingToAnalyse("The text has no sentences to analyse (only credit lines).")
        plan = self._plan(full, model)
        job = AnalysisJob(
            article=full,
            model=model,
            tasks=tuple(request.tasks),
            caller_claims=tuple(request.claims),
            caller_actors=tuple(request.actors),
            language=request.language,
        )
        parts = len(plan) if plan else 1
        report(
            "analysing", engine=engine_kind(model), model=model, sentences=len(full), parts=parts
        )
        parted = None
        if engine_kind(model) == "builtin":  # admission: the CPU runner's bounded queue
            result = await self.engine_for(model).run(job)
        elif plan is not None:  # a long article: parts at once, then merged (chunking.py)
            parted = await run_in_parts(self.engine_for(model), job, plan, self._slot())
            result = parted.result
        else:
            async with self._slot():  # model calls are I/O: many in flight, the rest wait
                result = await self.engine_for(model).run(job)
        if result.engine == "builtin":  # model answers passed the same checks in repair.py
            _settle_builtin(result, job)
        else:  # a model's stated confidence, lowered where soft grounding checks fail
            result.warnings += lower_confidence(result.contract, job)
            if self.settings.cross_check and self._parts is not None:
                # The claim model's second opinion on the model's verdicts (CPU: a thread).
                check = self._parts.cross_check
                result.warnings += await asyncio.to_thread(check, result.contract, job)
        result.warnings += _actor_warnings(result, job)
        meta = Meta(
            engine=result.engine,
            **result.accounting.meta_fields(),
            prompt_version=result.prompt_version,
            schema_version=SCHEMA_VERSION,
            engine_build=engine_build(),
            latency_ms=round((time.perf_counter() - started) * 1000, 2),
            cache_hit=False,
            request_id=request_id,
        )
        analysis = build_analysis(result, job, full, meta)
        if parted is not None:
            analysis.coverage = parted.coverage(full)
        return analysis

    def _plan(self, full: PreparedArticle, model: str) -> list[Part] | None:
        """The parts a model reads a long article in (None: one call, or the built-in engine,
        which reads whole articles)."""
        if engine_kind(model) == "builtin":
            return None
        models = [model, *self.settings.fallback_models]
        return plan_parts(full, self.settings, [self.client.capabilities(m) for m in models])

    def _slot(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if loop not in self._slots:
            self._slots = {loop: asyncio.Semaphore(self.settings.max_concurrency)}
        return self._slots[loop]


async def _prepared(request: AnalyzeRequest) -> PreparedArticle:
    """A long text is split off the event loop, so health checks and cache hits do not wait
    behind it (100,000 characters of news prose: ~35 ms; of one line dense with
    abbreviations: ~125 ms). Up to INLINE_PREPARE_CHARS (~6 ms of prose; every shared-data
    article, the longest 15,103 characters) it is split in place: the hop to a thread cost
    more than that under load, each of the loop's socket calls then waiting for the GIL the
    splitting thread held. Raising the limit from 5,000 took ~13 % off the server's CPU per
    request over HTTP (4 alternating rounds at 16 connections, issue 18)."""
    if len(request.text) <= INLINE_PREPARE_CHARS:
        return prepare_article(request.text, request.title)
    return await asyncio.to_thread(prepare_article, request.text, request.title)


def _settle_builtin(result: EngineResult, job: AnalysisJob) -> None:
    """The built-in engine's output meets the checks a model answer meets in the repair loop
    (contract.semantic_errors). It cannot be re-asked, so what fails is dropped (and said);
    anything still failing is our bug."""
    errors = semantic_errors(result.contract, job)
    if errors:
        log.info("built-in engine output failed checks, pruning: %s", errors)
        result.contract, dropped = prune_unsound(result.contract, job)
        result.warnings.append(
            AnalysisWarning(
                code="findings_dropped",
                message=f"{dropped} finding(s) failed the grounding checks and were left out.",
            )
        )
        errors = semantic_errors(result.contract, job)
    if errors:
        log.error("built-in engine returned an inconsistent contract: %s", errors)
        raise StancewireError("The built-in engine produced an inconsistent analysis.")


def _actor_warnings(result: EngineResult, job: AnalysisJob) -> list[AnalysisWarning]:
    names = " | ".join(normalise(n) for a in result.contract.actors for n in [a.name, *a.aliases])
    return [
        AnalysisWarning(
            code="actor_not_found", message=f"{wanted!r} is not among the actors found."
        )
        for wanted in job.caller_actors
        if normalise(wanted) not in names
    ]


def _as_cache_hit(cached: Analysis, started: float, request_id: str | None) -> Analysis:
    """The stored analysis, with this request's id and latency (not the first request's).

    A cache hit is a new response, so it gets a new analysis id: an id names one response
    (and, once analyses are stored, one stored record), never a shared cache entry.
    """
    latency_ms = round((time.perf_counter() - started) * 1000, 2)
    meta = cached.meta.model_copy(
        update={"cache_hit": True, "latency_ms": latency_ms, "request_id": request_id}
    )
    return cached.model_copy(update={"id": new_analysis_id(), "meta": meta})

"""Run golden cases through the analyzer, score them, and build a run file.

A typed error (`api.errors.StancewireError`) fails its trial and the run goes on; any
other exception is a bug and stops the run. Trials run concurrently, bounded.
"""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from api.config import Settings, get_settings
from api.errors import StancewireError
from api.llm.types import LLMClient
from evals.aggregate import aggregate
from evals.case_model import GoldenCase
from evals.cassettes import (
    CASSETTES_DIR,
    CassetteClient,
    CassetteMode,
    cassette_path,
    pin_settings,
)
from evals.results import CaseResult, CassetteInfo, ErrorInfo, RunFile, Trial
from evals.scores import PassRule
from evals.scoring import score_case, score_failure
from schemas import SCHEMA_VERSION
from schemas.analysis import Analysis
from schemas.request import AnalyzeRequest

REPO_ROOT = Path(__file__).resolve().parents[1]


class AnalyzerLike(Protocol):
    async def analyze(self, request: AnalyzeRequest, request_id: str | None = None) -> Analysis:
        """What the runner needs of api.pipeline.analyze.Analyzer."""
        ...


@dataclass
class RunOptions:
    model: str
    repeat: int = 1
    concurrency: int = 4
    cases_pattern: str = "*"
    name: str | None = None
    pass_rule: PassRule = field(default_factory=PassRule)
    cassette: CassetteInfo | None = None


def eval_settings(model: str, base: Settings | None = None) -> Settings:
    """Settings for an eval: the model allowed, the cache off (repeats must really repeat)."""
    settings = base or get_settings()
    models = settings.models if model in settings.models else [*settings.models, model]
    return settings.model_copy(update={"models": models, "cache_size": 0})


def build_analyzer(
    model: str,
    cassette: tuple[CassetteMode, str] | None = None,
    cassettes_root: Path = CASSETTES_DIR,
) -> AnalyzerLike:
    """The real Analyzer, its model calls recorded to or replayed from a cassette if asked."""
    from api.compose import make_analyzer

    settings = eval_settings(model)
    client: LLMClient | None = None
    if cassette is not None:
        mode, name = cassette
        settings = pin_settings(settings, cassette_path(name, cassettes_root), mode)
        inner: LLMClient | None = None
        if mode == "record":
            from api.llm.client import LiteLLMClient  # imports litellm: only when recording

            inner = LiteLLMClient(settings)
        client = CassetteClient(inner, cassette_path(name, cassettes_root), mode)
    return make_analyzer(settings, client)


async def run_cases(
    cases: list[GoldenCase],
    analyzer: AnalyzerLike,
    options: RunOptions,
    on_trial: Callable[[str, Trial], None] | None = None,
) -> RunFile:
    if options.repeat < 1 or options.concurrency < 1:
        raise ValueError("repeat and concurrency must be at least 1")
    started = datetime.now(UTC)
    slots = asyncio.Semaphore(options.concurrency)

    async def one(case: GoldenCase, trial: int) -> Trial:
        async with slots:
            result = await run_trial(case, trial, analyzer, options)
        if on_trial is not None:
            on_trial(case.id, result)
        return result

    jobs = [one(case, k) for case in cases for k in range(options.repeat)]
    trials = await asyncio.gather(*jobs)
    results = [
        CaseResult(
            case_id=case.id,
            description=case.description,
            tags=case.tags,
            thresholds=case.thresholds,
            trials=list(trials[i * options.repeat : (i + 1) * options.repeat]),
        )
        for i, case in enumerate(cases)
    ]
    return _run_file(results, options, started)


async def run_trial(
    case: GoldenCase, trial: int, analyzer: AnalyzerLike, options: RunOptions
) -> Trial:
    request = case.analyze_request().model_copy(update={"model": options.model})
    try:
        analysis = await analyzer.analyze(request, request_id=f"eval-{case.id}-{trial}")
    except StancewireError as exc:
        error = ErrorInfo(type=type(exc).__name__, code=exc.code, message=exc.detail)
        scores = score_failure(case, f"{exc.code}: {exc.detail}")
        checks = options.pass_rule.checks(scores, case.thresholds)
        return Trial(trial=trial, passed=False, checks=checks, error=error, scores=scores)
    scores = score_case(case, analysis)
    checks = options.pass_rule.checks(scores, case.thresholds)
    return Trial(
        trial=trial, passed=all(checks.values()), checks=checks, scores=scores, analysis=analysis
    )


def _run_file(results: list[CaseResult], options: RunOptions, started: datetime) -> RunFile:
    metas = [t.analysis.meta for c in results for t in c.trials if t.analysis is not None]
    commit, dirty = git_state()
    name = options.name or f"{started:%Y%m%d-%H%M%S}-{_slug(options.model)}"
    return RunFile(
        name=name,
        model=options.model,
        prompt_version=next((m.prompt_version for m in metas if m.prompt_version), None),
        schema_version=metas[0].schema_version if metas else SCHEMA_VERSION,
        git_commit=commit,
        git_dirty=dirty,
        started_at=started,
        finished_at=datetime.now(UTC),
        repeat=options.repeat,
        cases_pattern=options.cases_pattern,
        cassette=options.cassette,
        pass_rule=options.pass_rule,
        cases=results,
        aggregates=aggregate(results),
    )


def _slug(model: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in model).strip("-")


def git_state(root: Path = REPO_ROOT) -> tuple[str | None, bool]:
    """The commit the run was made on, and whether the tree had uncommitted changes."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None, False
    return commit or None, bool(status.strip())

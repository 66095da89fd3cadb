"""The built-in engine as the pipeline sees it (api/pipeline/engine.BuiltinParts).

Imports stay inside the functions: spaCy and the trained models load only when the built-in
engine is first used or warmed up, so an LLM-only process never pays for them.
"""

from __future__ import annotations

from api.pipeline.article import PreparedArticle
from api.pipeline.cpu import CpuRunner
from api.pipeline.engine import AnalysisJob, BuiltinParts, Engine
from schemas.analysis import AnalysisWarning
from schemas.llm import AnalysisContract


def _make_engine(cpu: CpuRunner) -> Engine:
    from api.builtin.engine import BuiltinEngine

    return BuiltinEngine(cpu)


def _warm_up() -> dict[str, str]:
    from api.builtin.claimmodel import load_claim_model
    from api.builtin.nlp import warm_up

    status = {"spacy": "loaded" if warm_up() else "error: spaCy model missing"}
    try:
        status["claim_model"] = f"loaded: {load_claim_model().version}"
    except Exception as exc:  # a missing or stale artifact: the engine cannot answer
        status["claim_model"] = f"error: {exc}"
    return status


def _candidate_names(article: PreparedArticle) -> list[str]:
    from api.builtin.engine import candidate_actors

    return sorted({actor.name for actor in candidate_actors(article)})


def _cross_check(contract: AnalysisContract, job: AnalysisJob) -> list[AnalysisWarning]:
    from api.builtin.crosscheck import cross_check

    return cross_check(contract, job)


BUILTIN_PARTS = BuiltinParts(
    make_engine=_make_engine,
    warm_up=_warm_up,
    candidate_names=_candidate_names,
    cross_check=_cross_check,
)

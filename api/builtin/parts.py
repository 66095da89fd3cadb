"""The built-in engine as the pipeline sees it (api/pipeline/engine.BuiltinParts).

Imports stay inside the functions: spaCy and the trained models load only when the built-in
engine is first used or warmed up, so an LLM-only process never pays for them.
"""

from __future__ import annotations

from api.pipeline.article import PreparedArticle
from api.pipeline.cpu import CpuRunner
from api.pipeline.engine import BuiltinParts, Engine


def _make_engine(cpu: CpuRunner) -> Engine:
    from api.builtin.engine import BuiltinEngine

    return BuiltinEngine(cpu)


def _warm_up() -> None:
    from api.builtin.nlp import warm_up

    warm_up()


def _candidate_names(article: PreparedArticle) -> list[str]:
    from api.builtin.engine import candidate_actors

    return sorted({actor.name for actor in candidate_actors(article)})


BUILTIN_PARTS = BuiltinParts(
    make_engine=_make_engine, warm_up=_warm_up, candidate_names=_candidate_names
)

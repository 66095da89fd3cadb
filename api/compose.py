"""The composition root: where the pipeline meets the engines that implement it.

The pipeline (api/pipeline) defines the interfaces and never imports an engine; the app
factory, the CLI and the eval runner build their Analyzer here.
"""

from __future__ import annotations

from api.builtin.parts import BUILTIN_PARTS
from api.config import Settings
from api.llm.types import LLMClient
from api.pipeline.analyze import Analyzer
from api.pipeline.cache import AnalysisCache
from api.pipeline.cpu import CpuRunner
from api.pipeline.engine import Engine


def make_analyzer(
    settings: Settings,
    client: LLMClient | None = None,
    builtin: Engine | None = None,
    cache: AnalysisCache | None = None,
    cpu: CpuRunner | None = None,
) -> Analyzer:
    """An Analyzer with the built-in engine wired in (`builtin` replaces it: tests)."""
    return Analyzer(settings, client, builtin, cache, cpu, parts=BUILTIN_PARTS)

"""Per-analysis work kept to what is needed (issue 18): a typical article is prepared on the
event loop (a thread hop cost more than the work), a long one still in a thread, so the loop
keeps answering meanwhile; no cache key is hashed while the cache is off."""

from __future__ import annotations

import asyncio
import threading

import pytest

from api.compose import make_analyzer
from api.config import Settings
from api.pipeline import analyze, cache
from api.pipeline.article import PreparedArticle, prepare_article
from api.pipeline.cache import cache_key
from schemas.request import AnalyzeRequest
from tests.fakes import ScriptedClient


@pytest.mark.parametrize(
    ("chars", "on_the_loop"),
    [(analyze.INLINE_PREPARE_CHARS, True), (analyze.INLINE_PREPARE_CHARS + 1, False)],
)
def test_where_an_article_is_prepared(
    monkeypatch: pytest.MonkeyPatch, chars: int, on_the_loop: bool
) -> None:
    threads: list[int] = []

    def recording(text: str, title: str | None = None) -> PreparedArticle:
        threads.append(threading.get_ident())
        return prepare_article(text, title)

    monkeypatch.setattr(analyze, "prepare_article", recording)
    sentence = "The minister said the talks would resume. "
    text = (sentence * (chars // len(sentence) + 1))[:chars]

    async def run() -> tuple[PreparedArticle, int]:
        return await analyze._prepared(AnalyzeRequest(text=text)), threading.get_ident()

    prepared, loop_thread = asyncio.run(run())
    assert prepared.sentences
    assert (threads == [loop_thread]) is on_the_loop


@pytest.mark.parametrize(("cache_size", "hashed"), [(0, 0), (8, 1)])
async def test_the_cache_key_is_worked_out_only_when_the_cache_is_on(
    monkeypatch: pytest.MonkeyPatch, llm_settings: Settings, cache_size: int, hashed: int
) -> None:
    keys: list[str] = []

    def recording(request: AnalyzeRequest, model: str) -> str:
        keys.append(model)
        return cache_key(request, model)

    monkeypatch.setattr(cache, "cache_key", recording)
    client = ScriptedClient({"headline": "h", "summary": "s", "key_points": ["k"]})
    settings = llm_settings.model_copy(update={"cache_size": cache_size})
    analysis = await make_analyzer(settings, client=client).analyze(
        AnalyzeRequest(text="The minister said the talks would resume.", tasks=["summary"])
    )
    assert analysis.summary is not None
    assert len(keys) == hashed

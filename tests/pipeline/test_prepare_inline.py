"""A typical article is prepared on the event loop (a thread hop cost more than the work,
issue 18); a long one still in a thread, so the loop keeps answering meanwhile."""

from __future__ import annotations

import asyncio
import threading

import pytest

from api.pipeline import analyze
from api.pipeline.article import PreparedArticle, prepare_article
from schemas.request import AnalyzeRequest


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

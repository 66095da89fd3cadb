"""Splitting a long article into parts (api/pipeline/chunking.py), on real text."""

from itertools import pairwise
from pathlib import Path

import pytest

from api.config import Settings
from api.llm.capabilities import ModelCapabilities
from api.pipeline.article import PreparedArticle, prepare_article
from api.pipeline.chunking import paragraph_breaks, plan_parts, sentence_tokens, split

LONG = Path(__file__).parents[1] / "data" / "long_article_kim.txt"


@pytest.fixture(scope="module")
def article() -> PreparedArticle:
    return prepare_article(LONG.read_text())


def test_the_fixture_is_a_long_real_article(article: PreparedArticle) -> None:
    assert len(article) >= 400
    assert len(LONG.read_bytes()) <= 200_000


@pytest.mark.parametrize("limit", [50, 200, 333])
def test_parts_cover_every_sentence_within_the_limit_with_overlap(
    article: PreparedArticle, limit: int
) -> None:
    parts = split(article, limit, overlap=2)
    assert parts[0].start == 0 and parts[-1].end == len(article)
    assert all(p.end - p.start <= limit for p in parts)
    for before, after in pairwise(parts):
        assert after.start == before.end - 2  # two sentences shared, none missed
    assert [p.index for p in parts] == list(range(1, len(parts) + 1))


def test_cuts_fall_on_paragraph_ends_when_one_is_near(article: PreparedArticle) -> None:
    breaks = paragraph_breaks(article)
    parts = split(article, 200, overlap=2)
    assert len(parts) >= 4
    for part in parts[:-1]:
        assert part.end - 1 in breaks  # the part ends a paragraph
        assert part.end - part.start > 160  # and was not cut short for it


def test_token_budget_keeps_parts_inside_the_context_window(article: PreparedArticle) -> None:
    tokens = sentence_tokens(article)
    parts = split(article, 200, token_budget=2_000, overlap=2)
    assert all(sum(tokens[p.start : p.end]) <= 2_000 for p in parts)
    assert parts[-1].end == len(article)
    assert len(parts) > len(split(article, 200, overlap=2))


def test_a_small_context_window_splits_an_article_under_the_sentence_limit(
    article: PreparedArticle,
) -> None:
    settings = Settings(_env_file=None, max_llm_sentences=1000, llm_max_tokens=1024)
    small = ModelCapabilities(json_schema=True, json_mode=True, context_tokens=8192)
    unknown = ModelCapabilities(json_schema=True, json_mode=True)
    parts = plan_parts(article, settings, [unknown, small])
    assert parts is not None and len(parts) > 1
    assert plan_parts(article, settings, [unknown]) is None  # one call holds it all


def test_part_limit_stops_the_split(article: PreparedArticle) -> None:
    parts = split(article, 100, overlap=2, max_parts=3)
    assert len(parts) == 3 and parts[-1].end < len(article)


def test_part_articles_are_numbered_from_one_and_see_only_their_text(
    article: PreparedArticle,
) -> None:
    part = split(article, 200, overlap=2)[1]
    own = part.article(article)
    assert [s.number for s in own.sentences] == list(range(1, part.end - part.start + 1))
    assert own.sentence(1).start == article.sentence(part.first_number).start
    assert len(own.text) == len(article.text)  # offsets stay global
    first = article.sentences[0]
    assert own.text[first.start : first.end].strip() == ""  # part 1's text is not there

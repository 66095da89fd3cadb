"""Extractive summary: the headline, the lead and the most central sentences, as written.

No spaCy needed, so it works for any language and when the model is missing. Nothing
is paraphrased: every word comes from the article.
"""

from __future__ import annotations

from api.pipeline.article import ArticleSentence, PreparedArticle
from api.pipeline.contract import content_words

_HEADLINE_WORDS = 15
_SUMMARY_WORDS = 80  # 2-4 sentences of wire copy
_SUMMARY_SENTENCES = 3
_KEY_POINT_WORDS = 30
_KEY_POINTS = 4


def headline(article: PreparedArticle) -> str:
    if article.title and article.title.strip():
        return " ".join(article.title.split())
    first = article.headline_sentence or (article.sentences[0] if article.sentences else None)
    if first is None:
        return ""
    words = first.clean.split()
    return " ".join(words[:_HEADLINE_WORDS]) + (" …" if len(words) > _HEADLINE_WORDS else "")


def _body(article: PreparedArticle) -> list[ArticleSentence]:
    skip = article.headline_sentence
    return [s for s in article.sentences if s is not skip]


def centrality(sentences: list[ArticleSentence]) -> dict[int, float]:
    """How much of the rest of the article a sentence shares words with (TextRank-lite)."""
    bags = {s.number: content_words(s.clean) for s in sentences}
    scores = {}
    for number, bag in bags.items():
        shared = sum(len(bag & other) for n, other in bags.items() if n != number)
        scores[number] = shared / (1 + len(bag)) ** 0.5
    return scores


def summarise(article: PreparedArticle) -> tuple[str, str, list[str]]:
    """(headline, summary, key points) from the article's own sentences."""
    body = _body(article)
    if not body:
        return headline(article), "", []
    scores = centrality(body)
    ranked = sorted(body[1:], key=lambda s: -scores[s.number])
    chosen, total = [body[0]], len(body[0].clean.split())
    for sentence in ranked:
        size = len(sentence.clean.split())
        if len(chosen) >= _SUMMARY_SENTENCES or total + size > _SUMMARY_WORDS:
            continue
        chosen.append(sentence)
        total += size
    in_summary = {s.number for s in chosen}
    summary = " ".join(s.clean for s in sorted(chosen, key=lambda s: s.number))
    return headline(article), summary, _key_points(ranked, in_summary, chosen)


def _key_points(
    ranked: list[ArticleSentence], in_summary: set[int], chosen: list[ArticleSentence]
) -> list[str]:
    short = [s for s in ranked if len(s.clean.split()) <= _KEY_POINT_WORDS]
    picked = [s for s in short if s.number not in in_summary][:_KEY_POINTS]
    if len(picked) < 3:
        picked += [s for s in chosen if s not in picked][: 3 - len(picked)]
    return [s.clean for s in sorted(picked, key=lambda s: s.number)]

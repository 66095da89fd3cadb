"""The second stage of relatedness: the reader's checks as features, a learned decision."""

from __future__ import annotations

import json

import pytest

from api.builtin.nlp import parse_texts
from api.builtin.relatedness2 import ARTIFACT, FEATURES, SecondStage, features, load_second_stage

ARTICLE = [
    "The bakery chain Kettle & Crumb said on Thursday it would open ten new shops.",
    "Chief executive Sunita Rao said the company had raised money from investors.",
    "The new shops will create about 150 jobs.",
    "Rao said the chain would keep baking its bread in Sheffield.",
]


def _x(claim: str, article: list[str], p_model: float = 0.9) -> dict[str, float]:
    docs = parse_texts(article)
    (doc,) = parse_texts([claim])
    relevance = [0.5] + [0.1] * (len(article) - 1)
    return dict(zip(FEATURES, features(doc, docs, p_model, relevance), strict=True))


def test_a_verb_the_article_never_uses_weighs_with_the_articles_length() -> None:
    x = _x("Kettle & Crumb is being bought by a supermarket group", ARTICLE)
    assert x["predicate_missing"] == 1.0 and x["predicate_in_top"] == 0.0
    assert x["predicate_missing_x_length"] == pytest.approx(1.6094, abs=1e-3)  # log(1 + 4)
    assert x["content_missing"] == pytest.approx(3 / 5)  # bought, supermarket, group
    headline = _x("Kettle & Crumb is being bought by a supermarket group", ARTICLE[:1])
    assert headline["predicate_missing_x_length"] == pytest.approx(0.6931, abs=1e-3)


def test_the_verb_with_its_subject_and_object_in_a_relevant_sentence() -> None:
    x = _x("Kettle & Crumb will open ten new shops", ARTICLE)
    assert (x["predicate_missing"], x["predicate_in_top"], x["no_predicate"]) == (0.0, 1.0, 0.0)
    assert x["arguments_with_predicate"] == 1.0  # Crumb (subject), shops (object)
    assert x["content_missing"] == 0.0


def test_the_stored_stage_is_a_logistic_regression_over_these_features() -> None:
    stage = load_second_stage()
    data = json.loads(ARTIFACT.read_text(encoding="utf-8"))
    assert tuple(data["features"]) == FEATURES and 0.05 <= stage.threshold <= 0.95
    # a missing verb in a long article lowers P(related)
    assert len(stage.coef) == 2 * len(FEATURES) - 1  # main effects, products with the logit
    coef = dict(zip(FEATURES, stage.coef[: len(FEATURES)], strict=True))
    assert coef["logit_p_model"] > 0
    assert coef["predicate_missing_x_length"] + coef["predicate_missing"] < 0
    mean = list(stage.mean)
    assert stage.p_related(mean) == pytest.approx(1 / (1 + 2.718281828**-stage.intercept))


def test_an_artifact_for_other_features_is_refused() -> None:
    data = json.loads(ARTIFACT.read_text(encoding="utf-8"))
    data["features"] = data["features"][:-1]
    with pytest.raises(ValueError, match="other features"):
        SecondStage.from_json(data)


def test_the_word_sets_answer_as_the_tokens_do() -> None:
    # make train-relatedness tests hundreds of verbs per article on the sets
    from api.builtin.relatedness import ArticleWords, predicate_in, predicate_present

    docs = parse_texts(ARTICLE)
    article = ArticleWords.of(docs)
    verbs = ["open", "raise", "bake", "keep", "create", "buy", "deploy", "train", "say", "ship"]
    assert [predicate_in(v, article) for v in verbs] == [predicate_present(v, docs) for v in verbs]
    assert predicate_in("bake", article) and not predicate_in("buy", article)


def test_only_the_words_the_corpus_writes_as_names_must_be_in_the_article() -> None:
    from api.builtin.claimmodel.features import Idf
    from api.builtin.claimmodel.text import read
    from api.builtin.relatedness import _Vocabulary, missing_names
    from api.builtin.relatedness2 import corpus_names

    def stem(word: str) -> str:
        return next(iter(read(word).content_set))

    # the bodies write "sick" and "mum" in lower case, "China" capitalised
    idf = Idf({stem("sick"): 2.0, stem("mum"): 3.0, stem("china"): 4.0}, 9.0,
              frozenset({stem("china")}))  # fmt: skip
    article = parse_texts(["Mother Jane Doe was sedated after she tried to eat her baby."])
    (headline,) = parse_texts(["Sick Mum Sedated After Trying To Eat Baby"])
    assert [e.text for e in headline.ents] == ["Sick Mum"]  # spaCy: a PERSON
    assert missing_names(headline, _Vocabulary(article)) == ["Sick Mum"]  # before
    assert missing_names(headline, _Vocabulary(article), corpus_names(idf)) == []
    (claim,) = parse_texts(["China sent troops to Ukraine"])
    news = parse_texts(["North Korea sent troops to Russia, Ukraine said."])
    assert missing_names(claim, _Vocabulary(news), corpus_names(idf)) == ["China"]

"""The second stage of relatedness: the claim model's P(related) and a reader's checks of
the claim's predicate (its verb, its subject and object, its other words) as features of a
small learned model.

The claim model (stage one) reads plain text: "Kettle & Crumb is being bought by a
supermarket group" shares the company's name with an article on its expansion, and the
model is 0.98 sure. What a reader checks — is the verb there, near the claim's subject and
object, are the claim's other words there — needs the parse, so it comes here, as
features, with weights learned on training rows (claimmodel/train_relatedness.py) instead
of hand-set gates: a missing verb weighs little in a one-line headline that paraphrases it
("caused flooding" → "floods") and much in a long article that never uses it.

Whether the rules find a sentence naming the claim's event and subject
(claims.mentions_claim) is a feature too: it was an override that made a claim mentioned
whatever the learned P, and sent articles on another event about the same people (an
ISIS article for a claim on Baghdadi's death) to a verdict.

The names check (relatedness.missing_names) stays a gate in front of it, on the words the
training corpus writes as names (corpus_names): learned as a
feature too (measured), it lost more than it won — a claim naming China against an
article on North Korea and Russia came back related, swapped entities of the near-miss set
went 92.1 % → 72.9 % not_mentioned — because training claims' own headlines often name
what their bodies put otherwise. The model is fitted on the training rows that pass it.

The model is a logistic regression on standardised features and their products with
stage one's logit (a missing verb means more when stage one is unsure), stored as numbers in
JSON (artifact/relatedness2.json): it loads in microseconds and is reproduced bit for bit.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from spacy.tokens import Doc, Token

from api.builtin import relatedness as checks
from api.builtin.claimmodel.features import Idf
from api.builtin.claimmodel.text import read

ARTIFACT = Path(__file__).parent / "claimmodel" / "artifact" / "relatedness2.json"
TOP = 3  # sentences the claim model finds most relevant: where the predicate should be
FEATURES: tuple[str, ...] = (
    "logit_p_model",  # stage one, clipped to ±6
    "no_predicate",  # the claim has no main verb that carries meaning
    "predicate_missing",  # it has one, and no sentence uses it or a synonym
    "predicate_missing_x_length",  # the same times log(1 + sentences): long articles
    "predicate_in_top",  # a top-3 relevant sentence uses it
    "arguments_with_predicate",  # share of its subject/object words in such a sentence
    "content_missing",  # share of the claim's content words (verb too) the article lacks
    "rules_match",  # a sentence names the claim's event and subject (claims.mentions_claim)
)
_ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "attr", "dative", "oprd", "pobj"})
_CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM"})


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return max(-6.0, min(6.0, math.log(p / (1 - p))))


def _root(claim: Doc, lemma: str) -> Token | None:
    return next((s.root for s in claim.sents if s.root.lemma_.lower() == lemma), None)


def _arguments(verb: Token) -> list[str]:
    """Lower-cased heads of the verb's subject, object and prepositional objects."""
    found = []
    for child in verb.children:
        heads = [child] if child.dep_ in _ARGUMENT_DEPS else []
        if child.dep_ in {"prep", "agent"}:
            heads = [g for g in child.children if g.dep_ == "pobj"]
        found += [h.lower_ for h in heads if not h.is_stop and h.pos_ != "PRON" and h.is_alpha]
    return found


def features(
    claim: Doc,
    docs: Sequence[Doc],
    p_model: float,
    relevance: Sequence[float],
    rules_match: bool = False,
) -> list[float]:
    """FEATURES of a claim against an article's sentences (one Doc each); `relevance`:
    the claim model's per-sentence relevance, in article order; `rules_match`: a sentence
    names the claim's event and subject."""
    vocabulary = checks._Vocabulary(docs)
    lemma = checks.main_predicate(claim)
    top = sorted(range(len(relevance)), key=lambda i: (-relevance[i], i))[:TOP]
    with_verb = checks.sentences_with_predicate(lemma, docs) if lemma else []
    verb_missing = float(lemma is not None and not with_verb)
    root = _root(claim, lemma) if lemma else None
    arguments = _arguments(root) if root is not None else []
    argument_share = 0.0
    for i in with_verb:
        sentence = checks._Vocabulary(docs[i : i + 1])
        share = sum(sentence.has_word(a) for a in arguments) / len(arguments) if arguments else 1.0
        argument_share = max(argument_share, share)
    content = [t.lower_ for t in claim if t.pos_ in _CONTENT_POS and not t.is_stop and t.is_alpha]
    content_missing = (
        sum(not vocabulary.has_word(w) for w in content) / len(content) if content else 0.0
    )
    return [
        _logit(p_model),
        float(lemma is None),
        verb_missing,
        verb_missing * math.log1p(len(docs)),
        float(any(i in with_verb for i in top)),
        argument_share,
        content_missing,
        float(rules_match),
    ]


def with_interactions(Z: np.ndarray) -> np.ndarray:
    """Standardised features and their products with stage one's logit (column 0)."""
    return np.hstack([Z, Z[:, :1] * Z[:, 1:]])


@dataclass(frozen=True)
class SecondStage:
    version: str
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float  # chosen on training folds (train_relatedness.choose_threshold)

    def p_related(self, x: Sequence[float]) -> float:
        standard = [(v - m) / s for v, m, s in zip(x, self.mean, self.scale, strict=True)]
        terms = with_interactions(np.array([standard]))[0]
        z = self.intercept + float(np.dot(self.coef, terms))
        return 1.0 / (1.0 + math.exp(-z))

    @classmethod
    def from_json(cls, data: dict[str, object]) -> SecondStage:
        if tuple(data["features"]) != FEATURES:  # type: ignore[arg-type]
            raise ValueError("relatedness2.json was written for other features; retrain it")
        return cls(
            str(data["version"]),
            tuple(data["mean"]),  # type: ignore[arg-type]
            tuple(data["scale"]),  # type: ignore[arg-type]
            tuple(data["coef"]),  # type: ignore[arg-type]
            float(data["intercept"]),  # type: ignore[arg-type]
            float(data["threshold"]),  # type: ignore[arg-type]
        )


def assess_relatedness(
    claim: Doc,
    docs: Sequence[Doc],
    p_model: float,
    rules_match: bool = False,
    relevance: Sequence[float] | None = None,
) -> checks.Relatedness:
    """The checks (kept to explain a decision) and the second stage's P(related)."""
    lemma = checks.main_predicate(claim)
    missing_verb = lemma if lemma and not checks.predicate_present(lemma, docs) else None
    missing = tuple(checks.missing_names(claim, checks._Vocabulary(docs), _model_names()))
    stage = load_second_stage()
    relevance = relevance if relevance is not None else [0.0] * len(docs)
    x = features(claim, docs, p_model, relevance, rules_match)
    return checks.Relatedness(
        p_model, missing, missing_verb, rules_match, stage.p_related(x), stage.threshold
    )


def corpus_names(idf: Idf) -> checks.NameTest:
    """Whether a word is a name by how the training corpus writes it: a stem the bodies
    capitalise mid-sentence (Idf.proper) or one too rare to have a weight."""

    def is_name(word: str) -> bool:
        stems = read(word).content_set
        return not stems or any(s in idf.proper or s not in idf.weights for s in stems)

    return is_name


def _model_names() -> checks.NameTest:
    from api.builtin.claimmodel import load_claim_model  # loaded once, by the engine too

    return corpus_names(load_claim_model().idf)


_lock = threading.Lock()
_cached: dict[Path, SecondStage] = {}


def load_second_stage(path: Path = ARTIFACT) -> SecondStage:
    """The stored second stage, once per process (`make train-relatedness` writes it)."""
    with _lock:
        if path not in _cached:
            data = json.loads(path.read_text(encoding="utf-8"))
            _cached[path] = SecondStage.from_json(data)
        return _cached[path]


__all__ = [
    "ARTIFACT",
    "FEATURES",
    "SecondStage",
    "assess_relatedness",
    "corpus_names",
    "features",
    "load_second_stage",
]

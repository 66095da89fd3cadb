"""The trained claim model at run time: load once, assess a claim against sentences."""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from api.builtin.claimmodel.data import STANCES
from api.builtin.claimmodel.features import (
    FEATURES_VERSION,
    SENTENCE_NAMES,
    ClaimView,
    Idf,
    article_vector,
    evidence_text,
    sentence_matrix,
)
from api.builtin.claimmodel.inference import Predictors
from api.builtin.claimmodel.text import read

ARTIFACT_DIR = Path(__file__).parent / "artifact"
# The exported arrays (export.py) with claim_model.json beside them; claim_model.joblib
# (scikit-learn objects) is the training record and never loaded at run time.
ARTIFACT = ARTIFACT_DIR / "claim_model.npz"
EXPORT_FORMAT = 1
Verdict = Literal["confirmed", "denied", "unconfirmed", "not_mentioned"]
SpeechAct = Literal["asserts", "denies", "questions", "reports"]
SPEECH_ACTS: tuple[SpeechAct, ...] = ("asserts", "denies", "questions", "reports")
VERDICT_OF_STANCE: dict[str, Verdict] = {
    "agree": "confirmed",
    "disagree": "denied",
    "discuss": "unconfirmed",
}
MIN_RELEVANCE = 0.25  # a sentence covering less of the claim's weighted words is not evidence
MAX_EVIDENCE = 5
_COV = SENTENCE_NAMES.index("cov")
_HEDGED = [SENTENCE_NAMES.index(n) for n in ("has_hedge", "question")]


class ClaimModelError(RuntimeError):
    """The artifact is missing or was written by another feature or library version."""


@dataclass(frozen=True)
class SentenceAssessment:
    index: int  # 0-based position in the sentences given
    relevance: float  # IDF-weighted share of the claim's words the sentence carries, 0..1
    speech_acts: dict[SpeechAct, float]  # what the sentence does with the claim; sums to 1

    @property
    def speech_act(self) -> SpeechAct:
        return max(self.speech_acts, key=lambda act: self.speech_acts[act])


@dataclass(frozen=True)
class ClaimAssessment:
    related: float  # calibrated P(the article is about the claim)
    stance: dict[str, float]  # calibrated P(agree | disagree | discuss), given related
    verdict: Verdict
    confidence: float  # calibrated probability of the verdict
    sentences: list[SentenceAssessment]  # every sentence, in article order
    evidence: list[int]  # ≤ 5 indices of the most decisive sentences, most decisive first
    model_version: str


def _words(packed: np.ndarray) -> list[str]:
    return packed.tobytes().decode("utf-8").split("\n") if len(packed) else []


@dataclass
class _Rows:
    """One claim's features: the article row, one row per sentence as a one-sentence
    article, and their evidence texts."""

    article: np.ndarray
    singles: list[np.ndarray]
    texts: list[str]
    sentence_rows: np.ndarray

    @property
    def shared(self) -> bool:
        """The one sentence's row is the article row (_rows): predicted once."""
        return len(self.singles) == 1 and self.singles[0] is self.article

    @property
    def predicted(self) -> tuple[list[np.ndarray], list[str]]:
        """The distinct rows to predict, with their evidence texts."""
        if self.shared:
            return [self.article], self.texts[:1]
        return [self.article, *self.singles], self.texts


class ClaimModel:
    def __init__(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.version: str = meta["version"]
        stems, weights = _words(arrays["idf_stems"]), arrays["idf_weights"].tolist()
        proper = frozenset(_words(arrays["idf_proper"]))
        self.idf = Idf(dict(zip(stems, weights, strict=True)), meta["idf_unseen"], proper)
        # Chosen on the training folds (evaluate.choose_threshold), recorded in the card.
        self.related_threshold: float = meta["related_threshold"]
        self._model = Predictors(arrays, meta["text_domains"])

    def assess(self, claim: str, sentences: Sequence[str]) -> ClaimAssessment:
        return self.assess_many([(claim, sentences)])[0]

    def assess_many(self, items: Sequence[tuple[str, Sequence[str]]]) -> list[ClaimAssessment]:
        """Each claim against its sentences, with one call per model for all of them: a
        booster's cost is per call (one pass over its trees), not per row. Each answer
        equals assess's: every row is predicted on its own."""
        if not items:
            return []
        rows = [self._rows(claim, sentences) for claim, sentences in items]
        X = np.vstack([r.article for r in rows])
        related = self._model.related(X)
        predicted = [r.predicted for r in rows]
        stacked = np.vstack([row for own, _ in predicted for row in own])
        stances = self._model.stance_probs(stacked, [t for _, texts in predicted for t in texts])
        out, at = [], 0
        for i, r in enumerate(rows):
            n = len(predicted[i][0])
            probs = stances[at : at + n]
            if r.shared:  # the article's stance is its one sentence's
                probs = probs[[0, 0]]
            out.append(self._assessment(float(related[i]), probs, r.sentence_rows))
            at += n
        return out

    def _rows(self, claim: str, sentences: Sequence[str]) -> _Rows:
        tokens = [read(s) for s in sentences]
        view = ClaimView.of(claim, self.idf)
        rows = sentence_matrix(view, tokens)
        x = article_vector(claim, view, tokens, rows, "\n".join(sentences), self.idf)
        # The article and each sentence as a one-sentence article. Most claims are found in
        # one sentence (126 of 159 on 40 FNC-1 articles): that sentence's row is the
        # article's (the same tokens, rows and text), so it is not computed twice.
        singles = (
            [x]
            if len(sentences) == 1
            else [
                article_vector(
                    claim, view, tokens[i : i + 1], rows[i : i + 1], sentences[i], self.idf
                )
                for i in range(len(sentences))
            ]
        )
        texts = [evidence_text(tokens, rows), *(" ".join(t.stems) for t in tokens)]
        return _Rows(x, singles, texts, rows)

    def _assessment(self, related: float, stances: np.ndarray, rows: np.ndarray) -> ClaimAssessment:
        stance = stances[0]
        per_sentence = _sentences(stances[1:], rows)
        top = int(stance.argmax())
        if related < self.related_threshold or not len(rows):
            verdict: Verdict = "not_mentioned"
            confidence = 1.0 - related
            evidence: list[int] = []
        else:
            verdict = VERDICT_OF_STANCE[STANCES[top]]
            confidence = related * float(stance[top])
            evidence = _decisive(per_sentence, STANCES[top])
        return ClaimAssessment(
            related=related,
            stance={s: float(p) for s, p in zip(STANCES, stance, strict=True)},
            verdict=verdict,
            confidence=confidence,
            sentences=per_sentence,
            evidence=evidence,
            model_version=self.version,
        )

    def stances(self, items: Sequence[tuple[str, Sequence[str]]]) -> list[dict[str, float]]:
        """P(agree | disagree | discuss), given related, of each claim against its
        sentences (assess's `stance`): one call to the stance model for all of them, whose
        cost is per call, and no relatedness or per-sentence rows (the LLM cross-check of
        stances)."""
        if not items:
            return []
        rows, texts = [], []
        for claim, sentences in items:
            tokens = [read(s) for s in sentences]
            view = ClaimView.of(claim, self.idf)
            matrix = sentence_matrix(view, tokens)
            joined = "\n".join(sentences)
            rows.append(article_vector(claim, view, tokens, matrix, joined, self.idf))
            texts.append(evidence_text(tokens, matrix))
        probs = self._model.stance_probs(np.vstack(rows), texts)
        return [{s: float(p) for s, p in zip(STANCES, row, strict=True)} for row in probs]

    def claim_similarity(self, a: str, b: str) -> float:
        """Cosine of the IDF-weighted stems of two claims, 0..1 (claims across articles)."""
        wa, wb = ClaimView.of(a, self.idf).weights, ClaimView.of(b, self.idf).weights
        dot = sum(w * wb.get(s, 0.0) for s, w in wa.items())
        norm = math.sqrt(sum(w * w for w in wa.values()) * sum(w * w for w in wb.values()))
        return dot / norm if norm else 0.0


def _sentences(probs: np.ndarray, rows: np.ndarray) -> list[SentenceAssessment]:
    """Speech acts from each sentence's stance probabilities; a hedged one questions."""
    out = []
    for i, (agree, disagree, discuss) in enumerate(probs):
        hedged = bool(rows[i, _HEDGED].any())
        acts: dict[SpeechAct, float] = {
            "asserts": float(agree),
            "denies": float(disagree),
            "questions": float(discuss) if hedged else 0.0,
            "reports": 0.0 if hedged else float(discuss),
        }
        out.append(SentenceAssessment(i, float(rows[i, _COV]), acts))
    return out


def _decisive(sentences: list[SentenceAssessment], stance: str) -> list[int]:
    """Relevant sentences ranked by relevance × how strongly they do what the verdict says."""
    act: SpeechAct = {"agree": "asserts", "disagree": "denies"}.get(stance, "questions")  # type: ignore[assignment]

    def weight(s: SentenceAssessment) -> float:
        doing = s.speech_acts[act] + (s.speech_acts["reports"] if act == "questions" else 0.0)
        return s.relevance * (0.5 + doing)

    ranked = sorted(
        (s for s in sentences if s.relevance >= MIN_RELEVANCE), key=lambda s: (-weight(s), s.index)
    )
    return [s.index for s in ranked[:MAX_EVIDENCE]]


_lock = threading.Lock()
_cached: dict[Path, ClaimModel] = {}


def load_claim_model(path: Path = ARTIFACT) -> ClaimModel:
    """The model, loaded once per process (thread-safe)."""
    with _lock:
        if path not in _cached:
            _cached[path] = read_claim_model(path)
        return _cached[path]


def read_claim_model(path: Path = ARTIFACT) -> ClaimModel:
    """The exported model at `path` (.npz, with its .json beside it), not cached."""
    meta_path = path.with_suffix(".json")
    if not path.exists() or not meta_path.exists():
        raise ClaimModelError(f"no claim model at {path}; build it with `make train`")
    meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
    expected = {"features_version": FEATURES_VERSION, "format": EXPORT_FORMAT}
    found = {k: meta.get(k) for k in expected}
    if found != expected:
        raise ClaimModelError(
            f"claim model {path} was built for {found}, this code needs {expected}; "
            "rebuild it with `make train`"
        )
    with np.load(path) as npz:
        arrays = {name: npz[name] for name in npz.files}
    return ClaimModel(meta, arrays)


__all__ = [
    "ClaimAssessment",
    "ClaimModel",
    "ClaimModelError",
    "SentenceAssessment",
    "load_claim_model",
    "read_claim_model",
]

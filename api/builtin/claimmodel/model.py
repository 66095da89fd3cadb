"""The trained claim model at run time: load once, assess a claim against sentences."""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import joblib
import numpy as np
import sklearn
from threadpoolctl import ThreadpoolController

from api.builtin.claimmodel.crossval import FittedModel
from api.builtin.claimmodel.data import STANCES
from api.builtin.claimmodel.features import (
    SENTENCE_NAMES,
    ClaimView,
    Idf,
    article_vector,
    evidence_text,
    sentence_matrix,
)
from api.builtin.claimmodel.table import FEATURES_VERSION
from api.builtin.claimmodel.text import read

ARTIFACT = Path(__file__).parent / "artifact" / "claim_model.joblib"
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


@functools.cache
def _threadpools() -> ThreadpoolController:
    """Found once, on first use (the model's libraries are loaded by then): looking for the
    thread pools took 12 ms per call, a fifth of a claim's assessment."""
    return ThreadpoolController()


class ClaimModel:
    def __init__(self, artifact: dict[str, Any]) -> None:
        self.version: str = artifact["version"]
        self.idf = Idf(
            artifact["idf_weights"],
            artifact["idf_unseen"],
            frozenset(artifact["idf_proper"]),
        )
        # Chosen on the training folds (evaluate.choose_threshold), recorded in the card.
        self.related_threshold: float = artifact["related_threshold"]
        self._model = FittedModel(artifact["related"], artifact["stance"], artifact["text"])

    def assess(self, claim: str, sentences: Sequence[str]) -> ClaimAssessment:
        # One thread for BLAS and OpenMP throughout, as in training: a multi-threaded BLAS
        # sums in another order, and a last-bit difference can cross a tree's threshold
        # (seen: P(related) 0.076 vs 0.118 for one probe). Threads cost more than they
        # save on one article anyway.
        with _threadpools().limit(limits=1):
            return self._assess(claim, sentences)

    def _assess(self, claim: str, sentences: Sequence[str]) -> ClaimAssessment:
        tokens = [read(s) for s in sentences]
        view = ClaimView.of(claim, self.idf)
        rows = sentence_matrix(view, tokens)
        x = article_vector(claim, view, tokens, rows, "\n".join(sentences), self.idf)
        # The article and each sentence as a one-sentence article, in one call per model:
        # a booster's cost is per call (one pass over its trees), not per row.
        singles = [
            article_vector(claim, view, tokens[i : i + 1], rows[i : i + 1], sentences[i], self.idf)
            for i in range(len(sentences))
        ]
        X = np.vstack([x, *singles])
        texts = np.array([evidence_text(tokens, rows), *(" ".join(t.stems) for t in tokens)])
        related = float(self._model.related.predict_proba(x[None, :])[0, 1])
        stances = self._model.stance_probs(X, texts)
        stance = stances[0]
        per_sentence = _sentences(stances[1:], rows)
        top = int(stance.argmax())
        if related < self.related_threshold or not sentences:
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
        with _threadpools().limit(limits=1):
            for claim, sentences in items:
                tokens = [read(s) for s in sentences]
                view = ClaimView.of(claim, self.idf)
                matrix = sentence_matrix(view, tokens)
                joined = "\n".join(sentences)
                rows.append(article_vector(claim, view, tokens, matrix, joined, self.idf))
                texts.append(evidence_text(tokens, matrix))
            probs = self._model.stance_probs(np.vstack(rows), np.array(texts))
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
            _cached[path] = ClaimModel(_read_artifact(path))
        return _cached[path]


def _read_artifact(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise ClaimModelError(f"no claim model at {path}; build it with `make train`")
    artifact: dict[str, Any] = joblib.load(path)
    expected = {"features_version": FEATURES_VERSION, "sklearn": sklearn.__version__}
    found = {k: artifact.get(k) for k in expected}
    if found != expected:
        raise ClaimModelError(
            f"claim model {path} was built for {found}, this code needs {expected}; "
            "rebuild it with `make train`"
        )
    return artifact


__all__ = [
    "ClaimAssessment",
    "ClaimModel",
    "ClaimModelError",
    "SentenceAssessment",
    "load_claim_model",
]

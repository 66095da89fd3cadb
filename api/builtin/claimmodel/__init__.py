"""The claim model: is an article about a claim, and what does it do with it?

Trained on public news data (FNC-1 headline–body pairs and Emergent claim–headline
pairs, `make train`; MODEL_CARD.md in artifact/ has data, folds, exclusions and scores),
run from arrays exported after training with NumPy only (export.py, inference.py).
It reads plain text only (a regex tokenizer and a Snowball stemmer: no spaCy parse), so
it costs a small fraction of the engine's own parse.

Use::

    from api.builtin.claimmodel import load_claim_model

    model = load_claim_model()                # cached per process; ~0.05 s the first time
    result = model.assess(claim, sentences)   # sentences: the article's, in order
    results = model.assess_many([(claim, sentences), ...])  # one call per booster for all
    result.related      # calibrated P(the article is about the claim)
    result.stance       # {"agree": p, "disagree": p, "discuss": p}, given related
    result.verdict      # confirmed | denied | unconfirmed | not_mentioned
    result.confidence   # calibrated probability of that verdict
    model.related_threshold   # related below it -> not_mentioned (chosen on training folds,
                              # above 0.5: a near miss reads as related more often than not,
                              # so not_mentioned's confidence 1 - related can be < 0.5)
    result.evidence     # ≤ 5 sentence indices (0-based), most decisive first
    result.sentences[i].relevance    # share of the claim's weighted words in sentence i
    result.sentences[i].speech_act   # asserts | denies | questions | reports
    result.model_version             # goes into the response's meta
    model.claim_similarity(a, b)     # 0..1, for matching claims across articles

Mapping to contract v2: `verdict` is a caller claim's status (the model has no
"disputed": that needs who-says-what from the attribution layer, e.g. evidence with both
`asserts` and `denies` speech acts); `confidence` is the claim's confidence; `evidence`
with each sentence's `speech_act` is the evidence list (indices + 1 = sentence numbers).
To cross-check an LLM's claim, assess its text against the article and compare verdicts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from api.builtin.claimmodel.model import (
        ClaimAssessment,
        ClaimModel,
        ClaimModelError,
        SentenceAssessment,
        load_claim_model,
    )

__all__ = [
    "ClaimAssessment",
    "ClaimModel",
    "ClaimModelError",
    "SentenceAssessment",
    "load_claim_model",
]


def __getattr__(name: str) -> Any:
    """Lazy: importing a helper module (metrics, text) must not load the model."""
    if name in __all__:
        from api.builtin.claimmodel import model

        return getattr(model, name)
    raise AttributeError(name)

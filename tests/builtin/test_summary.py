"""Summaries: the lead, as written, never a caption, credit or stamp (issue 13)."""

from __future__ import annotations

from api.builtin.summary import summarise
from api.pipeline.article import prepare_article
from tests.builtin.test_boilerplate import CNNDM

# cnndm_sample100.jsonl (CNN, "Ralph Mata"), first four sentences.
CNN = (
    "(CNN) -- Ralph Mata was an internal affairs lieutenant for the Miami-Dade Police "
    "Department, working in the division that investigates allegations of wrongdoing by cops. "
    "Outside the office, authorities allege that the 45-year-old longtime officer worked with "
    "a drug trafficking organization to help plan a murder plot and get guns. A criminal "
    "complaint unsealed in U.S. District Court in New Jersey Tuesday accuses Mata, also known "
    'as "The Milk Man," of using his role as a police officer to help the drug trafficking '
    "organization in exchange for money and gifts, including a Rolex watch. In one instance, "
    "the complaint alleges, Mata arranged to pay two assassins to kill rival drug dealers."
)


def test_the_summary_is_the_lead_in_order() -> None:
    article = prepare_article(CNN)
    _, summary, key_points = summarise(article)
    assert summary == " ".join(s.clean for s in article.sentences[:3])
    assert len(key_points) >= 3


def test_stamps_and_captions_never_reach_the_summary() -> None:
    """Before: "By . Associated Press . PUBLISHED: ." and the "(pictured)" caption led it."""
    _, summary, _ = summarise(prepare_article(CNNDM))
    assert summary.startswith("The bishop of the Fargo Catholic Diocese")
    for junk in ("By .", "PUBLISHED", "(pictured)", "EST"):
        assert junk not in summary


def test_a_fragment_in_the_lead_is_passed_over() -> None:
    """A one-line quote under 10 words is colour, not the story."""
    text = (
        "Officials said on Monday that the bridge will stay closed for at least two more weeks. "
        '"It is a scandal," one said. '
        "Engineers found cracks in two of the main supports during a routine inspection last "
        "month. The council has asked the national roads agency to pay for the repairs."
    )
    _, summary, _ = summarise(prepare_article(text))
    assert "scandal" not in summary
    assert summary.endswith("pay for the repairs.")


def test_the_headline_comes_from_the_title_when_given() -> None:
    headline, _, _ = summarise(prepare_article(CNN, title="Police lieutenant accused"))
    assert headline == "Police lieutenant accused"

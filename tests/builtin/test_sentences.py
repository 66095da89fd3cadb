"""Sentence splitting: a title before a name never ends a sentence (issue 13)."""

from __future__ import annotations

import pytest

from api.pipeline.article import prepare_article

# Real lines from FNC-1 train bodies where syntok ended a sentence on the title.
LINES = [
    "WASHINGTON, Oct. 9 (UPI) -- Homeland Security Secretary Jeh Johnson took to CNN to "
    "publicly counter claims made by Republican Rep. Duncan D. Hunter that Islamic State "
    "militants have been detained attempting to enter the United States from Mexico.",
    "Homeland Security Secretary Jeh Johnson is pushing back against a claim made by Rep. "
    "Duncan Hunter that at least 10 Islamic State of Iraq and the Levant fighters were "
    "apprehended trying to come into the U.S. from Mexico.",
    "In September, Republican Rep. Jason Chaffetz of Utah claimed that four men linked to "
    "terrorist organizations tried to cross the border earlier that month.",
]


@pytest.mark.parametrize("line", LINES)
def test_a_title_does_not_end_a_sentence(line: str) -> None:
    assert [s.text for s in prepare_article(line).sentences] == [line]


@pytest.mark.parametrize("title", ["Rep.", "Sen.", "Gov.", "Pres.", "Gen.", "Lt.", "Dr.", "St.",
                                   "Mr.", "Ms.", "Mrs."])  # fmt: skip
def test_every_title_keeps_the_name_with_it(title: str) -> None:
    text = f"The claim was made by {title} Hunter on Monday. Officials denied it."
    sentences = [s.text for s in prepare_article(text).sentences]
    assert sentences == [f"The claim was made by {title} Hunter on Monday.", "Officials denied it."]


def test_offsets_still_point_into_the_text() -> None:
    text = "Intro line\n" + LINES[0]
    article = prepare_article(text)
    for sentence in article.sentences:
        assert text[sentence.start : sentence.end] == sentence.text

"""Boilerplate (credits, bylines, captions, link lines) is skipped with a reason: one test
per pattern of api/pipeline/boilerplate.yaml, on the real line it was written for."""

from __future__ import annotations

import pytest

from api.builtin.engine import analyse
from api.pipeline.article import prepare_article
from api.pipeline.boilerplate import BoilerplatePattern, match, patterns
from tests.builtin.conftest import job_for

# A real lead (FNC-1 train body, Reuters): the prose every example is appended to.
LEAD = (
    "Iraqi pilots who have joined Islamic State in Syria are training members of the group "
    "to fly in three captured fighter jets, a group monitoring the war said on Friday."
)
# A CNN/DailyMail article as the dataset stores it: one line, byline stamps and a caption
# run into the text, each ending in " ." (cnndm_sample100.jsonl, first row, shortened).
CNNDM = (
    "By . Associated Press . PUBLISHED: . 14:11 EST, 25 October 2013 . | . UPDATED: . "
    "15:36 EST, 25 October 2013 . The bishop of the Fargo Catholic Diocese in North Dakota "
    "has exposed potentially hundreds of church members in Fargo, Grand Forks and Jamestown "
    "to the hepatitis A virus in late September and early October. Bishop John Folda "
    "(pictured) of the Fargo Catholic Diocese in North Dakota has exposed potentially "
    "hundreds of church members in Fargo, Grand Forks and Jamestown to the hepatitis A . "
    "State Immunization Program Manager Molly Howell says the risk is low, but officials feel "
    "it's important to alert people to the possible exposure."
)


@pytest.mark.parametrize("pattern", patterns(), ids=lambda p: p.name)
def test_each_pattern_matches_its_real_line(pattern: BoilerplatePattern) -> None:
    found = match(pattern.example)
    assert found is not None and found.name == pattern.name


@pytest.mark.parametrize("pattern", patterns(), ids=lambda p: p.name)
def test_a_boilerplate_line_is_skipped_with_its_reason(pattern: BoilerplatePattern) -> None:
    text = f"{LEAD}\n{pattern.example}\n"
    article = prepare_article(text)
    assert [s.text for s in article.sentences] == [LEAD]
    ((start, end),) = article.skipped
    assert text[start:end] == pattern.example.strip()
    assert article.skip_reasons == [pattern.reason]


@pytest.mark.parametrize("pattern", patterns(), ids=lambda p: p.name)
def test_a_boilerplate_line_yields_no_actor_and_no_summary_line(
    pattern: BoilerplatePattern,
) -> None:
    contract, _ = analyse(job_for(f"{LEAD}\n{pattern.example}\n"))
    assert pattern.example.strip() not in contract.summary
    for actor in contract.actors:
        assert actor.name.lower() in LEAD.lower(), f"{actor.name!r} from {pattern.example!r}"


def test_stamps_and_captions_inside_a_one_line_article_are_skipped_one_by_one() -> None:
    article = prepare_article(CNNDM)
    assert article.sentences[0].text.startswith("The bishop of the Fargo Catholic Diocese")
    assert [s.text[:20] for s in article.sentences[1:]] == ["State Immunization P"]
    skipped = [CNNDM[s:e] for s, e in article.skipped]
    assert skipped[:4] == [
        "By .",
        "Associated Press .",
        "PUBLISHED: .",
        "14:11 EST, 25 October 2013 .",
    ]
    assert skipped[-1].startswith("Bishop John Folda (pictured)")
    assert "byline" in article.skip_reasons and "publication timestamp" in article.skip_reasons


def test_reuters_credit_trailer_names_no_actor() -> None:
    """Issue 13: "Jane Doe" and "Bob Roe" came out of "Reporting by ...; Editing by ..."."""
    text = f"{LEAD}\n(Reporting by Jane Doe; Editing by Bob Roe)\n© 2024 Reuters\n(c) 2024 Reuters"
    contract, _ = analyse(job_for(text))
    names = {a.name for a in contract.actors}
    assert not names & {"Jane Doe", "Bob Roe", "Reuters"}
    assert len(prepare_article(text).skipped) == 3


def test_prose_that_starts_like_a_credit_is_kept() -> None:
    """Real sentences (FNC-1 bodies) that begin with a credit's first word."""
    for sentence in (
        "Writing in The Sunday Times yesterday, British Foreign Secretary Philip Hammond "
        "accused Foley's killer of an utter betrayal.",
        "More than 100 people were evacuated from the building on Friday.",
        "By Friday, Cuba-related Twitter accounts were ablaze with speculation.",
        "“He was like a brother to me. . . .",
    ):
        assert match(sentence) is None, sentence


def test_coverage_reports_the_reason() -> None:
    from api.pipeline.grounding import coverage_of

    article = prepare_article(f"{LEAD}\nContributing: Reuters")
    (span,) = coverage_of(article, article).skipped
    assert span.reason == "credit line (contributing)"


def test_a_column_in_the_first_person_keeps_its_byline() -> None:
    """Golden case 13: the columnist who writes "I have asked the ministry" is an actor."""
    column = (
        "By Hettie Marsh-Collier\n\nI have asked the ministry for the data. It has not sent it."
    )
    wire = "By Sylvia Westall\n\nThe ministry has not sent the data, officials said."
    assert prepare_article(column).sentences[0].text == "By Hettie Marsh-Collier"
    assert prepare_article(wire).skip_reasons == ["byline"]


def test_an_embedded_tweet_credit_in_the_wrong_encoding_is_skipped() -> None:
    """FNC-1 body: the dash read as cp1252 ("â€”"); "Brown Moses (@Brown_Moses" was an actor."""
    line = "â€” Brown Moses (@Brown_Moses) September 13, 2014"
    found = match(line)
    assert found is not None and found.name == "embedded-tweet-credit"


def test_a_caption_credited_to_associated_press_is_skipped() -> None:
    """FNC-1 body (NYT layout): "Credit Bebeto Matthews/Associated Press" was an actor."""
    line = (
        "Kenneth P. Thompson, the Brooklyn district attorney. "
        "Credit Bebeto Matthews/Associated Press"
    )
    article = prepare_article(f"{LEAD}\n{line}")
    assert [s.text for s in article.sentences] == [LEAD]

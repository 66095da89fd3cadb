"""Actors (issue 13): one per person, groups, kinds by gazetteer, honorific-free roles."""

from __future__ import annotations

from api.builtin.engine import analyse
from schemas.llm import AnalysisContract
from tests.builtin.conftest import job_for


def _actors(text: str) -> AnalysisContract:
    contract, _ = analyse(job_for(text))
    return contract


def _names(contract: AnalysisContract) -> list[str]:
    return [a.name for a in contract.actors]


def test_a_title_before_a_name_is_no_second_person() -> None:
    """Before: "Pres Obama" and "Barack Obama" were two actors."""
    contract = _actors(
        "Barack Obama said on Friday that the deal was fair. "
        "Pres Obama added that Congress should approve it quickly."
    )
    assert _names(contract).count("Barack Obama") == 1
    assert not [n for n in _names(contract) if n.startswith("Pres")]


def test_a_lone_surname_joins_the_first_person_of_that_name() -> None:
    """ "Conway" / "Kellyanne Conway" / "George Conway": two people, not three."""
    contract = _actors(
        "Kellyanne Conway said on Sunday that the president had done nothing wrong. "
        "Her husband, George Conway, wrote on Twitter that he disagreed. "
        "Conway said she would not comment on her marriage."
    )
    people = [a for a in contract.actors if a.kind == "person"]
    assert [a.name for a in people] == ["Kellyanne Conway", "George Conway"]
    assert "Conway" in people[0].aliases


def test_a_short_organisation_name_joins_the_full_one() -> None:
    contract = _actors(
        "Fox News said on Monday that it stood by its reporting. "
        "Fox said the story had been checked by two editors."
    )
    assert _names(contract) == ["Fox News"]


def test_kinds_come_from_the_gazetteer() -> None:
    """Before: New York was a country and Twitter a person."""
    contract = _actors(
        "New York said it would join the lawsuit, officials said. "
        "Twitter said it had suspended the account. Russia said it would respond."
    )
    kinds = {a.name: a.kind for a in contract.actors}
    assert kinds["New York"] != "country"
    assert kinds["Twitter"] == "organization"
    assert kinds["Russia"] == "country"


def test_roles_are_never_honorifics_or_relations() -> None:
    contract = _actors(
        "Mr. Michael Brown, her son, said the police had lied. "
        "Ms. Jane Phan said the family would sue."
    )
    assert [a.role for a in contract.actors] == [None, None]


def test_parties_and_administrations_are_group_actors() -> None:
    """Groups were the most missed names: "Democrats", "Republicans", "Obama administration"."""
    contract = _actors(
        "Democrats blocked the bill on Tuesday. "
        "Republicans said they would try again next week. "
        "The Obama administration said it opposed the measure."
    )
    kinds = {a.name: a.kind for a in contract.actors}
    assert kinds == {
        "Democrats": "group",
        "Republicans": "group",
        "Obama administration": "government",
    }


def test_an_editors_bracket_makes_no_actor() -> None:
    """Before: "W]e" (from "[W]e write") was an actor."""
    contract = _actors(
        '"[W]e write to express our concern," the senators said in a letter to the agency.'
    )
    assert not [n for n in _names(contract) if "]" in n or "[" in n]


def test_handles_and_picture_credits_are_no_actors() -> None:
    """Corpus leftovers: "@barbarastarrcnn", "Europics[CEN", "Facebook Photo"."""
    contract = _actors(
        "@barbarastarrcnn said the Pentagon had confirmed the strike. "
        "Facebook Photo said the image was taken on Monday, officials said."
    )
    assert not [n for n in _names(contract) if "@" in n or "Photo" in n]


def test_a_bodys_head_noun_alone_is_that_body() -> None:
    """FNC-1 body 1368: "Vera Institute" then "The Institute" were two actors."""
    contract = _actors(
        "But as new report by the Vera Institute shows, prosecutorial review can cut both "
        "ways. The Institute analyzed data provided by the Manhattan District Attorney and "
        "found that black people and Latinos were “much more likely to receive a sentence "
        "offer including a jail of prison term” than white defendants in similar "
        "circumstances."
    )
    institutes = [a for a in contract.actors if "Institute" in a.name]
    assert [(a.name, a.aliases) for a in institutes] == [("Vera Institute", ["Institute"])]


def test_a_head_noun_two_bodies_end_in_stays_apart() -> None:
    """Made-up text (FNC-1 body 1508 names several universities in one article): "the
    University" alone could be either, so it joins neither."""
    contract = _actors(
        "Elon University said it would change its admissions. Duke University said it "
        "would not. The University said the change would start next year."
    )
    for actor in contract.actors:
        assert "University" not in actor.aliases


def test_name_index_offers_every_name_a_sentence_may_hold_in_table_order() -> None:
    from api.builtin.entities import ActorRecord
    from api.builtin.name_index import NameIndex

    kim = ActorRecord("Kim Hong-Kyun", "person", "PERSON", (1, 0), aliases=["Kim"])
    kremlin = ActorRecord("the Kremlin", "government", "ORG", (1, 0))
    zelenskyy = ActorRecord("Zelenskyy", "person", "PERSON", (1, 0), aliases=["Зеленський"])
    names = [(a, n) for a in (kim, kremlin, zelenskyy) for n in a.all_names()]
    index = NameIndex(names)

    def offered(text: str) -> list[str]:
        return [name for _, name in index.candidates(text)]

    assert offered("KIM said so, as THE kremlin did.") == [
        "Kim Hong-Kyun",
        "Kim",
        "the Kremlin",
        "Зеленський",
    ]
    assert offered("Nobody here.") == ["Зеленський"]  # outside ASCII: always tried
    # curly quotes are not words; a word outside ASCII sends every name through
    assert offered("Zelenskyy’s aide, “not Kim”.") == [
        "Kim Hong-Kyun",
        "Kim",
        "Zelenskyy",
        "Зеленський",
    ]
    assert offered("Kimchi at the Café.") == [n for _, n in names]

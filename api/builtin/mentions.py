"""Mentions: the spans of one sentence's Doc that may name an actor.

Named entities (people, organisations, places, nationalities), institutional noun phrases
("South Korea's defense ministry", "the agency") and described sources of reporting verbs
("shipping agents warned"). api/builtin/entities.py merges them into actors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from api.builtin.cues import REPORTING_VERBS

# Head nouns of bodies that act and speak: "South Korea's defense ministry", "the agency".
INSTITUTION_HEADS = frozenset(
    "ministry agency service embassy council government military army navy police "
    "parliament congress senate court department commission committee authority "
    "authorities administration office cabinet bureau legislature regime party".split()
)
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})

# Honorifics and titles in front of a name are not part of it ("Pres Obama" is Barack
# Obama, "Miss Titley" is Rachel Titley) and never a role on their own.
TITLES = frozenset(
    "mr mrs ms miss mx dr sir dame pres president rep sen gov gen lt col capt sgt adm prof "
    "rev fr".split()
)
# Handles, addresses, brackets and picture credits are never a name.
NOT_A_NAME = re.compile(r"[@\[\]|]|\b(?:photo|image|picture)s?\b", re.IGNORECASE)


@dataclass(frozen=True)
class Mention:
    number: int
    start: int
    end: int
    text: str
    label: str
    root: Token
    specific: bool = True  # False for bare anaphors such as "the agency"


def trim(tokens: list[Token]) -> list[Token]:
    """Drop a leading article and a trailing possessive: "The Kremlin", "North Korea's"."""
    while tokens and (tokens[0].pos_ == "DET" or tokens[0].lower_ == "the"):
        tokens = tokens[1:]
    while tokens and (tokens[-1].lower_ in _POSSESSIVE or not tokens[-1].text[-1:].isalnum()):
        tokens = tokens[:-1]
    return tokens


def span_text(tokens: list[Token]) -> str:
    return "".join(t.text_with_ws for t in tokens).strip()


def _entity_mention(number: int, ent: Span) -> Mention | None:
    root = ent.root
    if ent.label_ not in {"PERSON", "ORG", "GPE", "NORP"}:
        return None
    if ent.label_ in {"ORG", "NORP"} and root.dep_ in {"compound", "amod"}:
        return None  # a modifier ("the U.N. charter", "Russian forces"), not a referent
    if ent.label_ == "NORP" and root.pos_ not in {"NOUN", "PROPN"}:
        return None
    tokens = trim(list(ent))
    if ent.label_ == "PERSON":
        tokens = _without_titles(tokens)
    if not tokens or not any(t.text[:1].isupper() for t in tokens):
        return None  # "van", "lorry along": lower-case words the NER took for names
    if NOT_A_NAME.search(span_text(tokens)):
        return None  # "@barbarastarrcnn", "Europics[CEN", "Facebook Photo": credit debris
    return Mention(number, tokens[0].i, tokens[-1].i + 1, span_text(tokens), ent.label_, root)


def _without_titles(tokens: list[Token]) -> list[Token]:
    """ "Pres Obama", "Miss Titley" -> the name alone (a lone "Mr" stays nothing)."""
    while len(tokens) > 1 and tokens[0].lower_.rstrip(".") in TITLES:
        tokens = tokens[1:]
        while tokens and tokens[0].text == ".":
            tokens = tokens[1:]
    return tokens


def _is_specific(chunk: Span) -> bool:
    return any(t.ent_type_ or t.pos_ == "PROPN" for t in chunk)


def _institution_mention(number: int, chunk: Span) -> Mention | None:
    if chunk.root.lemma_.lower() not in INSTITUTION_HEADS:
        return None
    tokens = trim(list(chunk))
    if not tokens:
        return None
    start, end = tokens[0].i, tokens[-1].i + 1
    return Mention(number, start, end, span_text(tokens), "INST", chunk.root, _is_specific(chunk))


def sentence_mentions(number: int, doc: Doc) -> list[Mention]:
    """Institution chunks win over the entities inside them ("South Korea's ... Service")."""
    institutions = [m for c in doc.noun_chunks if (m := _institution_mention(number, c))]
    covered = {i for m in institutions for i in range(m.start, m.end)}
    entities = [
        m
        for ent in doc.ents
        if (m := _entity_mention(number, ent)) and not covered & set(range(m.start, m.end))
    ]
    covered |= {i for m in entities for i in range(m.start, m.end)}
    sources = [m for v in doc if (m := _source_mention(number, v)) and m.root.i not in covered]
    return sorted([*institutions, *entities, *sources], key=lambda m: m.start)


# Nouns for people and bodies that speak: "operator", "engineers", "agents", "group".
_AGENT_ENDINGS = (
    "er",
    "or",
    "ist",
    "ian",
    "ant",
    "ent",
    "man",
    "woman",
    "person",
    "cleric",
    "group",
    "association",
    "union",
    "society",
    "council",
    "authority",
    "monitor",
    "counsel",
)


_NAMING = frozenset({"PERSON", "ORG", "GPE"})  # "Saudi cleric" (NORP) only describes


def _source_mention(number: int, verb: Token) -> Mention | None:
    """ "says monitoring group", "shipping agents warned": an unnamed but described source.

    Only a described subject (with a modifier) of a reporting verb: "the man said" is no actor.
    """
    if verb.pos_ != "VERB" or verb.lemma_.lower() not in REPORTING_VERBS:
        return None
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.pos_ not in {"NOUN", "PROPN"}:
        return None
    if any(c.dep_ == "appos" for c in subject.children) or any(
        t.ent_type_ in _NAMING for t in subject.subtree if t.i != subject.i
    ):
        return None  # "its director, Nadia Firth", "Seaholm's director": named there already
    described = any(c.dep_ in {"compound", "amod", "poss"} for c in subject.children)
    agentive = subject.lemma_.lower().endswith(_AGENT_ENDINGS)
    if subject.pos_ == "NOUN" and not (described and agentive):
        return None
    tokens = trim([t for t in subject.subtree if t.i <= subject.i])
    if not tokens or tokens[0].pos_ == "PRON":
        return None
    text = span_text(tokens)
    return Mention(number, tokens[0].i, tokens[-1].i + 1, text, "SOURCE", subject)

"""A stance the built-in engine found, and how its target is read: a short topic from the
text, or another actor of the article ("condemned Hamas", "Y's claims are baseless")."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from api.builtin.attribution import Attribution
from api.builtin.claims import content_stems
from api.builtin.cues import CLAIM_NOUNS
from api.builtin.entities import ActorRecord, ActorTable
from api.builtin.topic import topic
from schemas.llm import StanceLabel


@dataclass
class StanceFinding:
    actor: ActorRecord
    label: StanceLabel
    target: str  # a noun phrase from the text, at most 6 words (api/builtin/topic.py)
    claim: int | None = None  # index into the claim groups when the target is a claim
    evidence: list[int] = field(default_factory=list)
    stems: set[str] = field(default_factory=set)
    target_actor: ActorRecord | None = None  # when the position is on another actor


def topic_of(span: Span | None) -> tuple[str, set[str]]:
    """The readable target (<= 6 words) and its stems; ("", set()) when there is none."""
    short = topic(span) if span is not None else None
    if short is None:
        return "", set()
    text, tokens = short
    return text, content_stems(tokens)[0]


# What an actor said, standing for the actor: "Y's claims are false" opposes Y.
WORDS_OF = CLAIM_NOUNS | {"remark", "comment", "word", "testimony", "account", "version"}


def aimed_at(
    target: Span, attribution: Attribution, table: ActorTable | None
) -> ActorRecord | None:
    """The actor a cue's target names: "condemned Hamas", "Y's claims are baseless"."""
    if table is None:
        return None
    head = target.root
    if head.lemma_.lower() in WORDS_OF:
        owner = next((c for c in head.children if c.dep_ == "poss"), None)
        return actor_of(owner, attribution, table) if owner is not None else None
    return actor_of(head, attribution, table)


def actor_of(token: Token, attribution: Attribution, table: ActorTable) -> ActorRecord | None:
    """The actor this noun names (the whole phrase is the name, not a part of it: "Russia"
    in "Russia's invasion" is not the target), never the speaker themselves."""
    found = table.actor_at(attribution.number, token)
    if found is None or found is attribution.speaker or token.pos_ == "PRON":
        return None
    return found


def on_actor(attribution: Attribution, label: StanceLabel, aimed: ActorRecord) -> StanceFinding:
    assert attribution.speaker is not None  # callers check it
    return StanceFinding(
        attribution.speaker, label, aimed.name, None, [attribution.number], target_actor=aimed
    )

"""Actors: named entities plus institutional phrases, with kinds, roles and aliases.

A mention is a span of one sentence's Doc. Mentions that name the same actor are merged
into one ActorRecord ("Kim" into "Kim Hong-Kyun"; "the spy agency" into "South Korea's
Intelligence Service"), and every mention keeps its token span so attribution can ask
"which actor is this subject?".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from spacy.tokens import Doc, Token

from api.builtin.cues import REPORTING_VERBS
from api.builtin.mentions import (
    INSTITUTION_HEADS,
    NOT_A_NAME,
    TITLES,
    Mention,
    sentence_mentions,
    span_text,
    trim,
)
from api.builtin.name_index import NameIndex
from api.pipeline.contract import words
from schemas.llm import ActorKind

# Anaphors use a generic head: "the agency" may stand for an "Intelligence Service".
_HEAD_CLASS = {
    "service": "agency", "bureau": "agency", "department": "ministry",
    "committee": "council", "commission": "council", "authorities": "authority",
}  # fmt: skip
_GOVERNMENT_NAMES = frozenset(
    {"kremlin", "white house", "pentagon", "downing street", "elysee", "state department"}
)
_GROUP_HEADS = frozenset({"party"})
_ALWAYS_ACTORS = frozenset({"PERSON", "ORG"})  # named people and organisations
_AGENT_DEPS = frozenset({"nsubj", "nsubjpass", "agent"})
_PRONOUNS = frozenset("his her their its my our your".split())
_KIN = frozenset(
    "son sons daughter daughters wife husband mother father brother sister parents "
    "children child family uncle aunt nephew niece cousin grandson granddaughter "
    "grandmother grandfather boyfriend girlfriend partner fiance fiancee widow".split()
)
_GAZETTEER = Path(__file__).with_name("gazetteer.yaml")


@cache
def _gazetteer() -> dict[str, frozenset[str]]:
    data = yaml.safe_load(_GAZETTEER.read_text(encoding="utf-8"))
    return {key: frozenset(values) for key, values in data.items()}


def _place_key(name: str) -> str:
    """ "the U.S." -> "us", "South Korea's" -> "south korea": how the gazetteer spells it."""
    key = re.sub(r"^the\s+", "", name.lower().replace(".", "")).strip()
    return re.sub(r"['’]s?$", "", key)


def kind_for_place() -> ActorKind:
    """A state, city or region that is no country: contract v2's kind `place`."""
    return "place"


@dataclass
class ActorRecord:
    name: str
    kind: ActorKind
    label: str  # PERSON, ORG, GPE, NORP or INST: decides how aliases merge
    first: tuple[int, int]  # (sentence number, token index) of the first mention
    role: str | None = None
    aliases: list[str] = field(default_factory=list)
    sentences: set[int] = field(default_factory=set)
    head_class: str | None = None

    @property
    def key(self) -> str:
        return " ".join(words(self.name))

    def all_names(self) -> list[str]:
        return [self.name, *self.aliases]


@dataclass
class ActorTable:
    actors: list[ActorRecord] = field(default_factory=list)
    _spans: dict[int, list[tuple[int, int, ActorRecord]]] = field(default_factory=dict)

    def register(self, mention: Mention, actor: ActorRecord) -> None:
        self._spans.setdefault(mention.number, []).append((mention.start, mention.end, actor))
        actor.sentences.add(mention.number)

    def keep_only(self, actors: list[ActorRecord]) -> None:
        """Forget the spans of candidates that did not make it into the actor list."""
        kept = {id(a) for a in actors}
        for number, spans in self._spans.items():
            self._spans[number] = [s for s in spans if id(s[2]) in kept]

    def reassign(self, old: ActorRecord, new: ActorRecord) -> None:
        """Every mention of `old` now names `new`."""
        for number, spans in self._spans.items():
            self._spans[number] = [(a, b, new if r is old else r) for a, b, r in spans]
        new.sentences |= old.sentences

    def actor_at(self, number: int, token: Token) -> ActorRecord | None:
        for start, end, actor in self._spans.get(number, []):
            if start <= token.i < end:
                return actor
        return None

    def actor_in(self, number: int, tokens: Iterable[Token]) -> ActorRecord | None:
        for token in tokens:
            found = self.actor_at(number, token)
            if found is not None:
                return found
        return None


def head_class(mention: Mention) -> str:
    lemma = mention.root.lemma_.lower()
    return _HEAD_CLASS.get(lemma, lemma)


def kind_for(mention: Mention) -> ActorKind:
    key = _place_key(mention.text)
    if mention.label == "PERSON":
        return "organization" if key in _gazetteer()["organizations"] else "person"
    if mention.label == "GPE":
        return "country" if key in _gazetteer()["countries"] else kind_for_place()
    if mention.label == "NORP" or (mention.label == "SOURCE" and mention.root.tag_ == "NNS"):
        return "group"
    if mention.label == "SOURCE":
        return "other"
    if " ".join(words(mention.text)) in _GOVERNMENT_NAMES:
        return "government"
    head = mention.root.lemma_.lower()
    if mention.label == "INST" and head in _GROUP_HEADS:
        return "group"
    return "government" if head in INSTITUTION_HEADS else "organization"


def acts_in_text(mention: Mention) -> bool:
    """Bodies count as actors when they act; countries and groups only when they speak.

    Precision first: "North Korea" is a topic of the seed article, not a party to it,
    while "the ministry said" makes the ministry a party.
    """
    root = mention.root
    while root.dep_ == "conj" and root.head is not root:
        root = root.head
    if root.dep_ == "pobj" and root.head.lower_ == "to" and root.head.head.lower_ == "according":
        return True
    if root.dep_ not in _AGENT_DEPS:
        return False
    if mention.label == "NORP" and root.tag_ in {"NNPS", "NNS"}:
        return True  # "Democrats blocked the bill": members of a party act as a group
    return mention.label == "INST" or root.head.lemma_.lower() in REPORTING_VERBS


def role_of(mention: Mention) -> str | None:
    """Title or affiliation as written, never an honorific ("Mr"), a letter ("R"), a
    relation ("her son") or a fragment ending in a possessive ("the president's")."""
    role = _raw_role(mention)
    if role is None:
        return None
    parts = role.split()
    while parts and parts[0].lower().rstrip(".") in TITLES - {"president", "gov", "sen", "rep"}:
        parts = parts[1:]
    if parts and parts[0].lower() in _PRONOUNS:
        parts = parts[1:]  # "Its operations director" -> "operations director"
    if not parts or parts[0].lower() in _KIN or len("".join(parts)) < 3:
        return None
    if re.search(r"['’]s?$", parts[-1]):
        return None
    return " ".join(parts)


def _raw_role(mention: Mention) -> str | None:
    if mention.label != "PERSON":
        return None
    for child in mention.root.children:
        if child.dep_ == "appos" and child.pos_ in {"NOUN", "PROPN"}:
            return span_text(trim(list(child.subtree))[:12]) or None
    head = mention.root.head
    if mention.root.dep_ == "appos" and head.pos_ == "NOUN":  # "the auditor, Mara Quill"
        return span_text(trim([t for t in head.subtree if t.i <= head.i])) or None
    doc = mention.root.doc
    for chunk in doc.noun_chunks:
        if chunk.start < mention.start < chunk.end:
            prefix = [t for t in doc[chunk.start : mention.start] if t.pos_ != "DET"]
            if any(t.pos_ in {"NOUN", "PROPN"} and not t.ent_type_ for t in prefix):
                return span_text(prefix)
    return None


def _merge_target(mention: Mention, records: dict[str, ActorRecord]) -> ActorRecord | None:
    """A shorter name merges into the one person's name that contains it ("Kim").

    A lone surname the NER labels an organisation ("Marsh said") is that person too.
    """
    if mention.label == "INST" and len(words(mention.text)) == 1:
        hosts = [r for r in records.values() if _short_form_of(r, mention)]
        return hosts[0] if len(hosts) == 1 else None
    if mention.label not in {"PERSON", "ORG"}:
        return None
    if mention.label == "ORG" and len(words(mention.text)) > 1:
        return None
    mine = set(words(mention.text))
    longer = [
        r for r in records.values()
        if r.label == "PERSON" and mine < set(words(r.name))
    ]  # fmt: skip
    if len(mine) == 1 and len(longer) > 1 and _same_surname(mine, longer):
        # "Conway" beside Kellyanne and George Conway: the one named first, the story's
        # subject; the two full names stay two people.
        return min(longer, key=lambda r: r.first)
    if not longer and mention.label == "ORG" and len(mine) == 1:
        longer = [r for r in records.values() if r.label == "ORG" and _extends(r, mention)]
    if not longer and len(mine) == 1:
        longer = [r for r in records.values() if _short_form_of(r, mention)]
    return longer[0] if len(longer) == 1 else None


def _short_form_of(record: ActorRecord, mention: Mention) -> bool:
    """ "the Committee" after "the Nobel Committee": a body's head noun alone, capitalised,
    names that body (when only one body of the article ends in it)."""
    theirs = words(record.name)
    return (
        record.label in {"ORG", "INST"}
        and len(theirs) > 1
        and theirs[-1] == words(mention.text)[0]
        and mention.root.lemma_.lower() in INSTITUTION_HEADS | _SHORT_FORM_HEADS
    )


# Heads of organisations' names that stand alone for them once named ("the Foundation").
_SHORT_FORM_HEADS = frozenset(
    "foundation institute university company corporation association federation union "
    "league club board group bank fund organisation organization network".split()
)


def _same_surname(name: set[str], records: list[ActorRecord]) -> bool:
    return all(list(words(r.name)[-1:]) == sorted(name) for r in records)


def _extends(record: ActorRecord, mention: Mention) -> bool:
    """ "Fox" -> "Fox News": a one-word organisation that starts a two-word one."""
    theirs = words(record.name)
    return len(theirs) == 2 and theirs[0] == words(mention.text)[0]


def _add_specific(
    table: ActorTable, records: dict[str, ActorRecord], mention: Mention
) -> ActorRecord:
    key = " ".join(words(mention.text))
    record = records.get(key) or _merge_target(mention, records)
    if record is None:
        first = (mention.number, mention.start)
        record = ActorRecord(mention.text, kind_for(mention), mention.label, first)
        record.head_class = head_class(mention) if mention.label == "INST" else None
        records[key] = record
    elif key != record.key and mention.text not in record.aliases:
        record.aliases.append(mention.text)
    record.role = record.role or role_of(mention)
    table.register(mention, record)
    return record


def _resolve_anaphor(
    mention: Mention, institutions: list[tuple[Mention, ActorRecord]]
) -> ActorRecord | None:
    """ "the agency" → the most recent earlier body of that kind, else the next one close by."""
    wanted = head_class(mention)
    same = [(m, r) for m, r in institutions if r.head_class == wanted]
    before = [r for m, r in same if m.number <= mention.number]
    if before:
        return before[-1]
    after = [r for m, r in same if mention.number < m.number <= mention.number + 2]
    return after[0] if after else None


def _longest_first(mentions: list[Mention]) -> list[Mention]:
    """Full names before short ones, so "Kim" finds "Kim Hong-Kyun" whatever the order."""
    return sorted(mentions, key=lambda m: (-len(words(m.text)), m.number, m.start))


def build_actor_table(docs: list[Doc]) -> ActorTable:
    """All actors of the article, in order of first mention, with every mention mapped."""
    table, records = ActorTable(), dict[str, ActorRecord]()
    mentions = [m for n, doc in enumerate(docs, start=1) for m in sentence_mentions(n, doc)]
    specific = [m for m in mentions if m.specific]
    placed = {id(m): _add_specific(table, records, m) for m in _longest_first(specific)}
    institutions = [(m, placed[id(m)]) for m in specific if m.label == "INST"]
    acting = {placed[id(m)].key for m in specific if acts_in_text(m)}
    for mention in (m for m in mentions if not m.specific):
        found = _resolve_anaphor(mention, institutions)
        if found is None and len(words(mention.text)) > 1 and acts_in_text(mention):
            _add_specific(table, records, mention)  # "the county council said": a body of its own
            acting.add(_key(mention.text))
        elif found is not None:
            _add_alias(found, mention.text)
            table.register(mention, found)
            if acts_in_text(mention):
                acting.add(found.key)
    _fold_sources(table, records)
    kept = [r for r in records.values() if r.label in _ALWAYS_ACTORS or r.key in acting]
    kept = [r for r in kept if not NOT_A_NAME.search(r.name)]
    table.actors = _dedupe_aliases(sorted(kept, key=lambda r: r.first))
    table.keep_only(table.actors)
    _register_repeats(table, docs)
    return table


def _fold_sources(table: ActorTable, records: dict[str, ActorRecord]) -> None:
    """A described source that names a known actor is that actor: "the residents'
    association" (Quayside Residents' Association), "Ruhl", "the chief medical officer"
    (the role of the person introduced as such)."""
    for key, source in list(records.items()):
        mine = set(words(source.name))
        if source.label != "SOURCE":
            continue
        hosts = [
            r for r in records.values()
            if r is not source and (mine < set(words(r.name)) or _has_role(r, source.name))
        ]  # fmt: skip
        if len(hosts) != 1:
            continue
        _add_alias(hosts[0], source.name)
        table.reassign(source, hosts[0])
        del records[key]


def _has_role(actor: ActorRecord, description: str) -> bool:
    """ "the chief medical officer" for "X, chief medical officer of Y"; "the independent
    auditor" for the person introduced as "the auditor, Mara Quill"."""
    role, described = words(actor.role or ""), words(description)
    return bool(role) and (set(described) <= set(role) or described[-1:] == role[-1:])


def _register_repeats(table: ActorTable, docs: list[Doc]) -> None:
    """Later mentions the NER missed ("Zinoviev countered ..."): found by their name."""
    index = NameIndex([(actor, name) for actor in table.actors for name in actor.all_names()])
    for number, doc in enumerate(docs, start=1):
        text = doc.text  # built from the tokens on every access: once per sentence
        for actor, name in index.candidates(text):
            for match in index.pattern(name).finditer(text):
                span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
                if span is None or table.actor_in(number, span):
                    continue
                mention = Mention(number, span.start, span.end, name, actor.label, span.root)
                table.register(mention, actor)


def _key(text: str) -> str:
    return " ".join(words(text))


def _add_alias(actor: ActorRecord, alias: str) -> None:
    if alias not in actor.aliases and _key(alias) != actor.key:
        actor.aliases.append(alias)


def _dedupe_aliases(actors: list[ActorRecord]) -> list[ActorRecord]:
    """An alias two actors share names neither unambiguously: drop it from both."""
    seen: dict[str, int] = {}
    for actor in actors:
        for name in actor.all_names():
            key = " ".join(words(name))
            seen[key] = seen.get(key, 0) + 1
    for actor in actors:
        actor.aliases = [a for a in actor.aliases if seen[" ".join(words(a))] == 1]
    return actors

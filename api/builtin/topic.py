"""Stance targets a reader can scan: a noun phrase of at most six words from the text.

A cue's target span is often a clause ("that they failed to carry out proper
investigations - which they have denied") or a long phrase ("the senseless and barbaric
killing of James Foley"). The topic is its head noun with the modifiers nearest to it and
one "of"/"in"/"on" phrase: "proper investigations", "barbaric killing of James Foley".
"""

from __future__ import annotations

import itertools

from spacy.tokens import Span, Token

MAX_WORDS = 6
_NOUNS = frozenset({"NOUN", "PROPN"})
_OBJECT_DEPS = ("dobj", "attr", "pobj", "nsubjpass", "nsubj", "oprd")
_CLAUSE_DEPS = frozenset({"xcomp", "ccomp", "advcl", "conj", "pcomp", "relcl", "acomp"})
_RIGHT_PREPS = frozenset({"of", "in", "on", "for", "against", "over", "about"})
_LEFT_DEPS = frozenset({"compound", "amod", "nummod", "poss", "case", "nmod", "quantmod"})
_EDGE_JUNK = frozenset({"DET", "CCONJ", "PUNCT", "ADP", "PART", "PRON", "SCONJ"})


def topic(span: Span) -> tuple[str, list[Token]] | None:
    """The short noun phrase for `span` (text and tokens), or None when it has no noun.

    The phrase as written when it fits in headline style (articles dropped, cut before a
    comma): "plans to open restaurant in Scotland"; else its head noun's own phrase."""
    tokens = _headline_style(list(span))
    if not tokens or _count(tokens) > MAX_WORDS or not any(t.pos_ in _NOUNS for t in tokens):
        tokens = _clause_topic(span)
    if not tokens:
        head = _head_noun(span)
        if head is None:
            return None
        tokens = _with_determiner(_trim_edges(_core(head)))
    if not tokens or _count(tokens) > MAX_WORDS:
        return None
    return _text(tokens), tokens


def _with_determiner(tokens: list[Token]) -> list[Token]:
    """ "the plan", not "plan": the article the phrase had, when it still fits."""
    if not tokens or tokens[0].i == 0 or _count(tokens) >= MAX_WORDS:
        return tokens
    before = tokens[0].doc[tokens[0].i - 1]
    return [before, *tokens] if before.dep_ == "det" and before.head in tokens else tokens


def _clause_topic(span: Span) -> list[Token]:
    """ "(for) bridge maintenance to be brought back under public control" -> "bridge
    maintenance under public control": what the clause is about and the verb's phrase."""
    for verb in (t for t in span if t.pos_ == "VERB"):
        prep = next((c for c in verb.children if c.dep_ == "prep"), None)
        obj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep else None
        subject = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subject is None:  # "for X to be brought ...": the noun just before the verb
            subject = next(
                (t for t in reversed(span[: verb.i - span.start]) if t.pos_ in _NOUNS), None
            )
        if subject is None or subject.pos_ not in _NOUNS or prep is None or obj is None:
            continue
        tokens = [*_trim_edges(_core(subject)), prep, *_trim_edges(_core(obj))]
        if _count(tokens) <= MAX_WORDS:
            return tokens
    return []


def _headline_style(tokens: list[Token]) -> list[Token]:
    comma = next((i for i, t in enumerate(tokens) if t.text in {",", "(", "—", "–"}), None)
    if comma is not None and any(t.pos_ in _NOUNS for t in tokens[:comma]):
        tokens = tokens[:comma]
    tokens = _trim_edges(tokens, keep_determiner=True)
    if _count(tokens) > MAX_WORDS:  # articles go before meaning does
        tokens = _trim_edges([t for t in tokens if t.lower_ not in {"a", "an", "the"}])
    return tokens


def _text(tokens: list[Token]) -> str:
    """The words with the spacing they had; a gap left by a dropped article closes up."""
    parts = [tokens[0].text]
    for before, token in itertools.pairwise(tokens):
        parts.append(
            ("" if not before.whitespace_ and token.i == before.i + 1 else " ") + token.text
        )
    return "".join(parts)


def _head_noun(span: Span) -> Token | None:
    """The span's root when a noun, else the first object or subject noun below it
    (breadth first through clauses), never a pronoun."""
    queue, inside = [span.root], {t.i for t in span}
    while queue:
        node = queue.pop(0)
        if node.pos_ in _NOUNS and node.i in inside:
            return node
        children = [c for c in node.children if c.i in inside]
        ordered = sorted(children, key=lambda c: _rank(c.dep_))
        queue += [c for c in ordered if c.dep_ in _OBJECT_DEPS or c.dep_ in _CLAUSE_DEPS]
        queue += [g for c in children if c.dep_ == "prep" for g in c.children if g.i in inside]
    return None


def _rank(dep: str) -> int:
    return _OBJECT_DEPS.index(dep) if dep in _OBJECT_DEPS else len(_OBJECT_DEPS)


def _core(head: Token) -> list[Token]:
    """Head, its left modifiers (nearest first, while they fit) and one right phrase."""
    right = _right_phrase(head)
    chosen = [head, *right]
    left = sorted(
        (t for t in head.subtree if t.i < head.i and _modifies(t, head)),
        key=lambda t: -t.i,
    )
    for token in left:
        if _count([*chosen, token]) > MAX_WORDS:
            break
        chosen.append(token)
    chosen = sorted(chosen, key=lambda t: t.i)
    # Keep only the contiguous run around the head: no gaps in a phrase a reader sees.
    run = [head]
    for token in reversed([t for t in chosen if t.i < head.i]):
        if token.i != run[0].i - 1:
            break
        run.insert(0, token)
    for token in (t for t in chosen if t.i > head.i):
        if token.i != run[-1].i + 1:
            break
        run.append(token)
    return run


def _modifies(token: Token, head: Token) -> bool:
    """Part of the head's own left side: "barbaric" in "the barbaric killing"."""
    node = token
    while node.i != head.i:
        if node.dep_ not in _LEFT_DEPS and node.dep_ not in {"conj", "cc", "punct", "det"}:
            return False
        node = node.head
    return True


def _right_phrase(head: Token) -> list[Token]:
    """ "of James Foley", "in Iraq": one short prepositional phrase after the head."""
    for prep in head.rights:
        if prep.dep_ == "prep" and prep.lower_ in _RIGHT_PREPS:
            objects = [c for c in prep.children if c.dep_ == "pobj"]
            if objects:
                obj = objects[0]
                phrase = [prep, *(t for t in obj.subtree if t.i <= obj.i)]
                if _count(phrase) <= 4:
                    return sorted(phrase, key=lambda t: t.i)
        break
    return []


def _trim_edges(tokens: list[Token], keep_determiner: bool = False) -> list[Token]:
    def junk(token: Token) -> bool:
        kept = token.dep_ == "poss" or (keep_determiner and token.dep_ == "det")
        return token.pos_ in _EDGE_JUNK and not kept

    while tokens and junk(tokens[0]):
        tokens = tokens[1:]
    while tokens and (tokens[-1].pos_ in _EDGE_JUNK or tokens[-1].text in {"'s", "’s"}):
        tokens = tokens[:-1]
    return tokens


def _count(tokens: list[Token]) -> int:
    return sum(1 for t in tokens if t.text[:1].isalnum())

"""Who says what: attributions read off the dependency parse of each sentence.

An attribution ties a speaker (an actor, or None for the reporter's own voice) to what
they say in one sentence, with the kind of speech act: assert ("said", "accused"),
deny, confirm, unconfirm ("could not confirm"; the reporter's "unconfirmed"), or
attitude ("pledged", "wants": a position, not a fact).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from api.builtin.cues import (
    CLAIM_NOUNS,
    CONFIRM_VERBS,
    DENY_VERBS,
    REPORTING_VERBS,
    ReportKind,
    is_hedge,
    is_unconfirmed_word,
    report_kind,
    stance_cue,
)
from api.builtin.entities import ActorRecord, ActorTable

_QUOTES = frozenset('"“”')
_CONDITIONALS = frozenset({"if", "unless", "whether"})
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
_OTHER_PRONOUNS = frozenset({"it", "they", "them"})
# "alleged deployments": a participle modifying a noun reports nothing by itself.
_MODIFIER_DEPS = frozenset({"amod", "compound", "acl"})


@dataclass
class Attribution:
    number: int
    speaker: ActorRecord | None  # None: the reporter's own voice, or an unnamed source
    kind: ReportKind
    content: list[Token]  # what is said (used for cues and content overlap)
    clause: Span | None = None  # the reported clause, when it reads as a sentence
    claim_noun: str | None = None  # "reports" in "denied the reports": refers back
    quoted: bool = False
    verb: Token | None = None  # the speech or attitude verb itself
    self_report: bool = False  # a body reporting its own acts or plans: it is in a position to know

    @property
    def hedged(self) -> bool:
        """A conditional ("would mark an escalation if they were") or hedged content ("may
        have") asserts nothing: the speaker is not on record for the claim."""
        if any(t.lower_ in _CONDITIONALS or is_hedge(t) for t in self.content):
            return True
        # "would mark a significant escalation": a hypothetical judgement, not a report
        would = any(t.lower_ == "would" for t in self.content)
        return would and any(stance_cue(t) for t in self.content)


@dataclass
class _Speakers:
    """The last person and the last body that spoke: what "he" and "it" refer to."""

    person: ActorRecord | None = None
    other: ActorRecord | None = None

    def note(self, actor: ActorRecord | None) -> None:
        if actor is None:
            return
        if actor.kind == "person":
            self.person = actor
        else:
            self.other = actor

    def resolve(self, pronoun: str) -> ActorRecord | None:
        if pronoun in _PERSON_PRONOUNS:
            return self.person
        return self.other if pronoun in _OTHER_PRONOUNS else None


def _has_reporting_ancestor(token: Token) -> bool:
    return any(a.lemma_.lower() in REPORTING_VERBS and a.pos_ == "VERB" for a in token.ancestors)


def _subject(verb: Token) -> Token | None:
    while True:
        for child in verb.children:
            if child.dep_ in {"nsubj", "nsubjpass"}:
                return child
        if verb.dep_ not in {"conj", "xcomp", "advcl"} or verb.head is verb:
            return None
        verb = verb.head


def _according_to(tokens: list[Token]) -> Token | None:
    """The `to` of "according to X" (its subtree names the source)."""
    for token in tokens:
        if token.lower_ == "according":
            return next((c for c in token.children if c.lower_ == "to"), None)
    return None


def _speaker(
    number: int, subject: Token | None, table: ActorTable, last: _Speakers
) -> ActorRecord | None:
    if subject is None:
        return None
    if subject.pos_ == "PRON":
        return last.resolve(subject.lower_)
    named = [c for c in subject.children if c.dep_ == "appos"]
    return (
        table.actor_at(number, subject)
        or table.actor_in(number, (t for c in named for t in c.subtree))  # "its director, Y"
        or table.actor_in(number, _own_words(subject))
    )


# An anonymous source described by whom it knows: "the source with knowledge of Kim's
# health", "people close to the minister", "officials familiar with the talks".
_SOURCE_PREPS = frozenset({"with", "to", "about", "near"})


def _own_words(subject: Token) -> list[Token]:
    """The subject's phrase without a described source's attachment: "Seaholm's director"
    and "the head of water quality, Priya Lanning" speak, "the source with knowledge of
    Kim's health" does not speak for Kim."""
    return [t for t in subject.subtree if not any(_describes_source(a) for a in _up_to(t, subject))]


def _describes_source(token: Token) -> bool:
    return token.dep_ in {"relcl", "acl"} or (
        token.dep_ == "prep" and token.lower_ in _SOURCE_PREPS
    )


def _up_to(token: Token, top: Token) -> list[Token]:
    path = []
    while token.i != top.i and token.head.i != token.i:
        path.append(token)
        token = token.head
    return path


def _nested_kind(verb: Token) -> tuple[ReportKind, Token] | None:
    """ "said it couldn't confirm the reports": the speaker's act is the nested one."""
    for token in verb.subtree:
        if token is verb or token.lemma_.lower() not in CONFIRM_VERBS | DENY_VERBS:
            continue
        subject = _subject(token)
        if subject is not None and subject.pos_ == "PRON":
            kind = report_kind(token)
            if kind is not None:
                return kind, token
    return None


def _clause(verb: Token) -> Span | None:
    for child in verb.children:
        if child.dep_ == "ccomp" and any(c.dep_ in {"nsubj", "nsubjpass"} for c in child.children):
            return _without_mark(child)
    return None


def _without_mark(head: Token) -> Span:
    """The clause without its "that" and trailing punctuation: reads as a sentence."""
    tokens = list(head.subtree)
    while tokens and (tokens[0].dep_ == "mark" or tokens[0].lower_ == "that"):
        tokens = tokens[1:]
    while len(tokens) > 1 and (tokens[-1].is_punct or tokens[-1].text in _QUOTES):
        tokens = tokens[:-1]
    return head.doc[tokens[0].i : tokens[-1].i + 1]


def _claim_noun(verb: Token) -> str | None:
    for child in verb.children:
        lemma = child.lemma_.lower()
        if child.dep_ == "dobj" and lemma in CLAIM_NOUNS:
            return None if any(c.dep_ in {"acl", "ccomp"} for c in child.children) else lemma
    return None


def _content(verb: Token, subject: Token | None, according: Token | None) -> list[Token]:
    excluded = {t.i for t in (subject.subtree if subject is not None else [])}
    excluded |= {t.i for t in (according.head.subtree if according is not None else [])}
    return [t for t in verb.subtree if t.i not in excluded and t is not verb]


def _verb_attribution(
    number: int, verb: Token, table: ActorTable, last: _Speakers
) -> Attribution | None:
    kind = report_kind(verb)
    if kind is None:
        return None
    subject = _subject(verb)
    speaker = _speaker(number, subject, table, last)
    according = _according_to(list(verb.subtree))
    if speaker is None and according is not None:
        speaker = table.actor_in(number, according.subtree)
    act_verb = verb
    if kind == "assert" and (nested := _nested_kind(verb)) is not None:
        kind, act_verb = nested
    content = _content(verb, subject, according)
    quoted = any(t.text in _QUOTES for t in verb.doc)
    claim_noun = _claim_noun(act_verb)
    found = Attribution(number, speaker, kind, content, _clause(verb), claim_noun, quoted, act_verb)
    found.self_report = kind == "assert" and is_self_report(found) and not _judges(content)
    return found


def _judges(content: list[Token]) -> bool:
    """ "We condemn ...": a judgement, not a report of one's own doings."""
    return any(stance_cue(t) for t in content)


# Generic heads a spokesperson uses for their own body: "the company said it had raised".
_OWN_BODY_NOUNS = frozenset(
    "company firm group society club chain business bank board ministry government "
    "council agency department party union organisation organization".split()
)


def clause_subject(clause: Span) -> Token | None:
    return next(
        (t for t in clause if t.dep_ in {"nsubj", "nsubjpass"} and t.head.i == clause.root.i), None
    )


def is_self_report(attribution: Attribution) -> bool:
    """ "Kettle & Crumb said it would open ten shops", "we have made an offer": the speaker
    reports what their own body did or will do, which it is in a position to know."""
    speaker, clause = attribution.speaker, attribution.clause
    subject = clause_subject(clause) if clause is not None else None
    if speaker is None or subject is None:
        return False
    if subject.lower_ in {"we", "i"}:
        return True
    own_body = subject.lemma_.lower() in _OWN_BODY_NOUNS and [
        c.lower_ for c in subject.children
    ] == ["the"]
    if speaker.kind == "person":
        return own_body
    return own_body or subject.lower_ in {"it", "they"}


def _according_to_attribution(number: int, doc: Doc, table: ActorTable) -> Attribution | None:
    """ "X is lawful, according to the ministry": the ministry says it, no verb needed."""
    according = _according_to(list(doc))
    speaker = table.actor_in(number, according.subtree) if according is not None else None
    if according is None or speaker is None:
        return None
    excluded = {t.i for t in according.head.subtree}
    content = [t for t in doc if t.i not in excluded]
    return Attribution(number, speaker, "assert", content)


def _reporter_attribution(number: int, doc: Doc, covered: set[int]) -> Attribution | None:
    """The reporter's own "unconfirmed"/"alleged": the claim, without a speaker."""
    cues = [t for t in doc if is_unconfirmed_word(t) and t.i not in covered]
    if not cues:
        return None
    clause, claim_noun = None, None
    for token in doc:
        if token.lemma_.lower() in CLAIM_NOUNS and token.pos_ == "NOUN":
            clauses = [c for c in token.children if c.dep_ in {"acl", "ccomp"}]
            if clauses:
                clause = _without_mark(clauses[0])
            elif token.dep_ in {"nsubj", "nsubjpass"}:
                claim_noun = token.lemma_.lower()
    return Attribution(number, None, "unconfirm", list(doc), clause, claim_noun)


def sentence_attributions(
    number: int, doc: Doc, table: ActorTable, last: _Speakers
) -> list[Attribution]:
    found = []
    for verb in doc:
        if verb.pos_ != "VERB" or verb.dep_ in _MODIFIER_DEPS or _has_reporting_ancestor(verb):
            continue
        attribution = _verb_attribution(number, verb, table, last)
        if attribution is not None:
            found.append(attribution)
            last.note(attribution.speaker)
    if not found and (sourced := _according_to_attribution(number, doc, table)) is not None:
        found.append(sourced)
        last.note(sourced.speaker)
    covered = {t.i for a in found for t in a.content}
    reporter = _reporter_attribution(number, doc, covered)
    if not found and reporter is None and (fact := _reporter_fact(number, doc)) is not None:
        return [fact]
    return [*found, reporter] if reporter else found


_FACT_ENTITIES = frozenset({"CARDINAL", "DATE", "TIME", "QUANTITY", "PERCENT", "MONEY"})
_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP"})
_FACTUAL_MODALS = frozenset({"can", "will"})  # "can be seen", "will run": not hedges
_PERSONAL = frozenset({"i", "we", "you", "me", "us", "my", "our", "your"})


def _reporter_fact(number: int, doc: Doc) -> Attribution | None:
    """ "The meteor shower reaches its peak on Wednesday night": stated as fact by the
    reporter (DESIGN §5: confirmed). Only unhedged, unquoted, third-person sentences with a
    finite verb, a named subject and a number or date: the checkable facts of wire copy."""
    root = doc[:].root
    subject = next((c for c in root.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    finite = root.tag_ in _FINITE_TAGS or any(
        c.tag_ in _FINITE_TAGS or c.lower_ in _FACTUAL_MODALS for c in root.children
    )
    if subject is None or subject.pos_ == "PRON" or not finite or "?" in doc.text:
        return None
    if any(t.text in _QUOTES or t.lower_ in _PERSONAL or is_hedge(t) for t in doc):
        return None
    if not any(ent.label_ in _FACT_ENTITIES for ent in doc.ents):
        return None
    return Attribution(number, None, "state", list(doc), _without_mark(root))


def find_attributions(docs: list[Doc], table: ActorTable) -> list[Attribution]:
    """Every attribution in the article, in order; quote runs inherit their speaker."""
    result: list[Attribution] = []
    last = _Speakers()
    previous: list[Attribution] = []
    for number, doc in enumerate(docs, start=1):
        current = sentence_attributions(number, doc, table, last)
        if not current and doc.text[:1] in _QUOTES:
            current = [_continue_quote(number, doc, a) for a in previous if a.quoted and a.speaker]
        result += current
        previous = current
    return result


def _continue_quote(number: int, doc: Doc, before: Attribution) -> Attribution:
    """A sentence that is only a quote continues the previous speaker's quote."""
    return Attribution(number, before.speaker, before.kind, list(doc), None, None, quoted=True)


__all__ = ["Attribution", "find_attributions"]

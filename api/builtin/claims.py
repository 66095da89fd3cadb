"""Claims: what the article reports as said, grouped by event, with a confirmation status.

Attributions about the same event ("shipped 1,500 special forces", "sending 10,000
troops", "Reports that Russia will deploy North Korean troops") are grouped by content
overlap; "denied the reports" refers back to the group the reports belong to. The status
follows DESIGN §5 from who asserts, denies or cannot confirm it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from api.builtin.attribution import Attribution, clause_subject
from api.builtin.cues import stance_cue, stem
from api.builtin.entities import ActorRecord
from schemas.llm import MAX_EVIDENCE, ClaimStatus, EvidenceItem, SpeechAct

_MIN_SHARED = 2  # shared stems to call two statements one claim


@dataclass
class ClaimGroup:
    members: list[Attribution] = field(default_factory=list)
    stems: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)  # stems that are not names

    def add(self, attribution: Attribution) -> None:
        self.members.append(attribution)
        stems, events = content_stems(attribution.content)
        self.stems |= stems
        self.events |= events

    def tokens(self) -> list[Token]:
        return [t for m in self.members for t in m.content]

    @property
    def evidence(self) -> list[int]:
        return sorted({m.number for m in self.members})

    def evidence_items(self) -> list[EvidenceItem]:
        """The few decisive sentences, each with what it does to the claim."""
        acts: dict[int, SpeechAct] = {}
        holders: dict[int, object] = {}
        for member in self.members:
            act = speech_act_of(member)
            if DECISIVE.index(act) < DECISIVE.index(acts.get(member.number, "context")):
                acts[member.number] = act
                if member.speaker is not None:
                    holders[member.number] = member.speaker
        # the sentences a claim text can come from rank first within their act
        rank = {m.number: 0 for m in self.members if _readable_clause(m) is not None}
        chosen = choose_evidence(acts, holders, rank)
        return [EvidenceItem(sentence=n, act=acts[n]) for n in chosen]

    def speakers(self, *kinds: str) -> list[ActorRecord]:
        found: list[ActorRecord] = []
        for member in self.members:
            if member.kind in kinds and member.speaker and member.speaker not in found:
                found.append(member.speaker)
        return found


def _spelled_out(member: Attribution, clause: Span) -> str:
    """The clause as a claim: a self-report's "it" becomes the speaker's name as written."""
    subject = clause_subject(clause)
    if member.speaker is None or subject is None or subject.lower_ not in {"it", "they"}:
        return clause.text
    before = clause.doc[clause.start : subject.i].text_with_ws
    after = clause.doc[subject.i + 1 : clause.end].text
    return f"{before}{member.speaker.name} {after}"


DECISIVE: tuple[SpeechAct, ...] = ("denies", "asserts", "questions", "reports", "context")
_ACT_OF_KIND: dict[str, SpeechAct] = {
    "assert": "asserts",
    "confirm": "asserts",
    "state": "asserts",
    "deny": "denies",
    "unconfirm": "questions",
    "attitude": "context",
}


def choose_evidence(
    acts: dict[int, SpeechAct], holders: dict[int, object], rank: dict[int, int]
) -> list[int]:
    """At most MAX_EVIDENCE sentences, most decisive first: the named actors' sentences
    before the reporter's (so every holder of the claim is shown), denials before
    assertions before questions; one sentence per actor when more than fit. `rank` orders
    sentences within an act (a model's decisiveness; else article order)."""

    def key(n: int) -> tuple[bool, int, int, int]:
        return (n not in holders, DECISIVE.index(acts[n]), rank.get(n, 99), n)

    ordered: list[int] = []
    seen: set[tuple[int, bool]] = set()
    crowded = len(acts) > MAX_EVIDENCE
    for n in sorted(acts, key=key):
        holder = holders.get(n)
        slot = (id(holder), acts[n] == "denies")  # a retraction keeps its own slot
        if crowded and holder is not None and slot in seen:
            continue  # more than fit: one sentence per actor, their most decisive one
        if holder is not None:
            seen.add(slot)
        ordered.append(n)
    return ordered[:MAX_EVIDENCE]


def speech_act_of(attribution: Attribution) -> SpeechAct:
    """What the sentence does with the claim: a hedged assertion only questions it."""
    act = _ACT_OF_KIND[attribution.kind]
    if act == "asserts" and attribution.hedged:
        return "questions"
    return act


def content_stems(tokens: Iterable[Token]) -> tuple[set[str], set[str]]:
    stems, events = set(), set()
    for token in tokens:
        value = stem(token)
        if value:
            stems.add(value)
            if not token.ent_type_ and token.pos_ != "PROPN":
                events.add(value)
    return stems, events


def is_evaluative(attribution: Attribution) -> bool:
    """Speech that judges ("a violation", "we condemn") rather than reports an event."""
    return any(stance_cue(t) for t in attribution.content)


def _readable_clause(attribution: Attribution) -> Span | None:
    """A reported clause with a named (non-pronoun) subject: it reads as a claim."""
    clause = attribution.clause
    if clause is None:
        return None
    subjects = [t for t in clause if t.dep_ in {"nsubj", "nsubjpass", "csubj"} and t.head in clause]
    if not subjects or (subjects[0].pos_ == "PRON" and not attribution.self_report):
        return None
    return clause


def _refers_back(attribution: Attribution, groups: list[ClaimGroup]) -> ClaimGroup | None:
    """ "denied the reports": the group whose sentences talk of reports, else the largest."""
    noun = attribution.claim_noun
    talking = [
        g for g in groups if any(t.lemma_.lower() == noun for m in g.members for t in m.content)
    ]
    pool = [g for g in (talking or groups) if claim_text(g)]
    return max(pool, key=lambda g: len(g.members)) if pool else None


def _matching_group(attribution: Attribution, groups: list[ClaimGroup]) -> ClaimGroup | None:
    stems, events = content_stems(attribution.content)
    best, best_shared = None, 0
    for group in groups:
        shared = stems & group.stems
        if len(shared) >= _MIN_SHARED and events & group.events and len(shared) > best_shared:
            best, best_shared = group, len(shared)
    return best


def group_claims(attributions: list[Attribution]) -> list[ClaimGroup]:
    """Group in order; what fits no group yet (a headline, "denies it") is retried at the end.

    The reporter's own statements of fact stand alone, after the parties' claims: merged
    into a party's claim they would hide who said it.
    """
    groups: list[ClaimGroup] = []
    said = [a for a in attributions if a.kind not in {"attitude", "state"}]
    pending = [a for a in said if not _place(a, groups, True)]
    for attribution in pending:
        _place(attribution, groups, False)
    for fact in (a for a in attributions if a.kind == "state"):
        groups.append(ClaimGroup())
        groups[-1].add(fact)
    return [g for g in groups if claim_text(g)]


def _place(attribution: Attribution, groups: list[ClaimGroup], may_start: bool) -> bool:
    if attribution.claim_noun or _refers_by_pronoun(attribution):
        target = _refers_back(attribution, groups)
    elif is_evaluative(attribution) and attribution.kind == "assert":
        target = None  # a judgement is its own claim, not evidence of the event
        may_start = may_start and _can_start(attribution)
    else:
        target = _matching_group(attribution, groups)
        may_start = may_start and _can_start(attribution)
    if target is None and not may_start:
        return False
    if target is None:
        target = ClaimGroup()
        groups.append(target)
    elif attribution.kind == "assert" and is_negated_claim(attribution):
        attribution.kind = "deny"  # "No aircraft entered its airspace": denies the group's claim
    target.add(attribution)
    return True


def _refers_by_pronoun(attribution: Attribution) -> bool:
    """ "Norvania denies it": a denial with nothing but a pronoun to deny."""
    return (
        attribution.kind in {"deny", "unconfirm", "confirm"}
        and not content_stems(attribution.content)[0]
    )


def is_negated_claim(attribution: Attribution) -> bool:
    clause = attribution.clause
    return clause is not None and is_negated_clause(clause.root)


_NEGATORS = frozenset({"no", "never", "nobody", "nothing", "none"})
_NEGATABLE_DEPS = frozenset({"nsubj", "nsubjpass", "attr", "dobj", "expl"})


def is_negated_clause(root: Token) -> bool:
    """ "No aircraft entered", "it did not", "there is no lead": on the verb or a conjunct."""
    for verb in [root, *(c for c in root.children if c.dep_ == "conj")]:
        for child in verb.children:
            if child.dep_ == "neg" or child.lower_ in _NEGATORS:
                return True
            if child.dep_ in _NEGATABLE_DEPS and any(
                d.lower_ in _NEGATORS for d in child.children if d.dep_ == "det"
            ):
                return True
    return False


def _can_start(attribution: Attribution) -> bool:
    return attribution.kind != "assert" or _readable_clause(attribution) is not None


def asserters(group: ClaimGroup) -> list[ActorRecord]:
    """Who asserts it; a speaker who later denies their own claim has retracted it."""
    denied = group.speakers("deny")
    on_record = ClaimGroup([m for m in group.members if not m.hedged])
    return [a for a in on_record.speakers("assert", "confirm") if a not in denied]


def status_of(group: ClaimGroup) -> ClaimStatus:
    asserted = asserters(group)
    denied = group.speakers("deny")
    if denied:
        return "disputed" if asserted else "denied"
    unconfirmed = any(m.kind == "unconfirm" for m in group.members)
    stated = any(m.kind == "state" for m in group.members)
    if (stated or _confirmed_by_standing(group)) and not unconfirmed:
        return "confirmed"
    return "unconfirmed"


def _confirmed_by_standing(group: ClaimGroup) -> bool:
    """Confirmed by a party, or announced by the body the claim is about (DESIGN §5)."""
    return bool(group.speakers("confirm")) or any(
        m.self_report and m.speaker for m in group.members
    )


def claim_text(group: ClaimGroup) -> str:
    """The member clause that best covers the group, as one sentence; never new words."""
    best: tuple[bool, int, int, str] | None = None
    for member in group.members:
        clause = _readable_clause(member)
        if clause is None:
            continue
        stems, _ = content_stems(clause)
        text = _spelled_out(member, clause)
        score = (text == clause.text, len(stems & group.stems), -len(clause))
        if best is None or score > best[:3]:
            best = (*score, text)
    if best is None:
        return ""
    text = best[3].strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "?", "!")) else ".")


def mentions_claim(
    claim: Doc, sentence: Doc | ClaimGroup, require_subject: bool = True
) -> tuple[bool, int]:
    """(names the event, shared stems) of a caller's claim; (False, 0) if not mentioned.

    Two shared stems are enough when one names the event ("arrest", "split"); shared
    names alone ("Kettle & Crumb") say who, not what, so they need a third. On two stems,
    a claim about a named subject ("China sent warships") needs that subject too, unless
    the caller already checked the claim's names against the whole article
    (`require_subject=False`: "Russia denied the reports" against "The Kremlin denied").
    """
    stems = sentence.stems if isinstance(sentence, ClaimGroup) else content_stems(sentence)[0]
    claim_stems, claim_events = content_stems(claim)
    shared = claim_stems & stems
    names_event = bool(claim_events & shared)
    if len(shared) < _MIN_SHARED or not (names_event or len(shared) > _MIN_SHARED):
        return False, 0
    if (
        require_subject
        and len(shared) <= _MIN_SHARED
        and not _names_subject(claim, sentence, stems)
    ):
        return False, 0
    return names_event, len(shared)


def _names_subject(claim: Doc, sentence: Doc | ClaimGroup, stems: set[str]) -> bool:
    heads = [s for sent in claim.sents for s in sent.root.children if s.dep_ in _SUBJECTS]
    subject = [
        t
        for head in heads
        if head.pos_ == "PROPN"
        for t in [head, *head.children]
        if t.pos_ == "PROPN" and t.dep_ in {"compound", "nsubj", "nsubjpass"}
    ]
    wanted = {value for t in subject if (value := stem(t))}
    if not wanted or wanted & stems:
        return True
    in_order = sorted(subject, key=lambda t: t.i)
    initials = "".join(t.text[0] for t in in_order if t.text[:1].isupper()).lower()
    tokens = sentence.tokens() if isinstance(sentence, ClaimGroup) else list(sentence)
    return any(_is_acronym_of(t.text, initials) for t in tokens)


_SUBJECTS = frozenset({"nsubj", "nsubjpass"})


def _is_acronym_of(word: str, initials: str) -> bool:
    """ "HP" for "Hewlett-Packard", "UN" for "United Nations": letters in order."""
    if not (2 <= len(word) <= 5 and word.isupper() and word.isalpha()):
        return False
    rest = iter(initials)
    return all(letter in rest for letter in word.lower())


__all__ = ["ClaimGroup", "group_claims", "mentions_claim", "status_of"]

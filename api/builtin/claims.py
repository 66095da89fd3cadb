"""Claims: what the article reports as said, grouped by event, with a confirmation status.

Attributions about the same event ("shipped 1,500 special forces", "sending 10,000
troops", "Reports that Russia will deploy North Korean troops") are grouped by content
overlap; "denied the reports" refers back to the group the reports belong to. The status
follows DESIGN §5 from who asserts, denies or cannot confirm it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from api.builtin.attribution import Attribution
from api.builtin.cues import is_unconfirmed_word, stance_cue, stem
from api.builtin.entities import ActorRecord
from schemas.llm import CallerClaimStatus, ClaimStatus

_MIN_SHARED = 2  # shared stems to call two statements one claim
_CALLER_SHARE = 0.6  # share of a caller claim's stems a sentence must contain


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

    @property
    def evidence(self) -> list[int]:
        return sorted({m.number for m in self.members})

    def speakers(self, *kinds: str) -> list[ActorRecord]:
        found: list[ActorRecord] = []
        for member in self.members:
            if member.kind in kinds and member.speaker and member.speaker not in found:
                found.append(member.speaker)
        return found


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
    if not subjects or subjects[0].pos_ == "PRON":
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
    """Group in order; what fits no group yet (a headline, "denies it") is retried at the end."""
    groups: list[ClaimGroup] = []
    pending = [a for a in attributions if a.kind != "attitude" and not _place(a, groups, True)]
    for attribution in pending:
        _place(attribution, groups, False)
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
    elif attribution.kind == "assert" and _negated(attribution):
        attribution.kind = "deny"  # "No aircraft entered its airspace": denies the group's claim
    target.add(attribution)
    return True


def _refers_by_pronoun(attribution: Attribution) -> bool:
    """ "Norvania denies it": a denial with nothing but a pronoun to deny."""
    return (
        attribution.kind in {"deny", "unconfirm", "confirm"}
        and not content_stems(attribution.content)[0]
    )


def _negated(attribution: Attribution) -> bool:
    clause = attribution.clause
    if clause is None:
        return False
    root = clause.root
    subjects = [c for c in root.children if c.dep_ in {"nsubj", "nsubjpass"}]
    no_subject = any(d.lower_ == "no" for s in subjects for d in s.children if d.dep_ == "det")
    return no_subject or any(c.dep_ == "neg" for c in root.children)


def _can_start(attribution: Attribution) -> bool:
    return attribution.kind != "assert" or _readable_clause(attribution) is not None


def asserters(group: ClaimGroup) -> list[ActorRecord]:
    """Who asserts it; a speaker who later denies their own claim has retracted it."""
    denied = group.speakers("deny")
    return [a for a in group.speakers("assert", "confirm") if a not in denied]


def status_of(group: ClaimGroup) -> ClaimStatus:
    asserted = asserters(group)
    denied = group.speakers("deny")
    if denied:
        return "disputed" if asserted else "denied"
    unconfirmed = any(m.kind == "unconfirm" for m in group.members)
    if group.speakers("confirm") and not unconfirmed:
        return "confirmed"
    return "unconfirmed"


def claim_text(group: ClaimGroup) -> str:
    """The member clause that best covers the group, as one sentence; never new words."""
    best: tuple[int, int, str] | None = None
    for member in group.members:
        clause = _readable_clause(member)
        if clause is None:
            continue
        stems, _ = content_stems(clause)
        score = (len(stems & group.stems), -len(clause))
        if best is None or score > best[:2]:
            best = (*score, clause.text)
    if best is None:
        return ""
    text = best[2].strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "?", "!")) else ".")


@dataclass
class CallerAssessment:
    status: CallerClaimStatus
    asserted: list[ActorRecord]
    denied: list[ActorRecord]
    evidence: list[int]


def assess_caller_claim(
    claim: Doc, groups: list[ClaimGroup], docs: list[Doc], attributions: list[Attribution]
) -> CallerAssessment:
    """A caller's claim: its matching claim group, else matching sentences, else not_mentioned."""
    stems, _ = content_stems(claim)
    needed = max(_MIN_SHARED, math.ceil(_CALLER_SHARE * len(stems)))
    for group in groups:
        if len(stems & group.stems) >= needed:
            return CallerAssessment(
                status_of(group), asserters(group), group.speakers("deny"),
                group.evidence,
            )  # fmt: skip
    numbers = [
        n for n, doc in enumerate(docs, start=1) if len(stems & content_stems(doc)[0]) >= needed
    ]
    if not numbers:
        return CallerAssessment("not_mentioned", [], [], [])
    group = ClaimGroup()
    for attribution in attributions:
        if attribution.number in numbers and attribution.kind != "attitude":
            group.add(attribution)
    if group.members:
        status = status_of(group)
        return CallerAssessment(status, asserters(group),
                                group.speakers("deny"), numbers)  # fmt: skip
    return CallerAssessment(_reporter_status(docs, numbers), [], [], numbers)


def _reporter_status(docs: list[Doc], numbers: list[int]) -> CallerClaimStatus:
    """Stated by the reporter with no hedge is "confirmed" (DESIGN §5); hedged is not."""
    tokens = [t for n in numbers for t in docs[n - 1]]
    if any(is_unconfirmed_word(t) or t.dep_ == "neg" for t in tokens):
        return "unconfirmed"
    return "confirmed"


__all__ = ["ClaimGroup", "assess_caller_claim", "group_claims", "status_of"]

"""Caller claims and actors: what the caller asks about, looked up in the article.

An actor the caller names is added when the article names it, never invented. A claim
is matched to sentences and claim groups by shared content stems. Its status
comes from the speech acts in those sentences (asserted, denied, confirmed, hedged) and
from the reporter's own voice: a headline that calls the claim "a hoax" or negates it
denies it; one that asks it, or says it "may" be so, leaves it unconfirmed (DESIGN §5).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from spacy.tokens import Doc

from api.builtin.attribution import Attribution
from api.builtin.claims import (
    DECISIVE,
    ClaimGroup,
    choose_evidence,
    is_negated_claim,
    is_negated_clause,
    mentions_claim,
)
from api.builtin.cues import CLAIM_NOUNS, REPORTING_VERBS, is_debunk, is_hedge, report_kind
from api.builtin.entities import ActorRecord, ActorTable
from api.builtin.relatedness2 import assess_relatedness
from api.builtin.verdict_calibration import calibrate_verdict
from api.pipeline.contract import words
from schemas.llm import MAX_EVIDENCE, ActorKind, CallerClaimStatus, EvidenceItem, SpeechAct

if TYPE_CHECKING:
    from api.builtin.claimmodel import ClaimAssessment


@dataclass
class CallerAssessment:
    status: CallerClaimStatus
    asserted: list[ActorRecord]
    denied: list[ActorRecord]
    evidence: list[EvidenceItem]
    confidence: float


@dataclass
class _Acts:
    """Who does what to the claim in the sentences that mention it."""

    asserted: list[ActorRecord]
    denied: list[ActorRecord]
    unnamed_kinds: set[
        str
    ]  # speech acts without a named actor ("reports say", "DNA test confirms")
    confirmed: bool = False
    acts: dict[int, SpeechAct] = field(default_factory=dict)  # sentence number -> act
    holders: dict[int, object] = field(default_factory=dict)  # who acts in it


def assess_caller_claim(
    claim: Doc,
    groups: list[ClaimGroup],
    docs: list[Doc],
    attributions: list[Attribution],
    model: ClaimAssessment,
) -> CallerAssessment:
    """Relatedness first (claim model + names + predicate), then the verdict from who says
    what in the sentences about the claim; the model's verdict when no rule finds any."""
    named = any(mentions_claim(claim, doc)[0] for doc in docs)  # event and subject named
    relevance = [s.relevance for s in model.sentences]
    relatedness = assess_relatedness(claim, docs, model.related, named, relevance)
    if not relatedness.related:
        confidence = round(1.0 - relatedness.p_mentioned, 4)
        return CallerAssessment("not_mentioned", [], [], [], confidence)
    spoken = _speech_on_record(claim, attributions)
    if spoken:  # "Russia denied the reports": the article says so, in the sentences cited
        evidence = [EvidenceItem(sentence=n, act="asserts") for n in spoken[:MAX_EVIDENCE]]
        confidence = relatedness.p_mentioned * (0.5 + 0.5 * _p_status("confirmed", model))
        return CallerAssessment("confirmed", [], [], evidence, _calibrated(confidence, docs))
    numbers = _best_matches([mentions_claim(claim, doc, False) for doc in docs])
    group_scores = [mentions_claim(claim, g, False) for g in groups]
    ranked = sorted(
        _best_matches(group_scores),
        key=lambda i: (group_scores[i - 1][1], len(groups[i - 1].members)),
    )
    members = list(groups[ranked[-1] - 1].members) if ranked else []
    members += [a for a in attributions if a.number in numbers and a not in members]
    members = [m for m in members if m.kind != "attitude"]
    if not {*numbers, *(m.number for m in members)}:
        numbers = [i + 1 for i in model.evidence]
        members = [a for a in attributions if a.number in numbers and a.kind != "attitude"]
    acts = _speech_acts(claim, members)
    if numbers or members:
        status = _status(acts, [docs[n - 1] for n in numbers], _is_negated(claim))
    else:
        status = model.verdict if model.verdict != "not_mentioned" else "unconfirmed"
    evidence = _evidence(acts, {*numbers, *(m.number for m in members)}, model)
    confidence = relatedness.p_mentioned * (0.5 + 0.5 * _p_status(status, model))
    # no training label says "disputed": its confidence stays the raw one
    calibrated = round(confidence, 4) if status == "disputed" else _calibrated(confidence, docs)
    return CallerAssessment(status, acts.asserted, acts.denied, evidence, calibrated)


_RAW = contextvars.ContextVar("raw_confidence", default=False)


@contextmanager
def raw_confidence() -> Iterator[None]:
    """Verdicts keep their raw confidence here: what the calibration is fitted on."""
    token = _RAW.set(True)
    try:
        yield
    finally:
        _RAW.reset(token)


def _calibrated(raw: float, docs: list[Doc]) -> float:
    """P(the verdict is right), from the map fitted on training rows (verdict_calibration)."""
    return round(raw if _RAW.get() else calibrate_verdict(raw, len(docs)), 4)


def _p_status(status: CallerClaimStatus, model: ClaimAssessment) -> float:
    """The claim model's probability of the status the rules gave (given related)."""
    agree, disagree = model.stance["agree"], model.stance["disagree"]
    return {
        "confirmed": agree,
        "denied": disagree,
        "disputed": min(1.0, agree + disagree),
        "unconfirmed": model.stance["discuss"],
    }.get(status, 0.0)


def _evidence(acts: _Acts, about: set[int], model: ClaimAssessment) -> list[EvidenceItem]:
    """The decisive sentences (claims.choose_evidence); sentences without an attribution
    take the claim model's speech act and rank."""
    rank = {i + 1: r for r, i in enumerate(model.evidence)}
    per_sentence = {s.index + 1: s.speech_act for s in model.sentences}
    candidates = about or set(rank)  # the rules' sentences; the model's when none
    sentence_acts: dict[int, SpeechAct] = {
        n: acts.acts.get(n, per_sentence.get(n, "context")) for n in candidates
    }
    chosen = choose_evidence(sentence_acts, dict(acts.holders), rank)
    return [EvidenceItem(sentence=n, act=sentence_acts[n]) for n in chosen]


# A seat of government named for the state it speaks for ("the Kremlin denied"): the
# metonyms wire copy uses most, not a gazetteer.
_METONYMS = {
    "kremlin": "russia", "moscow": "russia", "white house": "united states",
    "washington": "united states", "pentagon": "united states", "downing street": "britain",
    "pyongyang": "north korea", "beijing": "china", "kyiv": "ukraine", "kiev": "ukraine",
    "seoul": "south korea", "tehran": "iran", "elysee": "france", "berlin": "germany",
}  # fmt: skip


def _speech_on_record(claim: Doc, attributions: list[Attribution]) -> list[int]:
    """Sentences where the claim's subject does what the claim says it did to a claim made
    elsewhere ("Russia denied the reports"): a denial or confirmation of reports, by the
    subject itself or the seat of its government."""
    root = claim[:].root
    kind = report_kind(root) if root.pos_ == "VERB" else None
    subject = next((c for c in root.children if c.dep_ == "nsubj"), None)
    target = next((c for c in root.children if c.dep_ == "dobj"), None)
    about_reports = target is not None and (
        target.lemma_.lower() in CLAIM_NOUNS or target.pos_ == "PRON"
    )
    if kind not in {"deny", "confirm"} or subject is None or not about_reports:
        return []
    wanted = " ".join(words(" ".join(t.text for t in subject.subtree if t.dep_ != "det")))
    return sorted({
        a.number
        for a in attributions
        if a.kind == kind and a.speaker is not None and _speaks_for(a.speaker, wanted)
    })  # fmt: skip


def _speaks_for(actor: ActorRecord, wanted: str) -> bool:
    for name in actor.all_names():
        have = " ".join(words(name)).removeprefix("the ")
        if wanted and (wanted in have or _METONYMS.get(have) == wanted):
            return True
    return False


def _best_matches(scores: list[tuple[bool, int]]) -> list[int]:
    """1-based positions that match; those naming the event outrank names-only matches."""
    tier = max((event for event, shared in scores if shared), default=None)
    return [
        i for i, (names_event, shared) in enumerate(scores, 1) if shared and names_event == tier
    ]


def _is_negated(doc: Doc) -> bool:
    return any(is_negated_clause(sent.root) for sent in doc.sents)


_ACT_OF_KIND: dict[str, SpeechAct] = {"deny": "denies", "unconfirm": "questions"}


def _speech_acts(claim: Doc, members: list[Attribution]) -> _Acts:
    acts = _Acts([], [], set())
    negated_claim = _is_negated(claim)
    about_speech = _is_about_speech(claim)
    for member in members:
        kind = member.kind
        if kind == "assert" and is_negated_claim(member) and not negated_claim:
            kind = "deny"  # "said no aircraft entered": denies what the caller claims
        if kind == "assert" and (about_speech or member.self_report):
            kind = "confirm"  # the claim is the speech itself, or the speaker's own doing
        if kind in {"assert", "confirm"} and member.hedged:
            kind = "unconfirm"  # "would mark an escalation if": a conditional asserts nothing
        act: SpeechAct = _ACT_OF_KIND.get(kind, "asserts")
        if member.number not in acts.acts or DECISIVE.index(act) < DECISIVE.index(
            acts.acts[member.number]
        ):
            acts.acts[member.number] = act
            if member.speaker is not None:
                acts.holders[member.number] = member.speaker
        if member.speaker is None:
            acts.unnamed_kinds.add(kind)
        elif kind == "deny":
            _add(acts.denied, member.speaker)
        elif kind in {"assert", "confirm"}:
            _add(acts.asserted, member.speaker)
        acts.confirmed = acts.confirmed or kind == "confirm"
    acts.asserted = [a for a in acts.asserted if a not in acts.denied]  # retracted
    return acts


def _add(actors: list[ActorRecord], actor: ActorRecord) -> None:
    if actor not in actors:
        actors.append(actor)


def _is_about_speech(claim: Doc) -> bool:
    """ "A cleric declared that snowmen are anti-Islamic": the claim is that someone spoke."""
    return any(
        sent.root.lemma_.lower() in REPORTING_VERBS and sent.root.pos_ == "VERB"
        for sent in claim.sents
    )


def _status(acts: _Acts, sentences: list[Doc], negated_claim: bool) -> CallerClaimStatus:
    tokens = [t for doc in sentences for t in doc]
    reporter_denies = any(is_debunk(t) for t in tokens) or (
        not negated_claim and not acts.asserted and _reporter_negates(sentences)
    )
    if reporter_denies or "deny" in acts.unnamed_kinds:
        return "denied"
    if acts.denied:
        return "disputed" if acts.asserted else "denied"
    hedged = any(is_hedge(t) for t in tokens) or any("?" in doc.text for doc in sentences)
    if hedged or "unconfirm" in acts.unnamed_kinds:
        return "unconfirmed"
    if acts.confirmed:
        return "confirmed"
    if acts.asserted or "assert" in acts.unnamed_kinds:
        return "unconfirmed"  # claimed by a party, not established
    return "confirmed"  # stated as fact by the reporter


def _reporter_negates(sentences: list[Doc]) -> bool:
    """The reporter's own sentence is negated: "Loggers have not cut down the oldest tree"."""
    return any(is_negated_clause(sent.root) for doc in sentences for sent in doc.sents)


_CALLER_KINDS: dict[str, ActorKind] = {
    "PERSON": "person", "GPE": "country", "ORG": "organization", "NORP": "group"
}  # fmt: skip


def add_caller_actors(table: ActorTable, docs: list[Doc], names: Iterable[str]) -> None:
    """Actors the caller cares about: found when the article names them, never invented."""
    for name in names:
        wanted = list(words(name))
        if not wanted or _known(table, wanted):
            continue
        numbers = [n for n, doc in enumerate(docs, start=1) if _contains(words(doc.text), wanted)]
        if not numbers:
            continue
        record = ActorRecord(name.strip(), _caller_kind(docs[numbers[0] - 1], wanted), "CALLER",
                             (numbers[0], 0))  # fmt: skip
        record.sentences.update(numbers)
        table.actors.append(record)
    table.actors.sort(key=lambda r: r.first)


def _contains(have: Sequence[str], wanted: Sequence[str]) -> bool:
    have, wanted = list(have), list(wanted)
    n = len(wanted)
    return any(have[i : i + n] == wanted for i in range(len(have) - n + 1))


def _known(table: ActorTable, wanted: list[str]) -> bool:
    for actor in table.actors:
        for name in actor.all_names():
            have = list(words(name))
            if have == wanted or set(wanted) < set(have) or _contains(wanted, have):
                return True
    return False


def _caller_kind(doc: Doc, wanted: list[str]) -> ActorKind:
    for ent in doc.ents:
        if ent.label_ in _CALLER_KINDS and _contains(words(ent.text), wanted):
            return _CALLER_KINDS[ent.label_]
    return "other"


__all__ = ["CallerAssessment", "add_caller_actors", "assess_caller_claim"]

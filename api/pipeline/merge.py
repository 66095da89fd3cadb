"""Merge the contracts of an article's parts (api/pipeline/chunking.py) into one.

Rules (README "Long articles" says the same for callers):
- Sentence numbers are already global (each part's answer renumbered before the merge).
- Actors: the same actor when a normalised name or alias is shared, or when a one-word name is
  the surname of exactly one person found so far ("Zinoviev" and "Georgy Zinoviev"). The
  merged actor keeps the first name a part gave (or a later one holding all its words), the
  first kind and role, and every other name as alias.
- Claims: the same claim when their normalised words are equal. Status, over the parts that
  found it: `disputed` when any part says disputed or one part denies what another asserts
  (confirmed or unconfirmed); else `confirmed` when any part confirms it (a later paragraph
  confirming a report settles it); else `unconfirmed`; else `denied`. Asserting and denying
  actors are unioned.
- Stances: one per actor and target (claim, actor or topic words); labels combined: the same
  label stays, `neutral` gives way to a position, support with oppose (or any `mixed`) is
  `mixed`.
- Caller claims: one per index; `not_mentioned` only when no part mentions it, else the claim
  status rule.
- Evidence: unioned, each sentence once (overlap sentences are cited by two parts but counted
  once), at most MAX_EVIDENCE, taken in turn from each part so every part that saw the finding
  keeps its most decisive sentence. Confidence: the highest of the parts that reached the
  merged status, else (a status only the merge produced, e.g. disputed) the lowest.
- Headline and summary: the first part's (the lead of a news story carries it; a further
  model call over the part summaries would cost another call per article and a prompt of its
  own). Key points: in turn from each part, duplicates dropped, at most 6.
- Ids renumbered A1…, C1… in order of first appearance.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from api.llm.types import Accounting
from api.pipeline.contract import words
from schemas.llm import (
    MAX_EVIDENCE,
    AnalysisContract,
    CallerClaimAssessment,
    ClaimStatus,
    ContractActor,
    ContractClaim,
    ContractStance,
    EvidenceItem,
    StanceLabel,
)

MAX_KEY_POINTS = 6  # prompting's bound on key_points
_T = TypeVar("_T")
_K = TypeVar("_K")


@dataclass(frozen=True)
class PartAnswer:
    """One part's validated contract; `first_number` turns its local numbers global."""

    contract: AnalysisContract
    first_number: int

    def global_evidence(self, items: Iterable[EvidenceItem]) -> list[EvidenceItem]:
        return [
            EvidenceItem(sentence=item.sentence + self.first_number - 1, act=item.act)
            for item in items
        ]


def key(text: str) -> str:
    """Normalised words: what makes two names, claims or topics the same."""
    return " ".join(words(text))


@dataclass
class _Actor:
    name: str  # the fullest `name` a part gave
    names: list[str]  # every name and alias seen, first seen first
    kind: str
    role: str | None

    def name_keys(self) -> set[str]:
        return {key(n) for n in self.names}

    def named(self, name: str) -> None:
        """A part's name replaces the one kept when it holds all its words ("Zinoviev" ->
        "Georgy Zinoviev"); a different name ("the alliance" for NATO) is an alias."""
        if set(words(self.name)) < set(words(name)):
            self.name = name

    def contract(self, actor_id: str) -> ContractActor:
        name = self.name
        aliases = list(dict.fromkeys(n for n in self.names if key(n) != key(name)))
        return ContractActor.model_validate(
            {"id": actor_id, "name": name, "kind": self.kind, "role": self.role, "aliases": aliases}
        )


@dataclass
class _Finding:
    """A claim, stance or caller claim as found by one or more parts."""

    text: str
    statuses: list[str] = field(default_factory=list)
    confidences: list[float] = field(default_factory=list)
    evidence: list[list[EvidenceItem]] = field(default_factory=list)  # one list per part
    asserted_by: list[str] = field(default_factory=list)
    denied_by: list[str] = field(default_factory=list)

    def add(self, status: str, confidence: float, evidence: list[EvidenceItem]) -> None:
        self.statuses.append(status)
        self.confidences.append(confidence)
        self.evidence.append(evidence)

    def confidence(self, status: str) -> float:
        reached = [c for s, c in zip(self.statuses, self.confidences, strict=True) if s == status]
        return max(reached) if reached else min(self.confidences)


class _Merger:
    def __init__(self) -> None:
        self.actors: list[_Actor] = []
        self.claims: dict[str, _Finding] = {}
        self.stances: dict[tuple[str, str], _Finding] = {}
        self.caller: dict[int, _Finding] = {}

    def actor_index(self, actor: ContractActor) -> int:
        names = [actor.name, *actor.aliases]
        wanted = {key(n) for n in names} - {""}
        match = next((i for i, a in enumerate(self.actors) if a.name_keys() & wanted), None)
        if match is None:
            match = self._surname_match(actor)
        if match is None:
            self.actors.append(_Actor(actor.name, list(names), kind=actor.kind, role=actor.role))
            return len(self.actors) - 1
        merged = self.actors[match]
        merged.named(actor.name)
        for name in names:
            if key(name) not in merged.name_keys():
                merged.names.append(name)
        merged.role = merged.role or actor.role
        return match

    def _surname_match(self, actor: ContractActor) -> int | None:
        """A one-word person name and exactly one person whose full name ends with it (or
        the other way round)."""
        if actor.kind != "person":
            return None
        mine = words(actor.name)
        found = [
            i
            for i, a in enumerate(self.actors)
            if a.kind == "person"
            and any(_surname_of(mine, words(n)) or _surname_of(words(n), mine) for n in a.names)
        ]
        return found[0] if len(found) == 1 else None


def _surname_of(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    return len(short) == 1 and len(full) > 1 and full[-1] == short[0]


def merge_contracts(answers: Sequence[PartAnswer]) -> AnalysisContract:
    """One contract over the whole article from the parts' contracts (see the module rules)."""
    merger = _Merger()
    for answer in answers:
        _add_part(merger, answer)
    actor_ids = {i: f"A{i + 1}" for i in range(len(merger.actors))}
    claim_ids = {text: f"C{n}" for n, text in enumerate(merger.claims, start=1)}
    first = answers[0].contract if answers else AnalysisContract()
    return AnalysisContract(
        headline=first.headline,
        summary=first.summary,
        key_points=_in_turn([a.contract.key_points for a in answers], MAX_KEY_POINTS, key),
        actors=[actor.contract(actor_ids[i]) for i, actor in enumerate(merger.actors)],
        claims=[_claim(claim_ids[k], f) for k, f in merger.claims.items()],
        stances=[
            _stance(actor, claim_ids.get(target.removeprefix("claim:"), f.text), f)
            for (actor, target), f in merger.stances.items()
        ],
        caller_claims=[_caller_claim(i, f) for i, f in sorted(merger.caller.items())],
    )


def _add_part(merger: _Merger, answer: PartAnswer) -> None:
    """Fold one part's findings in, its local actor and claim ids mapped to merged ones."""
    contract = answer.contract
    actors = {a.id: f"A{merger.actor_index(a) + 1}" for a in contract.actors}
    claims: dict[str, str] = {}
    for claim in contract.claims:
        found = merger.claims.setdefault(key(claim.text), _Finding(claim.text))
        found.add(claim.status, claim.confidence, answer.global_evidence(claim.evidence))
        _union(found, claim.asserted_by, claim.denied_by, actors)
        claims[claim.id] = key(claim.text)
    for stance in contract.stances:
        target = _stance_target(stance.target, actors, claims)
        shown = actors.get(stance.target, stance.target)  # a topic as written
        found = merger.stances.setdefault((actors[stance.actor], target), _Finding(shown))
        found.add(stance.stance, stance.confidence, answer.global_evidence(stance.evidence))
    for caller in contract.caller_claims:
        found = merger.caller.setdefault(caller.index, _Finding(str(caller.index)))
        found.add(caller.status, caller.confidence, answer.global_evidence(caller.evidence))
        _union(found, caller.asserted_by, caller.denied_by, actors)


def _stance_target(target: str, actors: dict[str, str], claims: dict[str, str]) -> str:
    """What makes two parts' stance targets the same: the claim's merge key, the merged
    actor id, or a topic's normalised words."""
    if target in claims:
        return f"claim:{claims[target]}"
    if target in actors:
        return actors[target]
    return f"topic:{key(target)}"


def _union(found: _Finding, asserted: list[str], denied: list[str], ids: dict[str, str]) -> None:
    found.asserted_by += [ids[a] for a in asserted if ids[a] not in found.asserted_by]
    found.denied_by += [ids[a] for a in denied if ids[a] not in found.denied_by]


def combine_status(statuses: Iterable[str]) -> ClaimStatus:
    """The status rule for a claim several parts found (module docstring)."""
    seen = set(statuses)
    asserted = bool(seen & {"confirmed", "unconfirmed"})
    if "disputed" in seen or ("denied" in seen and asserted):
        return "disputed"
    if "confirmed" in seen:
        return "confirmed"
    return "unconfirmed" if "unconfirmed" in seen else "denied"


def combine_stance(labels: Iterable[str]) -> StanceLabel:
    seen = set(labels)
    if "mixed" in seen or {"support", "oppose"} <= seen:
        return "mixed"
    for label in ("support", "oppose"):
        if label in seen:
            return label
    return "neutral"


def merged_evidence(per_part: Sequence[Sequence[EvidenceItem]]) -> list[EvidenceItem]:
    """Each sentence once, at most MAX_EVIDENCE, taken in turn from each part."""
    return _in_turn(per_part, MAX_EVIDENCE, lambda item: item.sentence)


def _in_turn(lists: Sequence[Sequence[_T]], limit: int, identity: Callable[[_T], _K]) -> list[_T]:
    kept: dict[_K, _T] = {}
    for rank in range(max((len(x) for x in lists), default=0)):
        for items in lists:
            if rank < len(items) and len(kept) < limit:
                kept.setdefault(identity(items[rank]), items[rank])
    return list(kept.values())


def _claim(claim_id: str, found: _Finding) -> ContractClaim:
    status = combine_status(found.statuses)
    return ContractClaim(
        id=claim_id,
        text=found.text,
        status=status,
        asserted_by=found.asserted_by,
        denied_by=found.denied_by,
        evidence=merged_evidence(found.evidence),
        confidence=found.confidence(status),
    )


def _stance(actor: str, target: str, found: _Finding) -> ContractStance:
    label = combine_stance(found.statuses)
    return ContractStance(
        actor=actor,
        target=target,
        stance=label,
        evidence=merged_evidence(found.evidence),
        confidence=found.confidence(label),
    )


def _caller_claim(index: int, found: _Finding) -> CallerClaimAssessment:
    mentioned = [s for s in found.statuses if s != "not_mentioned"]
    status = combine_status(mentioned) if mentioned else "not_mentioned"
    return CallerClaimAssessment(
        index=index,
        status=status,
        asserted_by=found.asserted_by,
        denied_by=found.denied_by,
        evidence=merged_evidence(found.evidence),
        confidence=found.confidence(status),
    )


def total_accounting(accountings: Sequence[Accounting]) -> Accounting:
    """Every part's tokens, cost and attempts summed; model and provider of the last."""
    total = accountings[0]
    for more in accountings[1:]:
        cost = total.cost_usd
        if more.cost_usd is not None:
            cost = (cost or 0.0) + more.cost_usd
        total = Accounting(
            model=more.model,
            provider=more.provider,
            usage=total.usage + more.usage,
            cost_usd=cost,
            attempts=total.attempts + more.attempts,
        )
    return total

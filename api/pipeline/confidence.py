"""Confidence a model states, lowered where its answer fails a soft grounding check.

The hard checks (api/pipeline/contract.py) send an answer back to the model; these are
the ones a reader could still argue about, so the finding stays and only its confidence
drops, with a coded warning naming the finding and the check:

- a sentence cited as `denies` with no denial or negation in it, or as `questions` with
  no hedge, question or "could not confirm" in it;
- an actor listed as asserting or denying a claim whom no cited sentence shows;
- a caller-claim verdict whose cited sentences do not share the claim's words;
- a stance whose target is neither an id nor a short topic (more than 6 words);
- more than MAX_EVIDENCE sentences cited (the extra ones are dropped: evidence is the few
  decisive sentences, most decisive first).
"""

from __future__ import annotations

from api.pipeline.contract import is_about, numbers, shows_actor, words
from api.pipeline.engine import AnalysisJob
from schemas.analysis import AnalysisWarning
from schemas.llm import (
    MAX_EVIDENCE,
    AnalysisContract,
    CallerClaimAssessment,
    ContractClaim,
    ContractStance,
    EvidenceItem,
)

PENALTY = 0.7  # per failed check: two failures take a stated 0.9 to 0.44
MAX_TOPIC_WORDS = 6
_DENIAL = frozenset(
    "deny denies denied denying denial reject rejects rejected dismiss dismissed refute "
    "refuted not no never nothing none nobody false untrue hoax fake baseless unfounded "
    "rebuff rebuffed dispute disputed debunked n't cannot illegal unlawful violation "
    "violates violated contrary contradict contradicts contradicted".split()
)
_HEDGE = frozenset(
    "may might could would whether if unconfirmed unverified reportedly allegedly alleged "
    "possible possibly likely probably apparently appear appears seem seems rumour rumor "
    "rumours rumors speculation suspected claim claims claimed unclear".split()
)


def _act_problems(label: str, evidence: list[EvidenceItem], job: AnalysisJob) -> list[str]:
    problems = []
    for item in evidence:
        if not 1 <= item.sentence <= len(job.article):
            continue
        text = job.article.sentence(item.sentence).text
        have = set(words(text)) | ({"n't"} if "n't" in text or "n’t" in text else set())
        if item.act == "denies" and not have & _DENIAL:
            problems.append(f"sentence {item.sentence} is cited as denying but neither denies "
                            "nor negates anything")  # fmt: skip
        if item.act == "questions" and not (have & _HEDGE or "?" in text):
            problems.append(f"sentence {item.sentence} is cited as questioning but has no "
                            "hedge or question")  # fmt: skip
    return [f"{label}: {p}" for p in problems]


def _too_many(label: str, evidence: list[EvidenceItem]) -> list[str]:
    if len(evidence) <= MAX_EVIDENCE:
        return []
    return [f"{label}: {len(evidence)} sentences cited, only the first {MAX_EVIDENCE} kept"]


def _holder_problems(
    label: str, item: ContractClaim | CallerClaimAssessment, contract: AnalysisContract,
    job: AnalysisJob,
) -> list[str]:  # fmt: skip
    actors = {a.id: a for a in contract.actors}
    cited = [n for n in numbers(item.evidence) if 1 <= n <= len(job.article)]
    return [
        f"{label}: {actors[ref].name!r} is listed as asserting or denying it, but no cited "
        "sentence shows them"
        for ref in [*item.asserted_by, *item.denied_by]
        if ref in actors and not any(shows_actor(job.article, n, actors[ref]) for n in cited)
    ]


def _lowered(
    item: ContractClaim | ContractStance | CallerClaimAssessment,
    problems: list[str],
    warnings: list[AnalysisWarning],
) -> None:
    if not problems:
        return
    before = item.confidence
    item.confidence = round(before * PENALTY ** len(problems), 4)
    item.evidence = item.evidence[:MAX_EVIDENCE]
    warnings.append(AnalysisWarning(
        code="confidence_lowered",
        message=f"{'; '.join(problems)}. Confidence {before:.2f} → {item.confidence:.2f}.",
    ))  # fmt: skip


def lower_confidence(contract: AnalysisContract, job: AnalysisJob) -> list[AnalysisWarning]:
    """Apply the soft checks to a model's answer in place; one warning per finding lowered."""
    warnings: list[AnalysisWarning] = []
    for claim in contract.claims:
        label = f"Claim {claim.id}"
        _lowered(claim, [
            *_too_many(label, claim.evidence),
            *_act_problems(label, claim.evidence[:MAX_EVIDENCE], job),
            *_holder_problems(label, claim, contract, job),
        ], warnings)  # fmt: skip
    for i, stance in enumerate(contract.stances, start=1):
        label = f"Stance {i} ({stance.actor} on {stance.target!r})"
        long_topic = len(stance.target.split()) > MAX_TOPIC_WORDS
        _lowered(stance, [
            *_too_many(label, stance.evidence),
            *_act_problems(label, stance.evidence[:MAX_EVIDENCE], job),
            *([f"{label}: the target is not a claim id, an actor id or a short topic"]
              if long_topic else []),
        ], warnings)  # fmt: skip
    for item in contract.caller_claims:
        label = f"Caller claim {item.index}"
        problems = [
            *_too_many(label, item.evidence),
            *_act_problems(label, item.evidence[:MAX_EVIDENCE], job),
            *_holder_problems(label, item, contract, job),
        ]
        asked = job.caller_claims[item.index - 1] if item.index <= len(job.caller_claims) else ""
        cited = [n for n in numbers(item.evidence) if 1 <= n <= len(job.article)]
        if item.status != "not_mentioned" and cited and not is_about(asked, cited, job.article):
            problems.append(f"{label}: the cited sentences do not share the claim's words")
        _lowered(item, problems, warnings)
    return warnings

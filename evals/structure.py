"""Checks of an analysis that need no expectations: its structure and its grounding.

Every case gets them, whatever it expects: ids that resolve, one answer per caller claim,
a summary when one was asked for, and every evidence span equal to the article text it
points at, inside its sentence and inside the analysed coverage.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import ValidationError

from evals.scores import GroundingScores
from schemas.analysis import Analysis, EvidenceSpan
from schemas.request import AnalyzeRequest
from schemas.tasks import with_needs

MAX_PROBLEMS = 10


def schema_problems(analysis: Analysis, request: AnalyzeRequest) -> list[str]:
    """What pydantic alone does not catch: dangling ids, missing caller claims or summary."""
    try:
        Analysis.model_validate_json(analysis.model_dump_json())
    except ValidationError as exc:
        return [f"does not round-trip through JSON: {exc.error_count()} errors"]
    problems: list[str] = []
    actor_ids = [a.id for a in analysis.actors]
    claim_ids = [c.id for c in analysis.claims]
    sentence_numbers = {s.number for s in analysis.sentences}
    for kind, ids in (("actor", actor_ids), ("claim", claim_ids)):
        problems += [f"duplicate {kind} id {i}" for i in sorted(set(ids)) if ids.count(i) > 1]
    for claim in analysis.claims:
        for ref in [*claim.asserted_by, *claim.denied_by]:
            if ref not in actor_ids:
                problems.append(f"claim {claim.id} cites unknown actor {ref}")
    for stance in analysis.stances:
        if stance.actor not in actor_ids:
            problems.append(f"stance cites unknown actor {stance.actor}")
        if stance.target_claim is not None and stance.target_claim not in claim_ids:
            problems.append(f"stance targets unknown claim {stance.target_claim}")
    for span in _evidence(analysis):
        if span.sentence not in sentence_numbers:
            problems.append(f"evidence cites unknown sentence {span.sentence}")
    n_caller = sum(c.source == "caller" for c in analysis.claims)
    if n_caller != len(request.claims):
        problems.append(f"{len(request.claims)} caller claims sent, {n_caller} returned")
    for task in with_needs(request.tasks, bool(request.claims)):
        problems += TASK_CHECKS.get(task, _nothing)(analysis)
    return problems[:MAX_PROBLEMS]


def _nothing(analysis: Analysis) -> list[str]:
    return []


def _summary_given(analysis: Analysis) -> list[str]:
    if (analysis.summary or "").strip():
        return []
    return ["summary task requested, no summary returned"]


# What an asked task must show, beyond the ids that resolve (checked for every case):
# one check per task of the table (schemas/tasks.py) that has one.
TASK_CHECKS: dict[str, Callable[[Analysis], list[str]]] = {"summary": _summary_given}


def _evidence(analysis: Analysis) -> list[EvidenceSpan]:
    spans = [e for claim in analysis.claims for e in claim.evidence]
    return spans + [e for stance in analysis.stances for e in stance.evidence]


def score_grounding(text: str, analysis: Analysis) -> GroundingScores:
    """Each span must equal text[start:end], lie in its sentence and in the analysed coverage."""
    sentences = {s.number: s for s in analysis.sentences}
    analysed = [(r.start, r.end) for r in analysis.coverage.analysed]
    problems: list[str] = []
    grounded = 0
    spans = _evidence(analysis)
    for span in spans:
        sentence = sentences.get(span.sentence)
        if (
            not (0 <= span.start < span.end <= len(text))
            or text[span.start : span.end] != span.quote
        ):
            problems.append(f"sentence {span.sentence}: quote is not text[{span.start}:{span.end}]")
        elif sentence is None or not (sentence.start <= span.start and span.end <= sentence.end):
            problems.append(f"sentence {span.sentence}: span outside its sentence")
        elif not any(a <= span.start and span.end <= b for a, b in analysed):
            problems.append(f"sentence {span.sentence}: span outside the analysed coverage")
        else:
            grounded += 1
    unsupported = [c.id for c in analysis.claims if not c.evidence and c.status != "not_mentioned"]
    unsupported += [f"stance {s.actor}->{s.target}" for s in analysis.stances if not s.evidence]
    problems += [f"{item}: no evidence" for item in unsupported]
    return GroundingScores(
        spans=len(spans),
        grounded=grounded,
        unsupported_items=len(unsupported),
        problems=problems[:MAX_PROBLEMS],
    )

"""analysis.build: resolve sentence numbers to quotes with offsets into the submitted text.

Offsets come twice: in code points (Python) and in UTF-16 code units (JavaScript, Java,
C#), which differ after any character outside the Basic Multilingual Plane (an emoji).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from api.pipeline.article import PreparedArticle
from api.pipeline.engine import AnalysisJob, EngineResult
from schemas.analysis import Analysis, Coverage, EvidenceSpan, Meta, new_analysis_id
from schemas.llm import AnalysisContract, CallerClaimAssessment, ContractClaim, EvidenceItem
from schemas.tasks import with_needs

_CLAIM_ID = re.compile(r"^C[0-9]+$")
_ACTOR_ID = re.compile(r"^A[0-9]+$")
Fields = dict[str, Any]  # a response part as plain data, validated with the whole Analysis


def resolve_evidence(
    article: PreparedArticle, items: Sequence[EvidenceItem | int]
) -> list[EvidenceSpan]:
    """Each cited sentence once, in the order cited (most decisive first), as
    text[start:end] of the submitted text; a bare number is cited as context."""
    return [EvidenceSpan.model_validate(span) for span in _evidence(article, items)]


def _evidence(article: PreparedArticle, items: Sequence[EvidenceItem | int]) -> list[Fields]:
    """resolve_evidence's spans as the dicts Analysis validates (see build_analysis)."""
    spans: list[Fields] = []
    seen: set[int] = set()
    for item in items:
        if isinstance(item, int):
            item = EvidenceItem(sentence=item, act="context")
        number, act = item.sentence, item.act
        if number in seen:
            continue
        seen.add(number)
        sentence = article.sentence(number)
        spans.append(
            {
                "sentence": number,
                "quote": sentence.text,
                **_offsets(article, sentence.start, sentence.end),
                "speech_act": act,
            }
        )
    return spans


def _offsets(article: PreparedArticle, start: int, end: int) -> Fields:
    return {
        "start": start,
        "end": end,
        "start_utf16": article.utf16(start),
        "end_utf16": article.utf16(end),
    }


def coverage_of(full: PreparedArticle, analysed: PreparedArticle) -> Coverage:
    """Analysed ranges and skipped ones (trailers, sentences beyond the model's limit)."""
    return Coverage.model_validate(_coverage(full, analysed))


def _coverage(full: PreparedArticle, analysed: PreparedArticle) -> Fields:
    skipped = [
        {**_offsets(full, s, e), "reason": r}
        for (s, e), r in zip(full.skipped, full.skip_reasons, strict=True)
    ]
    cut = full.sentences[len(analysed) :]
    if cut:
        skipped.append(
            {**_offsets(full, cut[0].start, cut[-1].end), "reason": "over the length limit"}
        )
    ranges = []
    if analysed.sentences:
        ranges.append(_offsets(full, analysed.sentences[0].start, analysed.sentences[-1].end))
    return {
        "analysed": ranges,
        "skipped": sorted(skipped, key=lambda s: s["start"]),
        "complete": not cut,
    }


def _claim(
    c: ContractClaim | CallerClaimAssessment,
    job: AnalysisJob,
    claim_id: str,
    text: str,
    source: str,
) -> Fields:
    """A claim of the response; `c` gives its verdict, evidence and confidence."""
    return {
        "id": claim_id,
        "text": text,
        "source": source,
        "status": c.status,
        "asserted_by": c.asserted_by,
        "denied_by": c.denied_by,
        "evidence": _evidence(job.article, c.evidence),
        "confidence": c.confidence,
    }


def _claims(contract: AnalysisContract, job: AnalysisJob) -> Fields:
    return {"claims": [_claim(c, job, c.id, c.text, "article") for c in contract.claims]}


def _caller_claims(contract: AnalysisContract, job: AnalysisJob) -> list[Fields]:
    """The caller's own claims, after the article's: a part of the request, not a task."""
    return [
        _claim(c, job, f"Q{c.index}", job.caller_claims[c.index - 1], "caller")
        for c in sorted(contract.caller_claims, key=lambda c: c.index)
    ]


def _stances(contract: AnalysisContract, job: AnalysisJob) -> Fields:
    """A target given as an id is resolved to readable text and kept as the id beside it."""
    claim_text = {c.id: c.text for c in contract.claims}
    actor_name = {a.id: a.name for a in contract.actors}
    stances = []
    for s in contract.stances:
        is_claim = bool(_CLAIM_ID.match(s.target)) and s.target in claim_text
        is_actor = bool(_ACTOR_ID.match(s.target)) and s.target in actor_name
        target = claim_text[s.target] if is_claim else s.target
        stances.append(
            {
                "actor": s.actor,
                "target": actor_name[s.target] if is_actor else target,
                "target_claim": s.target if is_claim else None,
                "target_actor": s.target if is_actor else None,
                "stance": s.stance,
                "evidence": _evidence(job.article, s.evidence),
                "confidence": s.confidence,
            }
        )
    return {"stances": stances}


def _summary(contract: AnalysisContract, job: AnalysisJob) -> Fields:
    return {
        "headline": contract.headline,
        "summary": contract.summary,
        "key_points": contract.key_points,
    }


def _actors(contract: AnalysisContract, job: AnalysisJob) -> Fields:
    return {"actors": [a.model_dump() for a in contract.actors]}


# A task's part of the contract as fields of the response: one step per task of the table
# (schemas/tasks.py), run for the asked tasks and those they need. A step's values may be
# plain dicts and lists: Analysis validates them (build_analysis).
GroundingStep = Callable[[AnalysisContract, AnalysisJob], Fields]
GROUNDING_STEPS: dict[str, GroundingStep] = {
    "summary": _summary,
    "actors": _actors,
    "stances": _stances,
    "claims": _claims,
}


def grounded_fields(contract: AnalysisContract, job: AnalysisJob) -> Fields:
    """The response fields of the tasks the job asks for and those they need (an unasked
    summary stays null, not empty); the caller's claims follow the article's."""
    fields: Fields = {}
    for task in with_needs(job.tasks, bool(job.caller_claims)):
        fields.update(GROUNDING_STEPS[task](contract, job))
    fields["claims"] = [*fields.get("claims", []), *_caller_claims(contract, job)]
    return fields


def build_analysis(
    result: EngineResult, job: AnalysisJob, full: PreparedArticle, meta: Meta
) -> Analysis:
    """The response, validated once as a whole: every part is built as plain dicts and
    lists, which pydantic-core checks in one call (a model instance per claim, span and
    sentence, each its own __init__, took twice as long, issue 18)."""
    return Analysis.model_validate(
        {
            "id": new_analysis_id(),
            "text_source": "submitted",
            **grounded_fields(result.contract, job),
            "sentences": _sentences(full),
            "coverage": _coverage(full, job.article),
            "warnings": list(result.warnings),
            "meta": meta,
        }
    )


def _sentences(full: PreparedArticle) -> list[Fields]:
    return [{"number": s.number, **_offsets(full, s.start, s.end)} for s in full.sentences]

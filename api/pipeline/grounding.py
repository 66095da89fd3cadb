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
from schemas.analysis import (
    Actor,
    Analysis,
    Claim,
    Coverage,
    EvidenceSpan,
    Meta,
    SkippedSpan,
    Span,
    Stance,
    new_analysis_id,
)
from schemas.llm import AnalysisContract, EvidenceItem
from schemas.tasks import with_needs

_CLAIM_ID = re.compile(r"^C[0-9]+$")
_ACTOR_ID = re.compile(r"^A[0-9]+$")


def resolve_evidence(
    article: PreparedArticle, items: Sequence[EvidenceItem | int]
) -> list[EvidenceSpan]:
    """Each cited sentence once, in the order cited (most decisive first), as
    text[start:end] of the submitted text; a bare number is cited as context."""
    spans: list[EvidenceSpan] = []
    seen: set[int] = set()
    for item in items:
        cited = (
            item if isinstance(item, EvidenceItem) else EvidenceItem(sentence=item, act="context")
        )
        if cited.sentence in seen:
            continue
        seen.add(cited.sentence)
        sentence = article.sentence(cited.sentence)
        spans.append(
            EvidenceSpan(
                sentence=cited.sentence,
                quote=sentence.text,
                start=sentence.start,
                end=sentence.end,
                start_utf16=article.utf16(sentence.start),
                end_utf16=article.utf16(sentence.end),
                speech_act=cited.act,
            )
        )
    return spans


def coverage_of(full: PreparedArticle, analysed: PreparedArticle) -> Coverage:
    """Analysed ranges and skipped ones (trailers, sentences beyond the model's limit)."""

    def offsets(start: int, end: int) -> dict[str, int]:
        return {
            "start": start,
            "end": end,
            "start_utf16": full.utf16(start),
            "end_utf16": full.utf16(end),
        }

    skipped = [
        SkippedSpan(**offsets(s, e), reason=r)
        for (s, e), r in zip(full.skipped, full.skip_reasons, strict=True)
    ]
    cut = full.sentences[len(analysed) :]
    if cut:
        skipped.append(
            SkippedSpan(**offsets(cut[0].start, cut[-1].end), reason="over the length limit")
        )
    ranges = []
    if analysed.sentences:
        ranges.append(Span(**offsets(analysed.sentences[0].start, analysed.sentences[-1].end)))
    return Coverage(
        analysed=ranges,
        skipped=sorted(skipped, key=lambda s: s.start),
        complete=not cut,
    )


def _claims(contract: AnalysisContract, job: AnalysisJob) -> dict[str, Any]:
    claims = [
        Claim(
            id=c.id,
            text=c.text,
            source="article",
            status=c.status,
            asserted_by=c.asserted_by,
            denied_by=c.denied_by,
            evidence=resolve_evidence(job.article, c.evidence),
            confidence=c.confidence,
        )
        for c in contract.claims
    ]
    return {"claims": claims}


def _caller_claims(contract: AnalysisContract, job: AnalysisJob) -> list[Claim]:
    """The caller's own claims, after the article's: a part of the request, not a task."""
    return [
        Claim(
            id=f"Q{c.index}",
            text=job.caller_claims[c.index - 1],
            source="caller",
            status=c.status,
            asserted_by=c.asserted_by,
            denied_by=c.denied_by,
            evidence=resolve_evidence(job.article, c.evidence),
            confidence=c.confidence,
        )
        for c in sorted(contract.caller_claims, key=lambda c: c.index)
    ]


def _stances(contract: AnalysisContract, job: AnalysisJob) -> dict[str, Any]:
    """A target given as an id is resolved to readable text and kept as the id beside it."""
    claim_text = {c.id: c.text for c in contract.claims}
    actor_name = {a.id: a.name for a in contract.actors}
    stances = []
    for s in contract.stances:
        is_claim = bool(_CLAIM_ID.match(s.target)) and s.target in claim_text
        is_actor = bool(_ACTOR_ID.match(s.target)) and s.target in actor_name
        target = claim_text[s.target] if is_claim else s.target
        stances.append(
            Stance(
                actor=s.actor,
                target=actor_name[s.target] if is_actor else target,
                target_claim=s.target if is_claim else None,
                target_actor=s.target if is_actor else None,
                stance=s.stance,
                evidence=resolve_evidence(job.article, s.evidence),
                confidence=s.confidence,
            )
        )
    return {"stances": stances}


def _summary(contract: AnalysisContract, job: AnalysisJob) -> dict[str, Any]:
    return {
        "headline": contract.headline,
        "summary": contract.summary,
        "key_points": contract.key_points,
    }


def _actors(contract: AnalysisContract, job: AnalysisJob) -> dict[str, Any]:
    return {"actors": [Actor(**a.model_dump()) for a in contract.actors]}


# A task's part of the contract as fields of the response: one step per task of the table
# (schemas/tasks.py), run for the asked tasks and those they need.
GroundingStep = Callable[[AnalysisContract, AnalysisJob], dict[str, Any]]
GROUNDING_STEPS: dict[str, GroundingStep] = {
    "summary": _summary,
    "actors": _actors,
    "stances": _stances,
    "claims": _claims,
}


def grounded_fields(contract: AnalysisContract, job: AnalysisJob) -> dict[str, Any]:
    """The response fields of the tasks the job asks for and those they need (an unasked
    summary stays null, not empty); the caller's claims follow the article's."""
    fields: dict[str, Any] = {}
    for task in with_needs(job.tasks, bool(job.caller_claims)):
        fields.update(GROUNDING_STEPS[task](contract, job))
    fields["claims"] = [*fields.get("claims", []), *_caller_claims(contract, job)]
    return fields


def build_analysis(
    result: EngineResult, job: AnalysisJob, full: PreparedArticle, meta: Meta
) -> Analysis:
    return Analysis(
        id=new_analysis_id(),
        text_source="submitted",
        **grounded_fields(result.contract, job),
        # As plain dicts: validated into Sentence with the whole Analysis, in one call (a
        # model instance per sentence took twice as long, issue 18).
        sentences=[
            {
                "number": s.number,
                "start": s.start,
                "end": s.end,
                "start_utf16": full.utf16(s.start),
                "end_utf16": full.utf16(s.end),
            }
            for s in full.sentences
        ],
        coverage=coverage_of(full, job.article),
        warnings=list(result.warnings),
        meta=meta,
    )

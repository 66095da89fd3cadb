"""analysis.build: resolve sentence numbers to quotes with offsets into the submitted text."""

from __future__ import annotations

import re

from api.pipeline.article import PreparedArticle
from api.pipeline.engine import AnalysisJob, EngineResult
from schemas.analysis import (
    Actor,
    Analysis,
    Claim,
    Coverage,
    EvidenceSpan,
    Meta,
    Sentence,
    SkippedSpan,
    Span,
    Stance,
)
from schemas.llm import AnalysisContract

_CLAIM_ID = re.compile(r"^C[0-9]+$")


def resolve_evidence(article: PreparedArticle, numbers: list[int]) -> list[EvidenceSpan]:
    """Each cited sentence once, in article order, as text[start:end] of the submitted text."""
    spans = []
    for number in sorted(set(numbers)):
        sentence = article.sentence(number)
        spans.append(
            EvidenceSpan(
                sentence=number, quote=sentence.text, start=sentence.start, end=sentence.end
            )
        )
    return spans


def coverage_of(full: PreparedArticle, analysed: PreparedArticle) -> Coverage:
    """Analysed ranges and skipped ones (trailers, sentences beyond the model's limit)."""
    skipped = [
        SkippedSpan(start=s, end=e, reason=r)
        for (s, e), r in zip(full.skipped, full.skip_reasons, strict=True)
    ]
    cut = full.sentences[len(analysed) :]
    if cut:
        skipped.append(
            SkippedSpan(start=cut[0].start, end=cut[-1].end, reason="over the length limit")
        )
    ranges = []
    if analysed.sentences:
        ranges.append(Span(start=analysed.sentences[0].start, end=analysed.sentences[-1].end))
    return Coverage(
        analysed=ranges,
        skipped=sorted(skipped, key=lambda s: s.start),
        complete=not cut,
    )


def _claims(contract: AnalysisContract, job: AnalysisJob) -> list[Claim]:
    article = job.article
    found = [
        Claim(
            id=c.id,
            text=c.text,
            source="article",
            status=c.status,
            asserted_by=c.asserted_by,
            denied_by=c.denied_by,
            evidence=resolve_evidence(article, c.evidence),
        )
        for c in contract.claims
    ]
    asked = [
        Claim(
            id=f"Q{c.index}",
            text=job.caller_claims[c.index - 1],
            source="caller",
            status=c.status,
            asserted_by=c.asserted_by,
            denied_by=c.denied_by,
            evidence=resolve_evidence(article, c.evidence),
        )
        for c in sorted(contract.caller_claims, key=lambda c: c.index)
    ]
    return found + asked


def _stances(contract: AnalysisContract, article: PreparedArticle) -> list[Stance]:
    claim_text = {c.id: c.text for c in contract.claims}
    stances = []
    for s in contract.stances:
        is_claim = bool(_CLAIM_ID.match(s.target)) and s.target in claim_text
        stances.append(
            Stance(
                actor=s.actor,
                target=claim_text[s.target] if is_claim else s.target,
                target_claim=s.target if is_claim else None,
                stance=s.stance,
                evidence=resolve_evidence(article, s.evidence),
            )
        )
    return stances


def build_analysis(
    result: EngineResult, job: AnalysisJob, full: PreparedArticle, meta: Meta
) -> Analysis:
    contract = result.contract
    wants_summary = "summary" in job.tasks
    return Analysis(
        headline=contract.headline if wants_summary else None,
        summary=contract.summary if wants_summary else None,
        key_points=contract.key_points,
        actors=[Actor(**a.model_dump()) for a in contract.actors],
        claims=_claims(contract, job),
        stances=_stances(contract, job.article),
        sentences=[Sentence(number=s.number, start=s.start, end=s.end) for s in full.sentences],
        coverage=coverage_of(full, job.article),
        warnings=list(result.warnings),
        meta=meta,
    )

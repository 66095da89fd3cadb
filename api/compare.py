"""Compare one story's coverage across 2-4 articles (POST /v1/compare).

Each article is analysed as usual. The claims to compare are the caller's, or else the
articles' own (each article's most confident ones, near-duplicates merged); every article is
then analysed again with those claims as caller claims, so the claim model decides, per
article, whether it mentions each claim and with which verdict — that is the cross-article
matching. Actors named in two or more articles are lined up with their stances.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from difflib import SequenceMatcher

from api.extract import mark_source, prepare_request
from api.pipeline.analyze import Analyzer
from api.validation import validate_as
from schemas.analysis import Analysis, Claim
from schemas.compare import (
    MAX_ROWS,
    ActorRow,
    CompareCell,
    CompareRequest,
    CompareRow,
    Comparison,
)
from schemas.request import AnalyzeRequest

OnAnalysis = Callable[[Analysis], Awaitable[None]]
CLAIMS_PER_ARTICLE = 3
SAME_CLAIM_RATIO = 0.75  # difflib ratio of two normalised claim texts: one row


async def compare(
    analyzer: Analyzer,
    request: CompareRequest,
    request_id: str | None,
    on_analysis: OnAnalysis | None = None,
) -> Comparison:
    """`on_analysis` sees every analysis made, the first pass's too: each one spent tokens."""
    bodies = [
        validate_as(AnalyzeRequest, {"text": a.text, "title": a.title, "model": request.model})
        for a in request.articles
    ]
    # One deadline for the whole comparison (up to 2 passes x 4 articles), not one each.
    deadline = asyncio.get_running_loop().time() + analyzer.settings.request_deadline_s
    prepared = [await prepare_request(body, analyzer.settings) for body in bodies]
    claims = list(request.claims)
    found_in: list[int | None] = [None] * len(claims)
    if not claims:
        first = await _analyse_all(
            analyzer, [p[0] for p in prepared], request_id, deadline, on_analysis
        )
        claims, found_in = _article_claims(first)
    asked = [p[0].model_copy(update={"claims": claims}) for p in prepared]
    analyses = await _analyse_all(analyzer, asked, request_id, deadline, on_analysis)
    analyses = [mark_source(a, p[1]) for a, p in zip(analyses, prepared, strict=True)]
    labels = [a.label or f"Article {i + 1}" for i, a in enumerate(request.articles)]
    rows = [
        CompareRow(
            claim=claim,
            source="caller" if origin is None else "article",
            found_in=origin,
            cells=[_cell(a, index) for a in analyses],
        )
        for index, (claim, origin) in enumerate(zip(claims, found_in, strict=True))
    ]
    return Comparison(labels=labels, rows=rows, actors=_actor_rows(analyses), analyses=analyses)


async def _analyse_all(
    analyzer: Analyzer,
    requests: list[AnalyzeRequest],
    request_id: str | None,
    deadline: float,
    on_analysis: OnAnalysis | None,
) -> list[Analysis]:
    runs = (
        analyzer.analyze(r, request_id=f"{request_id}-{i}", deadline=deadline)
        for i, r in enumerate(requests)
    )
    # Every article is awaited even when one fails: the others' tokens are spent and charged.
    outcomes = await asyncio.gather(*runs, return_exceptions=True)
    analyses = [o for o in outcomes if isinstance(o, Analysis)]
    if on_analysis is not None:
        for analysis in analyses:
            await on_analysis(analysis)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    return analyses


def _normalised(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.lower()).strip()


def _article_claims(analyses: list[Analysis]) -> tuple[list[str], list[int | None]]:
    """Each article's most confident claims, in article order, near-duplicates merged."""
    claims: list[str] = []
    found_in: list[int | None] = []
    for index, analysis in enumerate(analyses):
        own = sorted(
            (c for c in analysis.claims if c.source == "article"), key=lambda c: -c.confidence
        )
        for claim in own[:CLAIMS_PER_ARTICLE]:
            key = _normalised(claim.text)
            if any(
                SequenceMatcher(None, key, _normalised(c)).ratio() >= SAME_CLAIM_RATIO
                for c in claims
            ):
                continue
            claims.append(claim.text)
            found_in.append(index)
    return claims[:MAX_ROWS], found_in[:MAX_ROWS]


def _cell(analysis: Analysis, index: int) -> CompareCell:
    """The article's assessment of the index-th caller claim (Q1, Q2, … in order)."""
    asked = [c for c in analysis.claims if c.source == "caller"]
    claim: Claim | None = asked[index] if index < len(asked) else None
    if claim is None:
        return CompareCell(
            status="not_mentioned", confidence=0.0, speech_acts=[], asserted_by=[],
            denied_by=[], quotes=[],
        )  # fmt: skip
    names = {a.id: a.name for a in analysis.actors}
    return CompareCell(
        status=claim.status,
        confidence=claim.confidence,
        speech_acts=[e.speech_act for e in claim.evidence],
        asserted_by=[names.get(i, i) for i in claim.asserted_by],
        denied_by=[names.get(i, i) for i in claim.denied_by],
        quotes=[" ".join(e.quote.split()) for e in claim.evidence],
    )


def _actor_rows(analyses: list[Analysis]) -> list[ActorRow]:
    """Actors named (same normalised name or alias) in two or more articles."""
    rows: dict[str, ActorRow] = {}
    present: dict[int, set[int]] = {}  # id(row) -> articles that name the actor
    for index, analysis in enumerate(analyses):
        claims = {c.id: c.text for c in analysis.claims}
        for actor in analysis.actors:
            keys = {_normalised(n) for n in (actor.name, *actor.aliases)}
            key = next((k for k in keys if k in rows), _normalised(actor.name))
            row = rows.setdefault(key, ActorRow(actor=actor.name, stances=[[] for _ in analyses]))
            present.setdefault(id(row), set()).add(index)
            row.stances[index] += [
                f"{s.stance}: {claims.get(s.target, s.target)}"
                for s in analysis.stances
                if s.actor == actor.id
            ]
            for k in keys:
                rows.setdefault(k, row)
    unique = {id(r): r for r in rows.values()}
    return [r for key, r in unique.items() if len(present[key]) >= 2]

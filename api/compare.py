"""Compare one story's coverage across 2-4 articles (POST /v1/compare).

Each article is analysed as usual. The claims to compare are the caller's, or else the
articles' own (each article's most confident ones, near-duplicates merged); every article is
then analysed again with those claims as caller claims, so the claim model decides, per
article, whether it mentions each claim and with which verdict — that is the cross-article
matching. Actors named in two or more articles are lined up with their stances.

An article may instead be an analysis stored under the caller's key (`analysis_id`). It is
used as stored — its text is not kept, so it cannot be read again for the other articles'
claims, and no tokens are spent: its claims join the row candidates, and its cell in a row is
its own claim matching the row's claim by the same rule that merges near-duplicates (or
`not_in_analysis`, never `not_mentioned`: nobody read it for that claim).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from difflib import SequenceMatcher

from pydantic import ValidationError

from api import analyses as stored_analyses
from api.auth import Caller
from api.errors import AnalysisNotFound, AnalysisUnreadable, NotFound
from api.extract import mark_source, prepare_request
from api.pipeline.analyze import Analyzer
from api.storage import Store
from api.validation import validate_as
from schemas.analysis import Analysis, Claim
from schemas.compare import (
    MAX_ROWS,
    NOT_IN_ANALYSIS,
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


def load_stored(store: Store, caller: Caller, request: CompareRequest) -> dict[int, Analysis]:
    """The articles given by `analysis_id`, by position: the caller's own only (as GET)."""
    found: dict[int, Analysis] = {}
    for index, article in enumerate(request.articles):
        if article.analysis_id is None:
            continue
        try:
            record = stored_analyses.fetch(store, caller, article.analysis_id)
        except NotFound as error:
            raise AnalysisNotFound(f"Article {index + 1}: {error}") from error
        try:
            found[index] = Analysis.model_validate_json(record.analysis_json)
        except ValidationError as error:
            raise AnalysisUnreadable(
                f"Article {index + 1}: stored analysis {article.analysis_id!r} has schema "
                f"version {record.schema_version}, which this service cannot compare."
            ) from error
    return found


async def compare(
    analyzer: Analyzer,
    request: CompareRequest,
    request_id: str | None,
    on_analysis: OnAnalysis | None = None,
    stored: dict[int, Analysis] | None = None,
) -> Comparison:
    """`on_analysis` sees every analysis made, the first pass's too: each one spent tokens.
    `stored` holds the analyses of the articles given by `analysis_id` (`load_stored`)."""
    stored = stored or {}
    texts = [i for i, a in enumerate(request.articles) if a.text is not None]
    bodies = [
        validate_as(
            AnalyzeRequest,
            {"text": request.articles[i].text, "title": request.articles[i].title,
             "model": request.model},
        )
        for i in texts
    ]  # fmt: skip
    # One deadline for the whole comparison (up to 2 passes x 4 articles), not one each.
    deadline = asyncio.get_running_loop().time() + analyzer.settings.request_deadline_s
    prepared = [await prepare_request(body, analyzer.settings) for body in bodies]
    claims = list(request.claims)
    found_in: list[int | None] = [None] * len(claims)
    if not claims:
        first = await _analyse_all(
            analyzer, [p[0] for p in prepared], request_id, deadline, on_analysis
        )
        claims, found_in = _article_claims(_in_order(texts, first, stored))
    asked = [p[0].model_copy(update={"claims": claims}) for p in prepared]
    fresh = await _analyse_all(analyzer, asked, request_id, deadline, on_analysis)
    fresh = [mark_source(a, p[1]) for a, p in zip(fresh, prepared, strict=True)]
    analyses = _in_order(texts, fresh, stored)
    labels = [a.label or f"Article {i + 1}" for i, a in enumerate(request.articles)]
    rows = [
        CompareRow(
            claim=claim,
            source="caller" if origin is None else "article",
            found_in=origin,
            cells=[
                _stored_cell(a, claim) if i in stored else _cell(a, index)
                for i, a in enumerate(analyses)
            ],
        )
        for index, (claim, origin) in enumerate(zip(claims, found_in, strict=True))
    ]
    return Comparison(labels=labels, rows=rows, actors=_actor_rows(analyses), analyses=analyses)


def _in_order(
    texts: list[int], fresh: list[Analysis], stored: dict[int, Analysis]
) -> list[Analysis]:
    """The analyses in the request's article order: new ones for texts, stored ones for ids."""
    by_index = {**stored, **dict(zip(texts, fresh, strict=True))}
    return [by_index[i] for i in sorted(by_index)]


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


def _likeness(a: str, b: str) -> float:
    return SequenceMatcher(None, _normalised(a), _normalised(b)).ratio()


def _same_claim(a: str, b: str) -> bool:
    return _likeness(a, b) >= SAME_CLAIM_RATIO


def _article_claims(analyses: list[Analysis]) -> tuple[list[str], list[int | None]]:
    """Each article's most confident claims, in article order, near-duplicates merged."""
    claims: list[str] = []
    found_in: list[int | None] = []
    for index, analysis in enumerate(analyses):
        own = sorted(
            (c for c in analysis.claims if c.source == "article"), key=lambda c: -c.confidence
        )
        for claim in own[:CLAIMS_PER_ARTICLE]:
            if any(_same_claim(claim.text, c) for c in claims):
                continue
            claims.append(claim.text)
            found_in.append(index)
    return claims[:MAX_ROWS], found_in[:MAX_ROWS]


def _empty_cell(status: str) -> CompareCell:
    return CompareCell(
        status=status, confidence=0.0, speech_acts=[], asserted_by=[], denied_by=[], quotes=[]
    )


def _stored_cell(analysis: Analysis, text: str) -> CompareCell:
    """A stored analysis's own claim most like the row's claim, if alike enough to merge."""
    best = max(analysis.claims, key=lambda c: _likeness(text, c.text), default=None)
    if best is None or not _same_claim(text, best.text):
        return _empty_cell(NOT_IN_ANALYSIS)
    return _claim_cell(analysis, best)


def _cell(analysis: Analysis, index: int) -> CompareCell:
    """The article's assessment of the index-th caller claim (Q1, Q2, … in order)."""
    asked = [c for c in analysis.claims if c.source == "caller"]
    claim: Claim | None = asked[index] if index < len(asked) else None
    if claim is None:
        return _empty_cell("not_mentioned")
    return _claim_cell(analysis, claim)


def _claim_cell(analysis: Analysis, claim: Claim) -> CompareCell:
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

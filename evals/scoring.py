"""Score one analysis against one golden case: pure functions, no model, no I/O.

Matching rules (see evals/matching.py): an output actor is an expected one when any of
its names equals or contains, as words, one of the expected names; an output claim is an
expected one when its text contains a phrase of every keyword group; an output stance is
an expected one when its actor is the expected actor and its target (or the text of the
claim it targets) contains one of the target keywords.

One output answers each expectation: among the outputs that match, the one whose text
matches best (most keyword phrases), then its label is judged. Any other matching output
left over with a different label is a contradiction and fails the expectation: hedging by
listing both answers does not pay. An asserter or denier counts only on the right side.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from evals.case_model import (
    Expectations,
    ExpectedCallerClaim,
    ExpectedClaim,
    GoldenCase,
    SummaryExpectations,
)
from evals.counting import NONE_LABEL
from evals.faithfulness import unfaithful_spans
from evals.matching import (
    actor_matches,
    find_expected_actor,
    ids_matching,
    max_matching,
    names_match,
    output_names,
    phrase_in,
)
from evals.scores import (
    ActorScores,
    CallerClaimResult,
    CaseScores,
    ClaimResult,
    StanceResult,
    SummaryScores,
    UsageScores,
)
from evals.structure import schema_problems, score_grounding
from schemas import SCHEMA_VERSION
from schemas.analysis import (
    Actor,
    Analysis,
    Claim,
    Coverage,
    Meta,
    Stance,
    Usage,
)
from schemas.tasks import with_needs


def score_case(case: GoldenCase, analysis: Analysis) -> CaseScores:
    request = case.analyze_request()
    tasks = with_needs(request.tasks, bool(request.claims))
    found: dict[str, Any] = {}
    for task in tasks:  # an unasked task (or one with no scorer) keeps its empty score
        if task in TASK_SCORERS:
            found.update(TASK_SCORERS[task](case, analysis))
    return CaseScores(
        schema_valid=not (problems := schema_problems(analysis, request)),
        schema_problems=problems,
        caller_claims=score_caller_claims(case.expect, analysis),
        grounding=score_grounding(request.text, analysis),
        usage=usage_of(analysis),
        **found,
    )


def score_actors(expect: Expectations, actors: Sequence[Actor]) -> ActorScores | None:
    """Scored when the case lists actors (`actors: []` means "expects none") or forbids some."""
    if not (expect.actors or expect.forbidden_actors or "actors" in expect.model_fields_set):
        return None
    pairs = max_matching(
        len(expect.actors), len(actors), lambda e, o: actor_matches(actors[o], expect.actors[e])
    )
    matched_outputs = set(pairs.values())
    extra = [a for i, a in enumerate(actors) if i not in matched_outputs]
    kinds = [(expect.actors[e], actors[o]) for e, o in pairs.items() if expect.actors[e].kinds()]
    return ActorScores(
        expected=len(expect.actors),
        predicted=len(actors),
        matched=len(pairs),
        missing=[e.name for i, e in enumerate(expect.actors) if i not in pairs],
        extra=[a.name for a in extra],
        forbidden=[
            a.name
            for a in actors
            if any(names_match(output_names(a), [f]) for f in expect.forbidden_actors)
        ],
        complete=expect.actors_complete or not expect.actors,
        duplicates=[a.name for a in extra if any(actor_matches(a, e) for e in expect.actors)],
        kinds_checked=len(kinds),
        kind_mismatches=[
            f"{o.name}: {o.kind} (expected {' or '.join(e.kinds())})"
            for e, o in kinds
            if o.kind not in e.kinds()
        ],
    )


def _keyword_hits(text: str, groups: Sequence[Sequence[str]]) -> int:
    return sum(phrase_in(text, p) for group in groups for p in group)


def _pick(matching: Sequence[tuple[int, int]]) -> int | None:
    """Index of the best (hits, -position) among (output index, hits) pairs."""
    if not matching:
        return None
    return max(matching, key=lambda m: (m[1], -m[0]))[0]


def score_claims(expect: Expectations, analysis: Analysis) -> list[ClaimResult]:
    candidates = [c for c in analysis.claims if c.source == "article"]
    matches = [
        [
            (i, _keyword_hits(c.text, w.keywords))
            for i, c in enumerate(candidates)
            if _claim_matches(c, w)
        ]
        for w in expect.claims
    ]
    chosen = _assign(matches)
    results = []
    for wanted, pick, found in zip(expect.claims, chosen, matches, strict=True):
        claim = candidates[pick] if pick is not None else None
        result = _claim_result(expect, analysis.actors, wanted, claim)
        result.contradictions = [
            f"{candidates[i].id}: {candidates[i].status}"
            for i, _ in found
            if i not in chosen and claim is not None and candidates[i].status != claim.status
        ]
        results.append(result)
    return results


def _assign(matches: list[list[tuple[int, int]]]) -> list[int | None]:
    """One output per expectation, in case order: the best still unused."""
    used: set[int] = set()
    chosen: list[int | None] = []
    for found in matches:
        pick = _pick([m for m in found if m[0] not in used])
        if pick is not None:
            used.add(pick)
        chosen.append(pick)
    return chosen


def _claim_matches(claim: Claim, wanted: ExpectedClaim) -> bool:
    return all(any(phrase_in(claim.text, p) for p in group) for group in wanted.keywords)


def _claim_result(
    expect: Expectations, actors: Sequence[Actor], wanted: ExpectedClaim, claim: Claim | None
) -> ClaimResult:
    asserted = set(claim.asserted_by) if claim else set()
    denied = set(claim.denied_by) if claim else set()

    def missing(names: list[str], side: set[str], other: set[str]) -> list[str]:
        def wrong(name: str) -> bool:  # not on its side, or on the other side too
            ids = _ids_for(expect, actors, name)
            return not ids & side or bool(ids & other)

        return [n for n in names if wrong(n)]

    return ClaimResult(
        keywords=wanted.keywords,
        expected=list(wanted.status),
        predicted=claim.status if claim else NONE_LABEL,
        claim_id=claim.id if claim else None,
        missing_asserters=missing(wanted.asserted_by, asserted, denied),
        missing_deniers=missing(wanted.denied_by, denied, asserted),
        attributions=len(wanted.asserted_by) + len(wanted.denied_by),
    )


def _ids_for(expect: Expectations, actors: Sequence[Actor], name: str) -> set[str]:
    expected = find_expected_actor(name, expect.actors)
    return ids_matching(actors, expected) if expected else set()


def score_caller_claims(expect: Expectations, analysis: Analysis) -> list[CallerClaimResult]:
    """Caller claim k is the output claim Q<k>, else the k-th claim with source `caller`."""
    by_id = {c.id: c for c in analysis.claims if c.source == "caller"}
    in_order = [c for c in analysis.claims if c.source == "caller"]
    results = []
    for wanted in expect.caller_claims:
        claim = by_id.get(f"Q{wanted.index}")
        if claim is None and wanted.index <= len(in_order):
            claim = in_order[wanted.index - 1]
        results.append(
            CallerClaimResult(
                index=wanted.index,
                expected=list(wanted.status),
                predicted=claim.status if claim else NONE_LABEL,
                holder_problems=_holder_problems(expect, analysis.actors, wanted, claim),
            )
        )
    return results


def _holder_problems(
    expect: Expectations, actors: Sequence[Actor], wanted: ExpectedCallerClaim, claim: Claim | None
) -> list[str]:
    """Who asserts and denies a caller claim, when the case says (wrong-holder traps)."""
    asserted = set(claim.asserted_by if claim else [])
    denied = set(claim.denied_by if claim else [])
    problems = [
        f"{n} not among asserters"
        for n in wanted.asserted_by
        if not _ids_for(expect, actors, n) & asserted
    ]
    problems += [
        f"{n} not among deniers"
        for n in wanted.denied_by
        if not _ids_for(expect, actors, n) & denied
    ]
    problems += [f"{n} wrongly listed as asserting or denying" for n in wanted.not_attributed_to
                 if _ids_for(expect, actors, n) & (asserted | denied)]  # fmt: skip
    return problems


def score_stances(expect: Expectations, analysis: Analysis) -> list[StanceResult]:
    claim_text = {c.id: c.text for c in analysis.claims}
    stances = analysis.stances

    def target_text(stance: Stance) -> str:
        return f"{stance.target}\n{claim_text.get(stance.target_claim or '', '')}"

    matches = []
    for wanted in expect.stances:
        ids = _ids_for(expect, analysis.actors, wanted.actor)
        matches.append(
            [
                (i, _keyword_hits(target_text(s), [wanted.target]))
                for i, s in enumerate(stances)
                if s.actor in ids and any(phrase_in(target_text(s), k) for k in wanted.target)
            ]
        )
    chosen = _assign(matches)
    results = []
    for wanted, pick, found in zip(expect.stances, chosen, matches, strict=True):
        stance = stances[pick] if pick is not None else None
        results.append(
            StanceResult(
                actor=wanted.actor,
                target=wanted.target,
                expected=list(wanted.stance),
                predicted=stance.stance if stance else NONE_LABEL,
                output_target=stance.target if stance else None,
                contradictions=[
                    f"{stances[i].target}: {stances[i].stance}"
                    for i, _ in found
                    if i not in chosen and stance is not None and stances[i].stance != stance.stance
                ],
            )
        )
    return results


def _word_count(text: str) -> int:
    return len(re.findall(r"\S+", text))


def score_summary(expect: SummaryExpectations, text: str, analysis: Analysis) -> SummaryScores:
    headline, summary = analysis.headline or "", analysis.summary or ""
    both = f"{headline}\n{summary}"
    offenders = unfaithful_spans(text, headline, [summary, *analysis.key_points])
    summary_words, headline_words = _word_count(summary), _word_count(headline)
    return SummaryScores(
        produced=bool(summary.strip()),
        offenders=[f"{o.kind}: {o.text}" for o in offenders],
        include_groups=len(expect.must_include),
        missing_groups=[g for g in expect.must_include if not any(phrase_in(both, p) for p in g)],
        forbidden_found=[p for p in expect.must_not_include if phrase_in(both, p)],
        summary_words=summary_words,
        headline_words=headline_words,
        within_limits=summary_words <= expect.max_words
        and headline_words <= expect.headline_max_words,
    )


def score_failure(case: GoldenCase, reason: str) -> CaseScores:
    """Scores of a case that produced no analysis: everything expected counts as missed."""
    request = case.analyze_request()
    empty = Analysis(
        sentences=[],
        coverage=Coverage(analysed=[], complete=False),
        meta=Meta(
            engine="builtin",
            model=request.model or "",
            provider="",
            prompt_version=None,
            schema_version=SCHEMA_VERSION,
            usage=Usage(),
            latency_ms=0.0,
            attempts=0,
        ),
    )
    scores = score_case(case, empty)
    scores.schema_valid = False
    scores.schema_problems = [f"no analysis: {reason}"]
    if scores.summary is not None:
        scores.summary.within_limits = False
    scores.usage = UsageScores()
    return scores


# A task's scores, as fields of CaseScores: a scorer per task of the table (schemas/tasks.py)
# that has expectations to score, run for the tasks a case asks for and those they need.
TaskScorer = Callable[[GoldenCase, Analysis], dict[str, Any]]
TASK_SCORERS: dict[str, TaskScorer] = {
    "summary": lambda case, a: {
        "summary": score_summary(case.expect.summary, case.analyze_request().text, a)
    },
    "actors": lambda case, a: {"actors": score_actors(case.expect, a.actors)},
    "stances": lambda case, a: {"stances": score_stances(case.expect, a)},
    "claims": lambda case, a: {"claims": score_claims(case.expect, a)},
}


def usage_of(analysis: Analysis) -> UsageScores:
    meta = analysis.meta
    return UsageScores(
        latency_ms=meta.latency_ms,
        prompt_tokens=meta.usage.prompt_tokens,
        completion_tokens=meta.usage.completion_tokens,
        total_tokens=meta.usage.total_tokens,
        cost_usd=meta.cost_usd,
        attempts=meta.attempts,
        cache_hit=meta.cache_hit,
    )

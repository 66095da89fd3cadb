"""The answer key: a scripted model that answers each golden case with that case's own
expectations, written as a contract that cites the article's own sentences.

Recorded as the `answer-key` cassette and run (scripts/record_answer_key.py), it gives CI
a replay full of actors, claims, stances and caller claims that pass the strict rule, so
the scorers are exercised on right answers (and, edited by hand in tests, on wrong ones).
It is a test instrument, never a model the service offers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from api.llm.capabilities import ModelCapabilities
from api.llm.types import ChatRequest, Completion, NoLocalModels
from api.pipeline.article import ArticleSentence, PreparedArticle, prepare_article
from api.pipeline.contract import content_words, shows_actor
from evals.case_model import ExpectedActor, ExpectedClaim, ExpectedStance, GoldenCase
from evals.matching import PREFIX_MARK, fold, phrase_in
from schemas.analysis import Usage
from schemas.llm import ContractActor

ANSWER_KEY_MODEL = "scripted/answer-key"
ANSWER_KEY_NAME = "answer-key"


class AnswerKeyClient:
    """An LLMClient answering every golden-case request with its answer key."""

    def __init__(self, cases: Sequence[GoldenCase]) -> None:
        self._cases = [(case, _prepared(case)) for case in cases]

    local = NoLocalModels()

    def capabilities(self, model: str) -> ModelCapabilities:
        return ModelCapabilities(json_schema=True, json_mode=True)

    async def complete(self, request: ChatRequest) -> Completion:
        prompt = "\n".join(m["content"] for m in request.messages)
        found = [(c, a) for c, a in self._cases if _numbered(a) in prompt]
        if len(found) != 1:
            raise LookupError(f"the prompt matches {len(found)} golden cases, not one")
        case, article = found[0]
        fields = set((request.json_schema or {}).get("properties", {}))
        contract = {k: v for k, v in answer(case, article).items() if k in fields}
        return Completion(
            content=json.dumps(contract, ensure_ascii=False),
            finish_reason="stop",
            model=request.model,
            provider="scripted",
            usage=Usage(prompt_tokens=0, completion_tokens=0, total_tokens=0),
            cost_usd=0.0,
        )


def _prepared(case: GoldenCase) -> PreparedArticle:
    request = case.analyze_request()
    return prepare_article(request.text, request.title)


def _numbered(article: PreparedArticle) -> str:
    return "\n".join(f"[{s.number}] {s.clean}" for s in article.sentences)


def answer(case: GoldenCase, article: PreparedArticle) -> dict[str, Any]:
    """The full contract a careful reader would return for `case` (every field)."""
    expect = case.expect
    actors = [_actor(i, a) for i, a in enumerate(expect.actors, start=1)]
    by_name = {
        n.casefold(): a for e, a in zip(expect.actors, actors, strict=True) for n in e.names()
    }

    def ids(names: list[str]) -> list[str]:
        return [by_name[n.casefold()].id for n in names]

    claims = [
        _claim(i, wanted, expect.claims, article, ids(wanted.asserted_by), ids(wanted.denied_by))
        for i, wanted in enumerate(expect.claims, start=1)
    ]
    stances = [_stance(s, by_name[s.actor.casefold()], article) for s in expect.stances]
    return {
        **_summary(case, article),
        "actors": [a.model_dump() for a in actors],
        "claims": claims,
        "stances": stances,
        "caller_claims": _caller_claims(case, article, ids),
    }


def _actor(number: int, expected: ExpectedActor) -> ContractActor:
    kinds = expected.kinds()
    kind = kinds[0] if kinds else "organization"
    return ContractActor(
        id=f"A{number}", name=expected.name, kind=kind, aliases=list(expected.aliases)
    )


def _plain(phrase: str) -> str:
    return phrase.rstrip().removesuffix(PREFIX_MARK)


def _claim(
    number: int,
    wanted: ExpectedClaim,
    every: Sequence[ExpectedClaim],
    article: PreparedArticle,
    asserted_by: list[str],
    denied_by: list[str],
) -> dict[str, Any]:
    def groups_in(text: str, claim: ExpectedClaim = wanted) -> int:
        return sum(any(phrase_in(text, p) for p in g) for g in claim.keywords)

    def others(text: str) -> int:  # a sentence that also reads as another claim is ambiguous
        return sum(groups_in(text, c) == len(c.keywords) for c in every if c is not wanted)

    best = max(article.sentences, key=lambda s: (groups_in(s.text), -others(s.text), -s.number))
    missing = [g[0] for g in wanted.keywords if not any(phrase_in(best.text, p) for p in g)]
    text = " ".join([best.clean, *(_plain(p) for p in missing)])
    return {
        "id": f"C{number}",
        "text": text,
        "status": wanted.status[0],
        "asserted_by": asserted_by,
        "denied_by": denied_by,
        "evidence": [_cited(best.number, _STATUS_ACT[wanted.status[0]])],
        "confidence": CONFIDENCE,
    }


def _stance(
    wanted: ExpectedStance, actor: ContractActor, article: PreparedArticle
) -> dict[str, Any]:
    showing = [s for s in article.sentences if shows_actor(article, s.number, actor)]
    best: tuple[ArticleSentence, str] | None = None
    for sentence in showing:
        target = next((k for k in wanted.target if phrase_in(sentence.text, k)), None)
        if target is not None:
            best = (sentence, target)
            break
    sentence, target = best or (showing[0], wanted.target[0])
    return {
        "actor": actor.id,
        "target": _word_in(sentence.text, target),
        "stance": wanted.stance[0],
        "evidence": [_cited(sentence.number, _STANCE_ACT[wanted.stance[0]])],
        "confidence": CONFIDENCE,
    }


# Contract v2: each cited sentence says what it does with the finding; the key is sure.
CONFIDENCE = 0.9
_STATUS_ACT = {
    "confirmed": "asserts",
    "disputed": "asserts",
    "unconfirmed": "questions",
    "denied": "denies",
    "not_mentioned": "context",
}
_STANCE_ACT = {"support": "asserts", "oppose": "denies", "neutral": "reports", "mixed": "reports"}


def _cited(number: int, act: str) -> dict[str, Any]:
    return {"sentence": number, "act": act}


def _word_in(text: str, keyword: str) -> str:
    """A prefix keyword ("falsif*") as the article writes it ("falsified")."""
    if not keyword.rstrip().endswith(PREFIX_MARK):
        return keyword
    stem = fold(_plain(keyword))
    words = [w.strip(".,;:!?\"'“”‘’()") for w in text.split()]
    return next((w for w in words if fold(w).startswith(stem)), _plain(keyword))


def _caller_claims(
    case: GoldenCase, article: PreparedArticle, ids: Callable[[list[str]], list[str]]
) -> list[dict[str, Any]]:
    claims = case.request.get("claims") or []
    wanted = {c.index: c for c in case.expect.caller_claims}
    out = []
    for index, claim in enumerate(claims, start=1):
        status = wanted[index].status[0] if index in wanted else "not_mentioned"
        words = content_words(claim)
        best = max(article.sentences, key=lambda s: (len(words & content_words(s.text)), -s.number))
        evidence = [] if status == "not_mentioned" else [_cited(best.number, _STATUS_ACT[status])]
        holders = wanted.get(index)
        out.append(
            {
                "index": index,
                "status": status,
                "asserted_by": ids(holders.asserted_by) if holders else [],
                "denied_by": ids(holders.denied_by) if holders else [],
                "evidence": evidence,
                "confidence": CONFIDENCE,
            }
        )
    return out


def _summary(case: GoldenCase, article: PreparedArticle) -> dict[str, Any]:
    expect = case.expect.summary
    clean = [
        s
        for s in article.sentences
        if not any(phrase_in(s.text, p) for p in expect.must_not_include)
    ]
    chosen: list[ArticleSentence] = []
    for group in expect.must_include:
        if any(phrase_in(s.clean, p) for s in chosen for p in group):
            continue
        hit = next((s for s in clean if any(phrase_in(s.text, p) for p in group)), None)
        if hit is not None:
            chosen.append(hit)
    chosen = sorted(chosen or clean[:2], key=lambda s: s.number)
    headline = " ".join(clean[0].clean.split()[: min(15, expect.headline_max_words)])
    return {
        "headline": headline,
        "summary": " ".join(s.clean for s in chosen),
        "key_points": [s.clean for s in chosen],
    }

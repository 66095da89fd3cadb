"""Long articles for models: split into parts a model can read, with a little overlap.

A part holds at most `max_llm_sentences` sentences and, where the model's context window is
known, at most the input tokens that leave room for the prompt and the answer. A cut is moved
back to a paragraph boundary (a line break between two sentences) when one is near the hard
end, so a part rarely starts mid-paragraph. Consecutive parts share `llm_part_overlap`
sentences: a claim made at the end of one part and answered at the start of the next is seen
whole by at least one of them (the merge, api/pipeline/merge.py, counts each sentence once).

Each part is shown to the model as a small article numbered from 1 (the schema's sentence
enum, the repair loop's checks and the prompt all work unchanged on it); its answer is
renumbered to the article's global numbers before the merge, so grounding, confidence and
the claim model's cross-check run on the whole article.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass, replace
from itertools import groupby

from api.config import Settings
from api.errors import ModelOutputInvalid
from api.llm.capabilities import ModelCapabilities
from api.llm.types import Accounting
from api.pipeline.article import PreparedArticle
from api.pipeline.engine import AnalysisJob, Engine, EngineResult
from api.pipeline.merge import PartAnswer, merge_contracts, total_accounting
from api.pipeline.progress import report
from schemas.analysis import AnalysisWarning, Coverage, SkippedSpan, Span, Usage

# Characters per token for the budget estimate: ~4 for English with GPT-style tokenizers;
# 3.5 errs on the side of smaller parts (names, numbers and other languages cost more).
CHARS_PER_TOKEN = 3.5
# Per sentence: its number and the line it sits on in the prompt ("12. …\n").
TOKENS_PER_SENTENCE_NUMBER = 4
# The prompt around the sentences (instructions, the JSON schema, caller claims): measured at
# ~1,900 tokens with the schema in the prompt for all tasks (prompts/analyze, contract v2);
# rounded up so a growing prompt does not overflow the window at once.
PROMPT_OVERHEAD_TOKENS = 3_000


@dataclass(frozen=True)
class Part:
    """Sentences [start, end) of the full article (0-based indexes into its sentence list)."""

    index: int  # 1-based, for "part k of n"
    start: int
    end: int

    @property
    def first_number(self) -> int:
        return self.start + 1

    @property
    def last_number(self) -> int:
        return self.end

    def global_number(self, local: int) -> int:
        """A sentence number the model cited in this part, as the article's number."""
        return self.start + local

    def article(self, full: PreparedArticle) -> PreparedArticle:
        """The part as an article of its own, numbered from 1. Its text is the full text with
        everything outside the part blanked: offsets stay global, and the checks that read
        the text (an actor must be named in it) see only what this part's model saw."""
        own = full.sentences[self.start : self.end]
        first, last = own[0].start, own[-1].end
        text = " " * first + full.text[first:last] + " " * (len(full.text) - last)
        sentences = [replace(s, number=i + 1) for i, s in enumerate(own)]
        return replace(full, text=text, sentences=sentences, skipped=[], skip_reasons=[])


def input_token_budget(context_tokens: int | None, max_output_tokens: int) -> int | None:
    """Tokens of article a model with this context window can read in one call, or None
    when the window is unknown (then only the sentence limit applies)."""
    if context_tokens is None:
        return None
    return max(context_tokens - max_output_tokens - PROMPT_OVERHEAD_TOKENS, 0)


def sentence_tokens(article: PreparedArticle) -> list[int]:
    """Estimated prompt tokens of each sentence, as the model sees it (cleaned, numbered)."""
    return [
        math.ceil(len(s.clean) / CHARS_PER_TOKEN) + TOKENS_PER_SENTENCE_NUMBER
        for s in article.sentences
    ]


def plan_parts(
    full: PreparedArticle, settings: Settings, capabilities: list[ModelCapabilities]
) -> list[Part] | None:
    """The parts a model reads `full` in, or None when one call holds it all. The token
    budget is the smallest of the model's and its fallbacks' (whichever answers must fit)."""
    windows = [c.context_tokens for c in capabilities if c.context_tokens is not None]
    budget = input_token_budget(min(windows), settings.llm_max_tokens) if windows else None
    if not needs_parts(full, settings.max_llm_sentences, budget):
        return None
    return split(
        full, settings.max_llm_sentences, budget, settings.llm_part_overlap, settings.max_llm_parts
    )


def needs_parts(article: PreparedArticle, max_sentences: int, token_budget: int | None) -> bool:
    if len(article) > max_sentences:
        return True
    return token_budget is not None and sum(sentence_tokens(article)) > token_budget


def split(
    article: PreparedArticle,
    max_sentences: int,
    token_budget: int | None = None,
    overlap: int = 2,
    max_parts: int | None = None,
) -> list[Part]:
    """Parts covering the article's sentences in order; fewer than all only when `max_parts`
    stops the split (the rest is then reported in coverage as over the length limit)."""
    tokens = sentence_tokens(article)
    breaks = paragraph_breaks(article)
    count = len(article)
    parts: list[Part] = []
    start = 0
    while start < count and (max_parts is None or len(parts) < max_parts):
        hard_end = _hard_end(tokens, start, max_sentences, token_budget)
        end = hard_end if hard_end == count else _near_break(breaks, start, hard_end, overlap)
        parts.append(Part(len(parts) + 1, start, end))
        if end == count:
            break
        # Overlap, but always move on: a part shorter than the overlap must still advance.
        start = max(end - overlap, start + 1)
    return parts


def paragraph_breaks(article: PreparedArticle) -> set[int]:
    """Indexes i such that a paragraph ends after sentence i (a line break follows it)."""
    sentences = article.sentences
    return {
        i
        for i in range(len(sentences) - 1)
        if "\n" in article.text[sentences[i].end : sentences[i + 1].start]
    }


def _hard_end(tokens: list[int], start: int, max_sentences: int, budget: int | None) -> int:
    """The furthest end (exclusive) within both limits; at least one sentence per part."""
    end = min(start + max_sentences, len(tokens))
    if budget is not None:
        used = 0
        for i in range(start, end):
            used += tokens[i]
            if used > budget:
                end = i
                break
    return max(end, start + 1)


def _near_break(breaks: set[int], start: int, hard_end: int, overlap: int) -> int:
    """The latest paragraph end in the last fifth of the part, else the hard end. The part
    keeps more than the overlap, so the next one still starts further on."""
    window = max((hard_end - start) // 5, 1)
    lowest = max(hard_end - window, start + overlap + 1)
    for end in range(hard_end, lowest - 1, -1):
        if end - 1 in breaks:
            return end
    return hard_end


@dataclass
class PartedResult:
    """The merged answer over every part that succeeded, and what was not seen."""

    result: EngineResult
    parts: list[Part]
    failed: dict[int, str]  # part index -> why (a model answer that could not be repaired)

    def coverage(self, full: PreparedArticle) -> Coverage:
        """Sentences seen by a part that answered; the rest skipped, with the reason."""
        reasons: list[str | None] = ["over the length limit"] * len(full)  # None: seen
        # Failed parts first: a sentence a neighbour shares with them and answered is seen.
        for part in sorted(self.parts, key=lambda p: p.index not in self.failed):
            reasons[part.start : part.end] = [self.failed.get(part.index)] * (part.end - part.start)
        analysed: list[Span] = []
        skipped = [
            SkippedSpan(**_offsets(full, start, end), reason=reason)
            for (start, end), reason in zip(full.skipped, full.skip_reasons, strict=True)
        ]
        first = 0
        for reason, run in groupby(reasons):
            last = first + len(list(run)) - 1
            where = _offsets(full, full.sentences[first].start, full.sentences[last].end)
            if reason is None:
                analysed.append(Span(**where))
            else:
                skipped.append(SkippedSpan(**where, reason=reason))
            first = last + 1
        return Coverage(
            analysed=analysed,
            skipped=sorted(skipped, key=lambda s: s.start),
            complete=all(r is None for r in reasons),
        )


async def run_in_parts(
    engine: Engine, job: AnalysisJob, parts: list[Part], slot: asyncio.Semaphore
) -> PartedResult:
    """Every part through `engine` at once, as many in flight as `slot` allows (the model-call
    limit); the caller's deadline covers them all.

    A part whose answer stays invalid after its repairs (model_output_invalid) is left out and
    said (warning `part_failed`, its sentences skipped in coverage): the other parts' findings
    are still worth having. Any other failure (provider down, rate limit, timeout) fails the
    whole analysis with its own problem, so a job retries the article; so does a failure of
    every part."""
    total = len(parts)

    async def one(part: Part) -> EngineResult | ModelOutputInvalid:
        where = {
            "part": part.index,
            "parts": total,
            "first_sentence": part.first_number,
            "last_sentence": part.last_number,
        }
        async with slot:
            report("part", **where, state="started")
            try:
                result = await engine.run(replace(job, article=part.article(job.article)))
            except ModelOutputInvalid as exc:
                report("part", **where, state="failed", code=exc.code)
                return exc
            report("part", **where, state="done")
            return result

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(part)) for part in parts]
    except BaseExceptionGroup as failures:  # the first part's error, as a single call raises
        raise failures.exceptions[0] from None
    outcomes = [task.result() for task in tasks]
    answers = [(p, r) for p, r in zip(parts, outcomes, strict=True) if isinstance(r, EngineResult)]
    if not answers:  # every part failed: the analysis fails as one call would
        raise next(r for r in outcomes if isinstance(r, ModelOutputInvalid))
    failed = {
        p.index: f"part {p.index} of {total} failed: {r.code}"
        for p, r in zip(parts, outcomes, strict=True)
        if isinstance(r, ModelOutputInvalid)
    }
    contract = merge_contracts([PartAnswer(r.contract, p.first_number) for p, r in answers])
    result = EngineResult(
        contract=contract,
        engine=answers[0][1].engine,
        # Failed parts' calls cost tokens too (the key's budget is charged for them).
        accounting=total_accounting(
            [_spent(job, r) for r in outcomes if isinstance(r, ModelOutputInvalid)]
            + [r.accounting for _, r in answers]
        ),
        prompt_version=answers[0][1].prompt_version,
        warnings=[w for _, r in answers for w in r.warnings]
        + _failure_warnings(parts, failed)
        + _cut_warnings(parts, len(job.article)),
    )
    return PartedResult(result, parts, failed)


def _spent(job: AnalysisJob, failure: ModelOutputInvalid) -> Accounting:
    usage = Usage.model_validate(failure.usage)
    return Accounting(model=job.model, provider="", usage=usage, attempts=failure.attempts)


def _failure_warnings(parts: list[Part], failed: dict[int, str]) -> list[AnalysisWarning]:
    return [
        AnalysisWarning(
            code="part_failed",
            message=f"Sentences {p.first_number}-{p.last_number} ({failed[p.index]}) were not "
            "analysed: the model's answer stayed invalid after its repairs; see coverage.",
        )
        for p in parts
        if p.index in failed
    ]


def _cut_warnings(parts: list[Part], sentences: int) -> list[AnalysisWarning]:
    """The part limit (max_llm_parts) stopped the split before the end of the article."""
    if parts[-1].end == sentences:
        return []
    return [
        AnalysisWarning(
            code="partial_coverage",
            message=f"Only sentences 1-{parts[-1].end} of {sentences} were analysed "
            f"({len(parts)} parts, the model input limit); see coverage.",
        )
    ]


def _offsets(full: PreparedArticle, start: int, end: int) -> dict[str, int]:
    return {
        "start": start,
        "end": end,
        "start_utf16": full.utf16(start),
        "end_utf16": full.utf16(end),
    }

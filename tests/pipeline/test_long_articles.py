"""A long article through a scripted model: read in parts at once, merged into one analysis."""

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest

from api.compose import make_analyzer
from api.config import Settings
from api.errors import DeadlineExceeded, ModelOutputInvalid, TextTooLong, UpstreamUnavailable
from api.llm.types import ChatRequest
from api.pipeline.article import prepare_article
from api.pipeline.chunking import Part, plan_parts
from api.pipeline.progress import listening
from schemas.analysis import Analysis
from schemas.request import AnalyzeRequest
from tests.fakes import HOSTED_JSON_SCHEMA, ScriptedClient

LONG = Path(__file__).parents[1] / "data" / "long_article_kim.txt"
KIM = "Kim Jong-un"
CLAIM = "Kim Jong-un has not been seen in public for weeks."


@pytest.fixture(scope="module")
def text() -> str:
    return LONG.read_text()


def numbered(request: ChatRequest) -> dict[int, str]:
    """The part as its model saw it (repairs re-send it): local number -> sentence."""
    user = request.messages[1]["content"]
    return {int(n): s for n, s in re.findall(r"^\[(\d+)\] (.*)$", user, re.MULTILINE)}


def kim_answer(request: ChatRequest) -> dict[str, Any]:
    """What a model finds in one part: Kim (named in full in odd parts, as 'Kim' with the full
    name as alias in even ones), one claim about him, his stance on it."""
    sentences = numbered(request)
    about_kim = [n for n, s in sentences.items() if KIM in s][:2]
    odd = len(re.findall(r"Kim", " ".join(sentences.values()))) % 2  # varies by part
    actor = {"id": "A1", "name": KIM, "kind": "person", "role": None, "aliases": ["Kim"]}
    if not odd:
        actor |= {"name": "Kim", "aliases": [KIM]}
    evidence = [{"sentence": n, "act": "reports"} for n in about_kim]
    return {
        "headline": f"Part starting: {sentences[1][:40]}",
        "summary": "Kim Jong-un has been absent.",
        "key_points": ["Kim is absent", f"part with {len(sentences)} sentences"],
        "actors": [actor],
        "claims": [
            {
                "id": "C1",
                "text": CLAIM,
                "status": "unconfirmed",
                "asserted_by": [],
                "denied_by": [],
                "evidence": evidence,
                "confidence": 0.7,
            }
        ],
        "stances": [
            {"actor": "A1", "target": "C1", "stance": "neutral", "evidence": evidence[:1],
             "confidence": 0.6}
        ],
    }  # fmt: skip


def parts_for(text: str, settings: Settings) -> list[Part]:
    parts = plan_parts(prepare_article(text), settings, [HOSTED_JSON_SCHEMA])
    assert parts is not None
    return parts


def part_of(parts: list[Part], sentence: int) -> set[int]:
    return {p.index for p in parts if p.first_number <= sentence <= p.last_number}


async def analyse(settings: Settings, client: ScriptedClient, text: str, **fields: Any) -> Analysis:
    request = AnalyzeRequest.model_validate({"text": text, **fields})
    return await make_analyzer(settings, client=client).analyze(request)


async def test_long_article_is_read_in_parts_and_merged(llm_settings: Settings, text: str) -> None:
    client = ScriptedClient(kim_answer)
    stages: list[tuple[str, dict[str, Any]]] = []
    with listening(lambda stage, data: stages.append((stage, data))):
        analysis = await analyse(llm_settings, client, text)
    parts = parts_for(text, llm_settings)
    assert len(analysis.sentences) >= 400 and len(parts) == len(client.requests) >= 3
    # Every part's prompt is numbered from 1 and no part is longer than the limit.
    assert all(min(numbered(r)) == 1 for r in client.requests)
    assert all(len(numbered(r)) <= llm_settings.max_llm_sentences for r in client.requests)
    # One actor, however each part named him.
    assert [(a.name, a.aliases) for a in analysis.actors] == [(KIM, ["Kim"])]
    # One claim, its evidence from several parts, each quote really about Kim (numbers global).
    [claim] = analysis.claims
    assert claim.text == CLAIM and claim.status == "unconfirmed"
    assert all(KIM in e.quote for e in claim.evidence)
    assert all(e.quote == text[e.start : e.end] for e in claim.evidence)
    assert len(set().union(*(part_of(parts, e.sentence) for e in claim.evidence))) >= 3
    [stance] = analysis.stances
    assert stance.actor == "A1" and stance.target_claim == claim.id
    # Every sentence seen.
    assert analysis.coverage.complete
    assert [(s.start, s.end) for s in analysis.coverage.analysed] == [
        (analysis.sentences[0].start, analysis.sentences[-1].end)
    ]
    assert analysis.headline is not None and analysis.headline.startswith("Part starting")
    assert analysis.meta.attempts == len(parts)  # tokens of every part's call counted
    assert analysis.meta.usage.total_tokens == 150 * len(parts)
    # Progress: part k of n started and done, for every k.
    done = [d["part"] for s, d in stages if s == "part" and d["state"] == "done"]
    assert sorted(done) == list(range(1, len(parts) + 1))
    assert all(d["parts"] == len(parts) for s, d in stages if s == "part")


async def test_overlap_sentences_count_once(llm_settings: Settings, text: str) -> None:
    """Two parts both cite the two sentences they share: the merged evidence has each once."""
    settings = llm_settings.model_copy(update={"max_llm_sentences": 400})
    first, second = parts_for(text, settings)
    shared = [second.first_number, second.first_number + 1]
    assert shared == [first.last_number - 1, first.last_number]

    def cite_the_overlap(request: ChatRequest) -> dict[str, Any]:
        count = len(numbered(request))
        local = [count - 1, count] if count == first.end - first.start else [1, 2]
        return {
            "actors": [],
            "caller_claims": [{
                "index": 1, "status": "unconfirmed", "asserted_by": [], "denied_by": [],
                "evidence": [{"sentence": n, "act": "reports"} for n in local],
                "confidence": 0.5,
            }],
        }  # fmt: skip

    client = ScriptedClient(cite_the_overlap)
    analysis = await analyse(
        settings, client, text, tasks=["actors"], claims=["Kim Jong-un is ill."]
    )
    assert len(client.requests) == 2
    [caller] = analysis.claims
    assert [e.sentence for e in caller.evidence] == shared


def fail_part(parts: list[Part], text: str, failing: int, reply: Any) -> ScriptedClient:
    """A model that answers `reply` for part `failing` (recognised by its first sentence)."""
    article = prepare_article(text)
    opening = article.sentence(parts[failing - 1].first_number).clean

    def answer(request: ChatRequest) -> Any:
        if numbered(request).get(1) == opening:
            if isinstance(reply, Exception):
                raise reply
            return reply
        return kim_answer(request)

    return ScriptedClient(answer)


async def test_a_part_whose_answer_stays_invalid_is_left_out_and_said(
    llm_settings: Settings, text: str
) -> None:
    parts = parts_for(text, llm_settings)
    client = fail_part(parts, text, 2, "not json")
    analysis = await analyse(llm_settings, client, text)
    assert [w.code for w in analysis.warnings if w.code == "part_failed"] == ["part_failed"]
    assert not analysis.coverage.complete
    [gap] = [s for s in analysis.coverage.skipped if s.reason and "failed" in s.reason]
    assert gap.reason == f"part 2 of {len(parts)} failed: model_output_invalid"
    # Only what no other part saw is missing: part 2 without the sentences it shares.
    sentences = {s.number: s for s in analysis.sentences}
    assert gap.start == sentences[parts[0].last_number + 1].start
    assert gap.end == sentences[parts[2].first_number - 1].end
    assert [a.name for a in analysis.actors] == [KIM]  # the other parts' findings stay
    # The failed part's three attempts (two repairs) cost tokens too: charged, not lost.
    attempts = len(parts) - 1 + 1 + llm_settings.repair_attempts
    assert len(client.requests) == analysis.meta.attempts == attempts
    assert analysis.meta.usage.total_tokens == 150 * attempts


async def test_a_part_failing_upstream_fails_the_analysis_with_its_problem(
    llm_settings: Settings, text: str
) -> None:
    parts = parts_for(text, llm_settings)
    client = fail_part(parts, text, 3, UpstreamUnavailable("provider down", retry_after=5))
    with pytest.raises(UpstreamUnavailable):  # transient: a job retries the whole article
        await analyse(llm_settings, client, text)


async def test_every_part_failing_is_the_model_output_problem(
    llm_settings: Settings, text: str
) -> None:
    with pytest.raises(ModelOutputInvalid):
        await analyse(llm_settings, ScriptedClient("not json"), text)


async def test_part_limit_keeps_the_rest_in_coverage(llm_settings: Settings, text: str) -> None:
    settings = llm_settings.model_copy(update={"max_llm_parts": 2})
    analysis = await analyse(settings, ScriptedClient(kim_answer), text)
    assert not analysis.coverage.complete
    [cut] = [s for s in analysis.coverage.skipped if s.reason == "over the length limit"]
    assert cut.end == analysis.sentences[-1].end
    assert "partial_coverage" in [w.code for w in analysis.warnings]


async def test_investigation_length_needs_a_job_a_stream_or_the_cli(
    llm_settings: Settings, text: str
) -> None:
    """~120,000 characters (a 20,000-word investigation): over the synchronous limit, within
    the long one."""
    investigation = (text + "\n\n") * 2
    analyzer = make_analyzer(llm_settings, client=ScriptedClient(kim_answer))
    request = AnalyzeRequest(text=investigation)
    assert 120_000 < len(investigation) <= llm_settings.max_long_text_chars
    with pytest.raises(TextTooLong, match="job or a streamed request"):
        await analyzer.analyze(request)
    analysis = await analyzer.analyze(request, long_form=True)
    assert analysis.coverage.complete and len(analysis.sentences) > 1_000


async def test_deadline_problem_says_the_deadline_the_caller_had(
    llm_settings: Settings, text: str
) -> None:
    """Regression: a stream or CLI analysis (300 s) past its deadline said '45 s per request'."""

    async def never(request: ChatRequest) -> None:
        await asyncio.sleep(3600)

    class Hanging(ScriptedClient):
        async def complete(self, request: ChatRequest):  # type: ignore[no-untyped-def]
            await never(request)

    analyzer = make_analyzer(llm_settings, client=Hanging("{}"))
    deadline = asyncio.get_running_loop().time() + 1.2
    with pytest.raises(DeadlineExceeded, match=r"deadline \(1 s\)"):
        await analyzer.analyze(AnalyzeRequest(text=text), deadline=deadline, long_form=True)

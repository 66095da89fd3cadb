"""BuiltinEngine: fills the contract from the article alone (spaCy + rules, no LLM).

It runs offline in a fraction of a second, says only what a cue in the text shows, and
labels itself `builtin` in every response. When the English pipeline is missing or the
article is not English it degrades to an extractive summary, with a coded warning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc

from api.builtin.attribution import Attribution, find_attributions
from api.builtin.caller import add_caller_actors, assess_caller_claim
from api.builtin.claimmodel import ClaimAssessment, load_claim_model
from api.builtin.claims import (
    ClaimGroup,
    asserters,
    claim_text,
    group_claims,
    status_of,
)
from api.builtin.entities import ActorRecord, ActorTable, build_actor_table
from api.builtin.language import detect, is_english_code, looks_english
from api.builtin.nlp import PipelineUnavailable, parse_sentences, parse_texts
from api.builtin.stance_finding import StanceFinding
from api.builtin.stances import find_stances
from api.builtin.steps import EXTRA_STEPS, BuiltinStep
from api.builtin.summary import summarise
from api.llm.types import Accounting
from api.model_ref import BUILTIN_MODEL
from api.pipeline.article import PreparedArticle
from api.pipeline.contract import content_words, shows_actor
from api.pipeline.cpu import CpuRunner, ThreadRunner
from api.pipeline.engine import AnalysisJob, EngineResult
from schemas.analysis import AnalysisWarning
from schemas.llm import (
    MAX_EVIDENCE,
    AnalysisContract,
    CallerClaimAssessment,
    CallerClaimStatus,
    ContractActor,
    ContractClaim,
    ContractStance,
    EvidenceItem,
    SpeechAct,
)
from schemas.tasks import with_needs

DEFAULT_MODEL = BUILTIN_MODEL
PROVIDER = "stancewire"


@dataclass
class _Findings:
    table: ActorTable
    attributions: list[Attribution]
    groups: list[ClaimGroup]
    stances: list[StanceFinding]
    docs: list[Doc]
    ids: dict[int, str] = field(default_factory=dict)

    def actor_id(self, actor: ActorRecord) -> str:
        return self.ids[id(actor)]


Findings = _Findings  # what a task's built-in step reads (BuiltinStep)


class BuiltinEngine:
    """The Engine protocol on linguistic rules; `model` is e.g. "builtin/rules-en"."""

    def __init__(self, runner: CpuRunner | None = None) -> None:
        self.runner = runner or ThreadRunner()

    async def run(self, job: AnalysisJob) -> EngineResult:
        contract, warnings = await self.runner.run(analyse, job, all_steps())
        return EngineResult(
            contract=contract,
            engine="builtin",
            accounting=Accounting(model=job.model or DEFAULT_MODEL, provider=PROVIDER),
            prompt_version=None,
            warnings=warnings,
        )


def candidate_actors(article: PreparedArticle) -> list[ContractActor]:
    """Actors the text supports, for grounding LLM runs; empty when spaCy is unavailable."""
    if not looks_english(article.text):
        return []
    try:
        docs = parse_sentences(article)
    except PipelineUnavailable:
        return []
    table = build_actor_table(docs)
    return [_contract_actor(actor, f"A{i}") for i, actor in enumerate(table.actors, start=1)]


def _warning(code: str, message: str) -> AnalysisWarning:
    return AnalysisWarning(code=code, message=message)


def analyse(
    job: AnalysisJob, steps: Mapping[str, BuiltinStep] | None = None
) -> tuple[AnalysisContract, list[AnalysisWarning]]:
    """Everything the job asks for, by `steps` (default: all_steps()); blocking CPU work
    (run it in a thread)."""
    warnings: list[AnalysisWarning] = []
    if not is_english_code(job.language):
        warnings.append(_warning(
            "output_language_unsupported",
            f"The built-in engine cannot write in {job.language!r}; "
            "it answers in the article's own words and language.",
        ))  # fmt: skip
    english = looks_english(job.article.text)
    if not english:  # said whatever the tasks: a summary alone is still in another language
        warnings.append(_not_english(job.article.text))
    contract = AnalysisContract()
    run = _steps_for(job, steps or all_steps())
    for step in run:
        if step.unparsed is not None:
            step.unparsed(contract, job)
    wants_analysis = any(step.parsed for step in run)  # the caller's claims need actors
    if not wants_analysis or not job.article.sentences:
        contract.caller_claims = _unassessed_caller_claims(job)
        return contract, warnings
    docs = _parse(job.article, warnings) if english else None
    if docs is None:
        contract.caller_claims = _unassessed_caller_claims(job)
        if job.caller_claims:
            warnings.append(_warning("caller_claims_not_assessed", _NOT_ASSESSED))
        return contract, warnings
    findings = _find(docs, job)
    for step in run:
        if step.parsed is not None:
            step.parsed(contract, job, findings)
    contract.caller_claims = _caller_claims(job, findings)
    return contract, warnings


def all_steps() -> dict[str, BuiltinStep]:
    return {**BUILTIN_STEPS, **EXTRA_STEPS}


def _steps_for(job: AnalysisJob, steps: Mapping[str, BuiltinStep]) -> list[BuiltinStep]:
    """The steps of the asked tasks and those they need, in the steps' order."""
    wanted = with_needs(job.tasks, bool(job.caller_claims))
    return [step for task, step in steps.items() if task in wanted]


_NOT_ASSESSED = (
    "Caller claims were matched to sentences by shared words only; their status could not "
    "be assessed, so a matched claim is reported as unconfirmed."
)


def _not_english(text: str) -> AnalysisWarning:
    code, _ = detect(text)
    return _warning(
        "language_not_supported",
        f"The article does not look English (most likely language: {code!r}); the built-in "
        "engine's rules are English-only, so it returns an extractive summary only and finds "
        "no actors, stances or claims. Configure an LLM for other languages.",
    )


def _parse(article: PreparedArticle, warnings: list[AnalysisWarning]) -> list[Doc] | None:
    """The parsed sentences, or None with the reason added to `warnings`."""
    try:
        return parse_sentences(article)
    except PipelineUnavailable as exc:
        warnings.append(_warning("builtin_model_missing", f"{exc}. Summary only."))
        return None


def _find(docs: list[Doc], job: AnalysisJob) -> _Findings:
    table = build_actor_table(docs)
    add_caller_actors(table, docs, job.caller_actors)
    attributions = find_attributions(docs, table)
    groups = group_claims(attributions)
    stances = find_stances(groups, attributions, table, docs)
    findings = _Findings(table, attributions, groups, stances, docs)
    findings.ids = {id(actor): f"A{i}" for i, actor in enumerate(table.actors, start=1)}
    return findings


def _contract_actor(actor: ActorRecord, actor_id: str) -> ContractActor:
    return ContractActor(
        id=actor_id, name=actor.name, kind=actor.kind, role=actor.role, aliases=actor.aliases
    )


def _summary(contract: AnalysisContract, job: AnalysisJob) -> None:
    contract.headline, contract.summary, contract.key_points = summarise(job.article)


def _actors(contract: AnalysisContract, job: AnalysisJob, findings: Findings) -> None:
    contract.actors = [
        _contract_actor(actor, findings.actor_id(actor)) for actor in findings.table.actors
    ]


def _claims(contract: AnalysisContract, job: AnalysisJob, findings: Findings) -> None:
    contract.claims = _contract_claims(findings, job.article)


def _stances(contract: AnalysisContract, job: AnalysisJob, findings: Findings) -> None:
    stances = [_contract_stance(s, findings, contract.claims) for s in findings.stances]
    actors = {a.id: a for a in contract.actors}
    contract.stances = [
        s for s in stances if _keep_visible_evidence(s, actors[s.actor], job.article)
    ]


# The engine's step per task of the table (schemas/tasks.py), run in this order for the
# asked tasks and those they need (stances point into the claims, so claims come first),
# then the steps registered in api/builtin/steps.py.
BUILTIN_STEPS: dict[str, BuiltinStep] = {
    "summary": BuiltinStep(unparsed=_summary),
    "actors": BuiltinStep(_actors),
    "claims": BuiltinStep(_claims),
    "stances": BuiltinStep(_stances),
}


def _contract_claims(findings: _Findings, article: PreparedArticle) -> list[ContractClaim]:
    claims, checks = [], []
    for index, group in enumerate(findings.groups):
        text, status = claim_text(group), status_of(group)
        evidence = group.evidence_items()[:MAX_EVIDENCE]
        checks.append((text, status, [article.sentence(e.sentence).text for e in evidence]))
        claims.append(ContractClaim(
            id=f"C{index + 1}",
            text=text,
            status=status,
            asserted_by=[findings.actor_id(a) for a in asserters(group)],
            denied_by=[findings.actor_id(a) for a in group.speakers("deny")],
            evidence=evidence,
            confidence=0.0,
        ))  # fmt: skip
    for claim, confidence in zip(claims, claim_confidences(checks), strict=True):
        claim.confidence = confidence
    return claims


def claim_confidences(checks: Sequence[tuple[str, str, list[str]]]) -> list[float]:
    """Per (claim text, status the rules gave, cited sentences): the claim model's
    probability of that status, read on the cited sentences only (a few, so it costs
    little), between half and all of P(related). One model call for all claims: a
    booster's cost is per call."""
    found = load_claim_model().assess_many([(text, cited) for text, _, cited in checks])
    return [
        _status_confidence(status, model)
        for (_, status, _), model in zip(checks, found, strict=True)
    ]


def _status_confidence(status: str, model: ClaimAssessment) -> float:
    p_status = {
        "confirmed": model.stance["agree"],
        "denied": model.stance["disagree"],
        "disputed": min(1.0, model.stance["agree"] + model.stance["disagree"]),
        "unconfirmed": model.stance["discuss"],
    }[status]
    return round(model.related * (0.5 + 0.5 * p_status), 4)


# What a sentence showing a stance does with its target.
_STANCE_ACTS: dict[str, SpeechAct] = {
    "support": "asserts", "oppose": "denies", "neutral": "questions", "mixed": "reports"
}  # fmt: skip
_TOPIC_ACTS: dict[str, SpeechAct] = {
    "support": "asserts", "oppose": "asserts", "neutral": "reports", "mixed": "reports"
}  # fmt: skip
# A cue-based stance has no model probability yet: a fixed, documented prior per kind of
# target (measured pass rates of stances on the golden cases are in the README).
TOPIC_STANCE_CONFIDENCE = 0.6


def _contract_stance(
    stance: StanceFinding, findings: _Findings, claims: list[ContractClaim]
) -> ContractStance:
    confidence = TOPIC_STANCE_CONFIDENCE
    if stance.target_actor is not None and id(stance.target_actor) in findings.ids:
        target = findings.actor_id(stance.target_actor)  # contract v2: the actor, by id
    elif stance.claim is None:
        target = stance.target
    elif claims:
        target = f"C{stance.claim + 1}"
        confidence = claims[stance.claim].confidence
    else:  # no claim list to point into: name the claim instead
        target = claim_text(findings.groups[stance.claim])
    # on a claim, the sentence asserts, denies or questions it; on a topic it states a position
    act = _STANCE_ACTS[stance.label] if stance.claim is not None else _TOPIC_ACTS[stance.label]
    return ContractStance(
        actor=findings.actor_id(stance.actor),
        target=target,
        stance=stance.label,
        evidence=[EvidenceItem(sentence=n, act=act) for n in stance.evidence],
        confidence=confidence,
    )


def _keep_visible_evidence(
    stance: ContractStance, actor: ContractActor, article: PreparedArticle
) -> bool:
    """Keep only evidence where a reader sees the actor: named, or a pronoun/quote right after.

    The parse may follow "he" further back than a reader (or the contract check) would;
    such sentences are dropped, and a stance left without evidence is dropped with them.
    """

    kept = [e for e in stance.evidence if shows_actor(article, e.sentence, actor)]
    stance.evidence = kept[:MAX_EVIDENCE]
    return bool(stance.evidence)


def _caller_claims(job: AnalysisJob, findings: _Findings) -> list[CallerClaimAssessment]:
    if not job.caller_claims:
        return []
    claim_docs = parse_texts(list(job.caller_claims))
    sentences = [s.text for s in job.article.sentences]
    assessed = load_claim_model().assess_many([(c.text, sentences) for c in claim_docs])
    result = []
    for index, (claim, model) in enumerate(zip(claim_docs, assessed, strict=True), start=1):
        found = assess_caller_claim(
            claim, findings.groups, findings.docs, findings.attributions, model
        )
        result.append(CallerClaimAssessment(
            index=index,
            status=found.status,
            asserted_by=[findings.actor_id(a) for a in found.asserted],
            denied_by=[findings.actor_id(a) for a in found.denied],
            evidence=found.evidence,
            confidence=found.confidence,
        ))  # fmt: skip
    return result


def _unassessed_caller_claims(job: AnalysisJob) -> list[CallerClaimAssessment]:
    """Without the parser: a claim whose words the article shares is "unconfirmed".

    Its confidence is a fixed 0.5 (nothing was assessed; a coded warning says so)."""
    result = []
    for index, claim in enumerate(job.caller_claims, start=1):
        wanted = content_words(claim)
        evidence = [
            EvidenceItem(sentence=s.number, act="reports")
            for s in job.article.sentences
            if wanted and len(wanted & content_words(s.clean)) >= max(2, len(wanted) * 0.6)
        ][:MAX_EVIDENCE]
        status: CallerClaimStatus = "unconfirmed" if evidence else "not_mentioned"
        result.append(CallerClaimAssessment(
            index=index, status=status, evidence=evidence, confidence=0.5
        ))  # fmt: skip
    return result

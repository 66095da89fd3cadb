"""The claim model checks an LLM's claim verdicts (issue 12).

A model's answer passes the contract and the soft checks (confidence.py) and can still
say "confirmed" where the article denies, or "not_mentioned" about its lead. The trained
claim model (api/builtin/claimmodel) gives its own probability of the verdict the LLM
chose; when that is below DISPUTED_BELOW the finding stays (the LLM may read better),
its confidence drops (× PENALTY) and a `finding_disputed_by_check` warning names it with
both readings.

- an LLM claim (the article's own, so related by construction) is checked against the
  sentences it cites: P(agree), P(disagree), P(discuss) from the model's stance;
- a caller claim's verdict is checked against the whole article: P(related), then the
  stance. An LLM's `not_mentioned` is never disputed: the claim model alone calls too many
  near misses related (76 % of the near-miss set's unrelated rows → not_mentioned), and on
  the answer key (every verdict right) it disputed 5 of its 10 right abstentions.

- a stance whose target is one of the answer's claims (an actor "supports" C1) is checked
  against the sentences it cites where the claim model's reading applies: `support`
  (endorses, asserts) is disputed as a `confirmed` verdict is, when the model gives those
  sentences asserting the claim (P(agree)) less than DISPUTED_BELOW (the seed's "The
  Kremlin earlier denied the reports.": 0.07). `oppose` is not checked: it covers
  condemning an act (the claim true: "we condemn the dispatch of troops") as well as
  denying it, and the model reads only the latter; nor are `neutral`, `mixed`, or stances
  on an actor or a topic, which are no claims the model can read.

Cost: one call of each claim-model booster for all findings, no parse (the model reads
plain text): measured next to spaCy's parse of the same article by scripts/bench_cross_check.py.
"""

from __future__ import annotations

from api.builtin.claimmodel import ClaimAssessment, ClaimModel, load_claim_model
from api.pipeline.confidence import PENALTY
from api.pipeline.contract import numbers
from api.pipeline.engine import AnalysisJob
from schemas.analysis import AnalysisWarning
from schemas.llm import (
    AnalysisContract,
    CallerClaimAssessment,
    ContractClaim,
    ContractStance,
    EvidenceItem,
)

# A verdict the claim model gives less than this probability is disputed: strong
# disagreement only (the model is right on ~72 % of Emergent headlines, so a mild
# disagreement says little).
DISPUTED_BELOW = 0.1


def p_of_status(status: str, found: ClaimAssessment, related_known: bool) -> float:
    """The claim model's probability of a verdict; `related_known`: the claim is the
    article's own, so only the stance is checked."""
    related = 1.0 if related_known else found.related
    agree, disagree, discuss = (found.stance[s] for s in ("agree", "disagree", "discuss"))
    return {
        "not_mentioned": 1.0 - related,
        "confirmed": related * agree,
        "denied": related * disagree,
        "unconfirmed": related * discuss,
        # asserted by some and denied by others: an article reporting both sides reads
        # as any stance (FNC-1's "discuss" too), so only relatedness is checked
        "disputed": related,
    }.get(status, 1.0)


def _model_reading(found: ClaimAssessment, related_known: bool) -> str:
    statuses = ("confirmed", "denied", "unconfirmed", "not_mentioned")
    best = max(statuses, key=lambda s: p_of_status(s, found, related_known))
    return f"{best} ({p_of_status(best, found, related_known):.2f})"


def _dispute(
    label: str,
    item: ContractClaim | CallerClaimAssessment,
    found: ClaimAssessment,
    related_known: bool,
) -> AnalysisWarning | None:
    p = p_of_status(item.status, found, related_known)
    if p >= DISPUTED_BELOW:
        return None
    return _disputed(
        item,
        f"{label}: the claim model gives '{item.status}' a probability of {p:.2f} "
        f"(its reading: {_model_reading(found, related_known)}, model "
        f"{found.model_version}).",
    )


def _cited(evidence: list[EvidenceItem], job: AnalysisJob) -> list[str]:
    found = [n for n in numbers(evidence) if 1 <= n <= len(job.article)]
    return [job.article.sentence(n).text for n in found]


def _dispute_stance(
    stance: ContractStance, claim: ContractClaim, p_agree: float, version: str
) -> AnalysisWarning | None:
    """A `support` of a claim whose cited sentences the claim model does not read as
    asserting it (see the module's note): the same test as a `confirmed` verdict."""
    if p_agree >= DISPUTED_BELOW:
        return None
    return _disputed(
        stance,
        f"Stance of {stance.actor} on {claim.id}: the claim model gives 'support' "
        f"(the cited sentences asserting the claim) a probability of {p_agree:.2f} "
        f"(model {version}).",
    )


def _disputed(
    finding: ContractClaim | CallerClaimAssessment | ContractStance, reading: str
) -> AnalysisWarning:
    """Lower a disputed finding's confidence; the warning says why and by how much."""
    before = finding.confidence
    finding.confidence = round(before * PENALTY, 4)
    return AnalysisWarning(
        code="finding_disputed_by_check",
        message=f"{reading} Confidence {before:.2f} → {finding.confidence:.2f}.",
    )


def _check_stances(
    contract: AnalysisContract, job: AnalysisJob, model: ClaimModel
) -> list[AnalysisWarning | None]:
    claims = {c.id: c for c in contract.claims}
    checked = [
        (stance, claims[stance.target.strip()], cited)
        for stance in contract.stances
        if stance.stance == "support"
        and stance.target.strip() in claims
        and (cited := _cited(stance.evidence, job))
    ]
    # one call for all of them: the stance model's cost is per call
    found = model.stances([(claim.text, cited) for _, claim, cited in checked])
    return [
        _dispute_stance(stance, claim, p["agree"], model.version)
        for (stance, claim, _), p in zip(checked, found, strict=True)
    ]


def cross_check(contract: AnalysisContract, job: AnalysisJob) -> list[AnalysisWarning]:
    """Check each claim verdict and each checkable stance of an LLM's answer in place;
    one warning per dispute."""
    model = load_claim_model()
    claims = [(c, cited) for c in contract.claims if (cited := _cited(c.evidence, job))]
    sentences = [s.text for s in job.article.sentences]  # never empty (analyze.py)
    items = [
        item
        for item in contract.caller_claims
        if item.status != "not_mentioned" and 1 <= item.index <= len(job.caller_claims)
    ]
    # one call per model for every claim and caller claim: a booster's cost is per call
    found = model.assess_many(
        [(c.text, cited) for c, cited in claims]
        + [(job.caller_claims[item.index - 1], sentences) for item in items]
    )
    warnings = [
        _dispute(f"Claim {claim.id}", claim, check, related_known=True)
        for (claim, _), check in zip(claims, found, strict=False)
    ]
    warnings += _check_stances(contract, job, model)
    warnings += [
        _dispute(f"Caller claim {item.index}", item, check, related_known=False)
        for item, check in zip(items, found[len(claims) :], strict=True)
    ]
    return [w for w in warnings if w is not None]


__all__ = ["DISPUTED_BELOW", "cross_check", "p_of_status"]

"""Semantic checks on a filled contract, after pydantic: what a schema cannot say.

Every message is written for the model: on failure it is sent back to it to fix
(api/pipeline/repair.py), so each one names the item and says what would be valid.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from itertools import islice

from api.pipeline.article import PreparedArticle
from api.pipeline.engine import AnalysisJob
from schemas.llm import AnalysisContract, CallerClaimAssessment, ContractActor, EvidenceItem

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
_POSSESSIVE = re.compile(r"'s\b")
_PRONOUNS = {"he", "she", "they", "it", "we", "i", "his", "her", "their", "its", "our", "my"}
_STOP = {
    "the", "a", "an", "of", "to", "in", "on", "for", "and", "or", "is", "was", "are", "were",
    "be", "been", "by", "with", "that", "this", "as", "at", "from", "its", "it", "has", "have",
    "had", "will", "would", "not", "no", "but", "said", "says",
}  # fmt: skip


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _without_marks(run: re.Match[str]) -> str:
    return "".join(c for c in run.group() if not unicodedata.combining(c))


def normalise(text: str) -> str:
    """Lower-case, accents and possessives stripped: for matching names against text."""
    if not text.isascii():
        # Only non-ASCII characters can be combining marks: looked at run by run, not the
        # whole text a character at a time (most of `words` on an article, issue 18).
        text = _NON_ASCII.sub(_without_marks, unicodedata.normalize("NFKD", text))
    # Possessive anywhere, end of text included ("MCDONALD'S" as a whole headline).
    return _POSSESSIVE.sub("", text.lower().replace("’", "'"))


@lru_cache(maxsize=8192)
def words(text: str) -> tuple[str, ...]:
    """Normalised words; cached because every check re-reads the same sentences."""
    return tuple(_WORD.findall(normalise(text)))


def content_words(text: str) -> set[str]:
    return {w for w in words(text) if w not in _STOP and len(w) > 2}


def actor_names(actor: ContractActor) -> list[str]:
    return [actor.name, *actor.aliases]


def _mentions(sentence: str, phrase: str) -> bool:
    wanted = words(phrase)
    if not wanted:
        return False
    have = words(sentence)
    first, n = wanted[0], len(wanted)
    # Tried only where the first word occurs (tuple.index searches in C), not at every
    # word of the text: that scan was most of an answer's checks (issue 18).
    at = -1
    while True:
        try:
            at = have.index(first, at + 1)
        except ValueError:
            return False
        if have[at : at + n] == wanted:
            return True


@lru_cache(maxsize=64)
def _normalised(text: str) -> str:
    return normalise(text)


def _starts_word(text: str, at: int) -> bool:
    """A word of `words(text)` starts at `at` (a letter or digit there): the character
    before is no letter or digit, nor a joiner ("-", "'") that follows one."""
    if at == 0:
        return True
    before = text[at - 1]
    if before.isalnum():  # str.isalnum is the regex's [^\W_], for every code point
        return False
    return not (before in "-'’" and at >= 2 and text[at - 2].isalnum())


def named_in(text: str, phrase: str) -> bool:
    """`_mentions(text, phrase)` for a whole article, without splitting all of it into
    words (that was ~0.1 ms of each answer's checks, issue 18): only where the phrase's
    first word occurs at the start of a word are the next words read."""
    wanted = words(phrase)
    if not wanted:
        return False
    norm = _normalised(text)
    at = norm.find(wanted[0])
    while at >= 0:
        if _starts_word(norm, at):
            found = islice(_WORD.finditer(norm, at), len(wanted))
            if tuple(m.group() for m in found) == wanted:
                return True
        at = norm.find(wanted[0], at + 1)
    return False


def mentions_actor(sentence: str, actor: ContractActor) -> bool:
    """Name, alias, role or the name's last word (surnames: "Kim", "Zelenskyy")."""
    phrases = [*actor_names(actor)]
    if actor.role:
        phrases.append(actor.role)
    phrases += [name.split()[-1] for name in actor_names(actor) if len(name.split()) > 1]
    return any(_mentions(sentence, p) for p in phrases if p.strip())


def shows_actor(article: PreparedArticle, number: int, actor: ContractActor) -> bool:
    """A reader of sentence `number` sees the actor: named there, or referred back to."""
    return mentions_actor(article.sentence(number).text, actor) or refers_back(
        article, number, actor
    )


def refers_back(article: PreparedArticle, number: int, actor: ContractActor) -> bool:
    """A pronoun or a quote in this sentence, and the actor named in one of the two before."""
    sentence = article.sentence(number).text
    has_pronoun = bool(_PRONOUNS & set(words(sentence)))
    has_quote = any(q in sentence for q in ('"', "“", "”"))
    if not (has_pronoun or has_quote):
        return False
    earlier = range(max(1, number - 2), number)
    return any(mentions_actor(article.sentence(n).text, actor) for n in earlier)


def numbers(evidence: list[EvidenceItem]) -> list[int]:
    return [e.sentence for e in evidence]


def _check_evidence(
    label: str, evidence: list[EvidenceItem], article: PreparedArticle
) -> list[str]:
    if not evidence:
        return [f"{label}: evidence is empty; cite at least one sentence number."]
    bad = [n for n in numbers(evidence) if not 1 <= n <= len(article)]
    if bad:
        return [f"{label}: sentence numbers {bad} do not exist; use 1 to {len(article)}."]
    return []


def _check_actors(contract: AnalysisContract, article: PreparedArticle) -> list[str]:
    errors: list[str] = []
    seen_ids: set[str] = set()
    seen_names: dict[str, str] = {}
    text = article.text
    for actor in contract.actors:
        if actor.id in seen_ids:
            errors.append(f"Actor id {actor.id} is used twice; give each actor its own id.")
        seen_ids.add(actor.id)
        for name in actor_names(actor):
            key = " ".join(words(name))
            if key in seen_names and seen_names[key] != actor.id:
                errors.append(
                    f"Actors {seen_names[key]} and {actor.id} are the same ({name!r}); merge them."
                )
            seen_names.setdefault(key, actor.id)
        if not any(named_in(text, n) for n in actor_names(actor)):
            errors.append(
                f"Actor {actor.id} ({actor.name!r}) is not named in the article; "
                "list only actors the article names, with the name as written."
            )
    return errors


def is_about(claim: str, evidence: list[int], article: PreparedArticle) -> bool:
    """A third of the claim's content words occur in its cited sentences (paraphrase-tolerant)."""
    wanted = content_words(claim)
    cited = content_words(" ".join(article.sentence(n).text for n in evidence))
    return len(wanted & cited) >= max(1, math.ceil(len(wanted) / 3))


def _check_claims(contract: AnalysisContract, article: PreparedArticle) -> list[str]:
    errors, actor_ids, seen = [], {a.id for a in contract.actors}, set()
    for claim in contract.claims:
        label = f"Claim {claim.id}"
        if claim.id in seen:
            errors.append(f"{label}: id used twice; give each claim its own id.")
        seen.add(claim.id)
        for ref in [*claim.asserted_by, *claim.denied_by]:
            if ref not in actor_ids:
                errors.append(f"{label}: actor {ref} is not in actors.")
        ev_errors = _check_evidence(label, claim.evidence, article)
        errors += ev_errors
        if not ev_errors and not is_about(claim.text, numbers(claim.evidence), article):
            errors.append(f"{label}: none of its evidence sentences is about {claim.text!r}.")
    return errors


def _check_stances(contract: AnalysisContract, article: PreparedArticle) -> list[str]:
    errors = []
    actors = {a.id: a for a in contract.actors}
    claim_ids = {c.id for c in contract.claims}
    for i, stance in enumerate(contract.stances, start=1):
        label = f"Stance {i} ({stance.actor} on {stance.target!r})"
        actor = actors.get(stance.actor)
        if actor is None:
            errors.append(f"{label}: actor {stance.actor} is not in actors.")
        if re.fullmatch(r"C[0-9]+", stance.target) and stance.target not in claim_ids:
            errors.append(f"{label}: claim {stance.target} is not in claims.")
        if re.fullmatch(r"A[0-9]+", stance.target) and stance.target not in actors:
            errors.append(f"{label}: actor {stance.target} is not in actors.")
        ev_errors = _check_evidence(label, stance.evidence, article)
        errors += ev_errors
        if (
            actor
            and not ev_errors
            and not any(shows_actor(article, n, actor) for n in numbers(stance.evidence))
        ):
            errors.append(f"{label}: no evidence sentence mentions {actor.name!r}.")
    return errors


def _check_caller_claims(contract: AnalysisContract, job: AnalysisJob) -> list[str]:
    if not job.caller_claims:
        return []
    errors, actor_ids = [], {a.id for a in contract.actors}
    indexes = [c.index for c in contract.caller_claims]
    expected = list(range(1, len(job.caller_claims) + 1))
    if sorted(indexes) != expected:
        errors.append(f"caller_claims must assess each listed claim once: indexes {expected}.")
    for item in contract.caller_claims:
        label = f"Caller claim {item.index}"
        for ref in [*item.asserted_by, *item.denied_by]:
            if ref not in actor_ids:
                errors.append(f"{label}: actor {ref} is not in actors.")
        if item.status == "not_mentioned":
            continue
        errors += _check_evidence(label, item.evidence, job.article)
    return errors


def semantic_errors(contract: AnalysisContract, job: AnalysisJob) -> list[str]:
    """All problems a model should fix; empty when the contract is sound."""
    article = job.article
    return [
        *_check_actors(contract, article),
        *_check_claims(contract, article),
        *_check_stances(contract, article),
        *_check_caller_claims(contract, job),
    ]


def prune_unsound(contract: AnalysisContract, job: AnalysisJob) -> tuple[AnalysisContract, int]:
    """Drop the items that fail the checks, and what refers to them; return how many went.

    For the built-in engine, which cannot be re-asked like a model: a rule that misfires
    on one odd article ("512MB" read as an organisation) costs that item, not the answer.
    """
    article = job.article
    actors = [a for a in contract.actors if not _check_actors(_only(contract, actors=[a]), article)]
    ids = {a.id for a in actors}
    kept = _only(contract, actors=actors, claims=[], stances=[])
    claims = [
        c
        for c in contract.claims
        if {*c.asserted_by, *c.denied_by} <= ids
        and not _check_claims(_only(kept, claims=[c]), article)
    ]
    kept = _only(kept, claims=claims)
    stances = [s for s in contract.stances if not _check_stances(_only(kept, stances=[s]), article)]
    callers = [_sound_caller_claim(c, ids, job) for c in contract.caller_claims]
    pruned = _only(kept, stances=stances, caller_claims=callers)
    dropped = sum(
        len(getattr(contract, f)) - len(getattr(pruned, f)) for f in ("actors", "claims", "stances")
    )
    return pruned, dropped + sum(
        a != b for a, b in zip(contract.caller_claims, callers, strict=True)
    )


def _only(contract: AnalysisContract, **fields: object) -> AnalysisContract:
    return contract.model_copy(update=fields)


def _sound_caller_claim(
    item: CallerClaimAssessment, actor_ids: set[str], job: AnalysisJob
) -> CallerClaimAssessment:
    asserted = [a for a in item.asserted_by if a in actor_ids]
    denied = [a for a in item.denied_by if a in actor_ids]
    fixed = item.model_copy(update={"asserted_by": asserted, "denied_by": denied})
    if item.status != "not_mentioned" and _check_evidence("", item.evidence, job.article):
        fixed = fixed.model_copy(update={"status": "not_mentioned", "evidence": []})
    return fixed

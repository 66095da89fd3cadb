"""What a scored case looks like, which metrics exist, and when a case passes.

Every score keeps its counts next to its rate, so runs can be averaged per case (macro)
and pooled over cases (micro) without rescoring. `None` means "not applicable": the case
expects nothing of that kind, and the metric is left out of every average.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from pydantic import BaseModel, Field

NONE_LABEL = "none"  # predicted label when the output has nothing that matches

Confusion = dict[str, dict[str, int]]  # gold label -> predicted label -> count


def ratio(hit: int, total: int) -> float | None:
    return hit / total if total else None


def f1(precision: float | None, recall: float | None) -> float | None:
    if precision is None or recall is None:
        return None
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def add_to_confusion(confusion: Confusion, gold: str, predicted: str, count: int = 1) -> None:
    row = confusion.setdefault(gold, {})
    row[predicted] = row.get(predicted, 0) + count


def macro_f1(confusion: Confusion) -> float | None:
    """Mean F1 over the labels that occur as gold or prediction ("none" is never a class)."""
    labels = set(confusion) | {p for row in confusion.values() for p in row}
    labels.discard(NONE_LABEL)
    if not confusion:
        return None
    scores = []
    for label in sorted(labels):
        tp = confusion.get(label, {}).get(label, 0)
        predicted = sum(row.get(label, 0) for row in confusion.values())
        gold = sum(confusion.get(label, {}).values())
        scores.append(f1(ratio(tp, predicted) or 0.0, ratio(tp, gold) or 0.0) or 0.0)
    return sum(scores) / len(scores) if scores else None


class ActorScores(BaseModel):
    expected: int = Field(description="Expected actors.")
    predicted: int = Field(description="Actors in the output.")
    matched: int = Field(description="One-to-one matches between the two.")
    missing: list[str] = Field(default_factory=list, description="Expected actors not found.")
    extra: list[str] = Field(default_factory=list, description="Output actors not expected.")
    forbidden: list[str] = Field(default_factory=list, description="Forbidden actors reported.")

    @property
    def precision(self) -> float:
        """Empty output: 1.0 when nothing was expected, else 0.0."""
        if not self.predicted:
            return 0.0 if self.expected else 1.0
        return self.matched / self.predicted

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float | None:
        return f1(self.precision, self.recall)


class ClaimResult(BaseModel):
    keywords: list[list[str]] = Field(description="The expected claim's key phrases.")
    expected: list[str] = Field(description="Acceptable statuses.")
    predicted: str = Field(description="Status of the matched output claim, or `none`.")
    claim_id: str | None = Field(default=None, description="Id of the matched output claim.")
    missing_asserters: list[str] = Field(default_factory=list)
    missing_deniers: list[str] = Field(default_factory=list)
    attributions: int = Field(default=0, description="Expected asserters + deniers.")

    @property
    def ok(self) -> bool:
        return self.predicted in self.expected

    @property
    def attributions_found(self) -> int:
        return self.attributions - len(self.missing_asserters) - len(self.missing_deniers)


class CallerClaimResult(BaseModel):
    index: int
    expected: list[str]
    predicted: str
    holder_problems: list[str] = Field(
        default_factory=list,
        description="Expected holders missing, or wrong holders listed (case expectations).",
    )

    @property
    def ok(self) -> bool:
        return self.predicted in self.expected and not self.holder_problems


class StanceResult(BaseModel):
    actor: str
    target: list[str]
    expected: list[str]
    predicted: str
    output_target: str | None = None

    @property
    def ok(self) -> bool:
        return self.predicted in self.expected


class GroundingScores(BaseModel):
    spans: int = Field(description="Evidence spans in claims and stances.")
    grounded: int = Field(description="Spans equal to text[start:end] and inside coverage.")
    unsupported_items: int = Field(description="Claims and stances that cite no evidence.")
    problems: list[str] = Field(default_factory=list, description="First problems found.")

    @property
    def rate(self) -> float | None:
        return ratio(self.grounded, self.spans + self.unsupported_items)


class SummaryScores(BaseModel):
    produced: bool = Field(default=True, description="A non-empty summary came back.")
    offenders: list[str] = Field(default_factory=list, description="`kind: text` not in article.")
    include_groups: int = Field(default=0, description="must_include groups.")
    missing_groups: list[list[str]] = Field(default_factory=list)
    forbidden_found: list[str] = Field(default_factory=list)
    summary_words: int = 0
    headline_words: int = 0
    within_limits: bool = True

    @property
    def faithful(self) -> bool:
        return self.produced and not self.offenders


class UsageScores(BaseModel):
    latency_ms: float | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    cost_usd: float | None = None
    attempts: int = 0
    cache_hit: bool = False


class CaseScores(BaseModel):
    schema_valid: bool
    schema_problems: list[str] = Field(default_factory=list)
    actors: ActorScores | None = None
    claims: list[ClaimResult] = Field(default_factory=list)
    caller_claims: list[CallerClaimResult] = Field(default_factory=list)
    stances: list[StanceResult] = Field(default_factory=list)
    grounding: GroundingScores
    summary: SummaryScores | None = None
    usage: UsageScores = Field(default_factory=UsageScores)

    def stance_confusion(self) -> Confusion:
        return confusion_of(self.stances)

    def status_confusion(self) -> Confusion:
        return confusion_of([*self.claims, *self.caller_claims])

    def metrics(self) -> dict[str, float | None]:
        """Flat named metrics (see METRICS) for tables, charts and comparisons."""
        a, s = self.actors, self.summary
        hits = sum(c.attributions_found for c in self.claims)
        return {
            "schema_valid": float(self.schema_valid),
            "actor_precision": a.precision if a else None,
            "actor_recall": a.recall if a else None,
            "actor_f1": a.f1 if a else None,
            "no_forbidden_actors": float(not a.forbidden) if a else None,
            "claim_status_accuracy": _accuracy(self.claims),
            "claim_attribution": ratio(hits, sum(c.attributions for c in self.claims)),
            "caller_claim_accuracy": _accuracy(self.caller_claims),
            "stance_accuracy": _accuracy(self.stances),
            "stance_macro_f1": macro_f1(self.stance_confusion()),
            "grounding_rate": self.grounding.rate,
            "summary_faithful": float(s.faithful) if s else None,
            "summary_facts": ratio(s.include_groups - len(s.missing_groups), s.include_groups)
            if s
            else None,
            "summary_clean": float(s.produced and not s.forbidden_found) if s else None,
            "within_limits": float(s.within_limits) if s else None,
            "latency_ms": self.usage.latency_ms,
            "total_tokens": float(self.usage.total_tokens),
            "cost_usd": self.usage.cost_usd,
            "attempts": float(self.usage.attempts),
        }


class Labelled(Protocol):
    """A scored label: acceptable values, the prediction, and whether it is acceptable."""

    @property
    def expected(self) -> list[str]: ...
    @property
    def predicted(self) -> str: ...
    @property
    def ok(self) -> bool: ...


def _accuracy(results: Sequence[Labelled]) -> float | None:
    return ratio(sum(r.ok for r in results), len(results))


def confusion_of(results: Sequence[Labelled]) -> Confusion:
    """Gold is the prediction when acceptable, else the first acceptable label."""
    confusion: Confusion = {}
    for r in results:
        gold = r.predicted if r.ok else r.expected[0]
        add_to_confusion(confusion, gold, r.predicted)
    return confusion


@dataclass(frozen=True)
class MetricInfo:
    label: str
    higher_is_better: bool
    kind: Literal["quality", "cost"]


METRICS: dict[str, MetricInfo] = {
    "schema_valid": MetricInfo("schema valid", True, "quality"),
    "actor_precision": MetricInfo("actor precision", True, "quality"),
    "actor_recall": MetricInfo("actor recall", True, "quality"),
    "actor_f1": MetricInfo("actor F1", True, "quality"),
    "no_forbidden_actors": MetricInfo("no forbidden actors", True, "quality"),
    "claim_status_accuracy": MetricInfo("claim status acc.", True, "quality"),
    "claim_attribution": MetricInfo("claim attribution", True, "quality"),
    "caller_claim_accuracy": MetricInfo("caller claim acc.", True, "quality"),
    "stance_accuracy": MetricInfo("stance acc.", True, "quality"),
    "stance_macro_f1": MetricInfo("stance macro-F1", True, "quality"),
    "grounding_rate": MetricInfo("grounding", True, "quality"),
    "summary_faithful": MetricInfo("summary faithful", True, "quality"),
    "summary_facts": MetricInfo("summary facts", True, "quality"),
    "summary_clean": MetricInfo("summary clean", True, "quality"),
    "within_limits": MetricInfo("word limits", True, "quality"),
    "latency_ms": MetricInfo("latency ms", False, "cost"),
    "total_tokens": MetricInfo("tokens", False, "cost"),
    "cost_usd": MetricInfo("cost USD", False, "cost"),
    "attempts": MetricInfo("attempts", False, "cost"),
}


class PassRule(BaseModel):
    """A case passes when every applicable check holds; the rule is stored in each run.

    Checks: the analysis came back (no error) and is schema-valid; actor recall reaches
    `min_actor_recall` and no forbidden actor is reported; claim-status, caller-claim and
    stance accuracy each reach `min_accuracy`; every evidence span is grounded; the
    summary is faithful, has every must_include fact, none of must_not_include, and keeps
    the word limits. A check whose metric is not applicable (None) holds.
    """

    min_actor_recall: float = Field(default=0.5, ge=0, le=1)
    min_accuracy: float = Field(default=0.5, ge=0, le=1)
    min_grounding: float = Field(default=1.0, ge=0, le=1)

    def checks(self, scores: CaseScores) -> dict[str, bool]:
        m = scores.metrics()

        def at_least(name: str, bound: float) -> bool:
            value = m[name]
            return value is None or value >= bound

        return {
            "schema_valid": scores.schema_valid,
            "actor_recall": at_least("actor_recall", self.min_actor_recall),
            "no_forbidden_actors": at_least("no_forbidden_actors", 1.0),
            "claim_status": at_least("claim_status_accuracy", self.min_accuracy),
            "caller_claims": at_least("caller_claim_accuracy", self.min_accuracy),
            "stances": at_least("stance_accuracy", self.min_accuracy),
            "grounding": at_least("grounding_rate", self.min_grounding),
            "summary_faithful": at_least("summary_faithful", 1.0),
            "summary_facts": at_least("summary_facts", 1.0),
            "summary_clean": at_least("summary_clean", 1.0),
            "within_limits": at_least("within_limits", 1.0),
        }

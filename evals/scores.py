"""What a scored case looks like, which metrics exist, and when a case passes.

Every score keeps its counts next to its rate, so runs can be averaged per case (macro)
and pooled over cases (micro) without rescoring. `None` means "not applicable": the case
expects nothing of that kind, and the metric is left out of every average.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from pydantic import BaseModel, Field

from evals.counting import (
    Confusion,
    add_to_confusion,
    f1,
    macro_f1,
    merged_confusion,
    ratio,
)


class ActorScores(BaseModel):
    expected: int = Field(description="Expected actors.")
    predicted: int = Field(description="Actors in the output.")
    matched: int = Field(description="One-to-one matches between the two.")
    missing: list[str] = Field(default_factory=list, description="Expected actors not found.")
    extra: list[str] = Field(default_factory=list, description="Output actors not expected.")
    forbidden: list[str] = Field(default_factory=list, description="Forbidden actors reported.")
    complete: bool = Field(
        default=False, description="The case lists every actor: precision is gated."
    )
    duplicates: list[str] = Field(
        default_factory=list, description="Extra output actors that name an expected actor again."
    )
    kinds_checked: int = Field(default=0, description="Matched actors whose case gives a kind.")
    kind_mismatches: list[str] = Field(
        default_factory=list, description="`name: given (expected …)` for each wrong kind."
    )

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

    @property
    def kind_accuracy(self) -> float | None:
        return ratio(self.kinds_checked - len(self.kind_mismatches), self.kinds_checked)


class ClaimResult(BaseModel):
    keywords: list[list[str]] = Field(description="The expected claim's key phrases.")
    expected: list[str] = Field(description="Acceptable statuses.")
    predicted: str = Field(description="Status of the matched output claim, or `none`.")
    claim_id: str | None = Field(default=None, description="Id of the matched output claim.")
    missing_asserters: list[str] = Field(
        default_factory=list, description="Not in asserted_by, or also in denied_by."
    )
    missing_deniers: list[str] = Field(
        default_factory=list, description="Not in denied_by, or also in asserted_by."
    )
    attributions: int = Field(default=0, description="Expected asserters + deniers.")
    contradictions: list[str] = Field(
        default_factory=list, description="Other matching output claims with another status."
    )

    @property
    def ok(self) -> bool:
        return self.predicted in self.expected and not self.contradictions

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
    contradictions: list[str] = Field(
        default_factory=list, description="Other matching output stances with another label."
    )

    @property
    def ok(self) -> bool:
        return self.predicted in self.expected and not self.contradictions


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
        return {name: metric.value(self) for name, metric in METRICS.items()}


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


def _actors(value: Callable[[ActorScores], float | None]) -> Callable[[CaseScores], float | None]:
    return lambda s: value(s.actors) if s.actors is not None else None


def _summary(
    value: Callable[[SummaryScores], float | None],
) -> Callable[[CaseScores], float | None]:
    return lambda s: value(s.summary) if s.summary is not None else None


def _attribution(s: CaseScores) -> float | None:
    return _pooled_attribution([s])


def _precision_gated(s: CaseScores) -> bool:
    return s.actors is not None and s.actors.complete


def _pooled_actors(scores: Sequence[CaseScores]) -> tuple[int, int, int]:
    actors = [s.actors for s in scores if s.actors is not None]
    return (
        sum(a.matched for a in actors),
        sum(a.predicted for a in actors),
        sum(a.expected for a in actors),
    )


def _pooled_precision(scores: Sequence[CaseScores]) -> float | None:
    matched, predicted, _ = _pooled_actors(scores)
    return ratio(matched, predicted)


def _pooled_recall(scores: Sequence[CaseScores]) -> float | None:
    matched, _, expected = _pooled_actors(scores)
    return ratio(matched, expected)


def _pooled_accuracy(
    items: Callable[[CaseScores], Sequence[Labelled]],
) -> Callable[[Sequence[CaseScores]], float | None]:
    return lambda scores: _accuracy([item for s in scores for item in items(s)])


def _pooled_attribution(scores: Sequence[CaseScores]) -> float | None:
    claims = [c for s in scores for c in s.claims]
    return ratio(sum(c.attributions_found for c in claims), sum(c.attributions for c in claims))


def _pooled_grounding(scores: Sequence[CaseScores]) -> float | None:
    spans = [s.grounding for s in scores]
    return ratio(sum(g.grounded for g in spans), sum(g.spans + g.unsupported_items for g in spans))


@dataclass(frozen=True)
class MetricInfo:
    """One metric, declared once: how it is computed, shown, compared and gated.

    `gate` is the lowest passing value by default (a case's `thresholds` may lower it);
    None means the metric is reported and compared but never decides a pass. A gated
    metric whose value is None (nothing of that kind expected) holds, and so does one
    whose `gated_when` is false for the case. `pooled` computes the metric over the
    pooled items of many trials (the micro average); without it the micro value is the
    mean over trials, which is the same thing for per-trial (binary or cost) metrics.
    """

    label: str
    value: Callable[[CaseScores], float | None]
    higher_is_better: bool = True
    kind: Literal["quality", "cost"] = "quality"
    gate: float | None = None
    gated_when: Callable[[CaseScores], bool] | None = None
    pooled: Callable[[Sequence[CaseScores]], float | None] | None = None


METRICS: dict[str, MetricInfo] = {
    "schema_valid": MetricInfo("schema valid", lambda s: float(s.schema_valid), gate=1.0),
    "actor_precision": MetricInfo(
        "actor precision",
        _actors(lambda a: a.precision),
        gate=1.0,
        gated_when=_precision_gated,
        pooled=_pooled_precision,
    ),
    "actor_recall": MetricInfo(
        "actor recall", _actors(lambda a: a.recall), gate=1.0, pooled=_pooled_recall
    ),
    "actor_f1": MetricInfo(
        "actor F1",
        _actors(lambda a: a.f1),
        pooled=lambda scores: f1(_pooled_precision(scores), _pooled_recall(scores)),
    ),
    "actor_kinds": MetricInfo("actor kinds", _actors(lambda a: a.kind_accuracy), gate=1.0),
    "no_duplicate_actors": MetricInfo(
        "no duplicate actors", _actors(lambda a: float(not a.duplicates)), gate=1.0
    ),
    "no_forbidden_actors": MetricInfo(
        "no forbidden actors", _actors(lambda a: float(not a.forbidden)), gate=1.0
    ),
    "claim_status_accuracy": MetricInfo(
        "claim status acc.",
        lambda s: _accuracy(s.claims),
        gate=1.0,
        pooled=_pooled_accuracy(lambda s: s.claims),
    ),
    "claim_attribution": MetricInfo(
        "claim attribution", _attribution, gate=1.0, pooled=_pooled_attribution
    ),
    "caller_claim_accuracy": MetricInfo(
        "caller claim acc.",
        lambda s: _accuracy(s.caller_claims),
        gate=1.0,
        pooled=_pooled_accuracy(lambda s: s.caller_claims),
    ),
    "stance_accuracy": MetricInfo(
        "stance acc.",
        lambda s: _accuracy(s.stances),
        gate=1.0,
        pooled=_pooled_accuracy(lambda s: s.stances),
    ),
    "stance_macro_f1": MetricInfo(
        "stance macro-F1",
        lambda s: macro_f1(s.stance_confusion()),
        pooled=lambda scores: macro_f1(merged_confusion([s.stance_confusion() for s in scores])),
    ),
    "grounding_rate": MetricInfo(
        "grounding", lambda s: s.grounding.rate, gate=1.0, pooled=_pooled_grounding
    ),
    "summary_faithful": MetricInfo(
        "summary faithful", _summary(lambda m: float(m.faithful)), gate=1.0
    ),
    "summary_facts": MetricInfo(
        "summary facts",
        _summary(lambda m: ratio(m.include_groups - len(m.missing_groups), m.include_groups)),
        gate=1.0,
    ),
    "summary_clean": MetricInfo(
        "summary clean", _summary(lambda m: float(m.produced and not m.forbidden_found)), gate=1.0
    ),
    "within_limits": MetricInfo(
        "word limits", _summary(lambda m: float(m.within_limits)), gate=1.0
    ),
    "latency_ms": MetricInfo(
        "latency ms (mean)", lambda s: s.usage.latency_ms, higher_is_better=False, kind="cost"
    ),
    "total_tokens": MetricInfo(
        "tokens", lambda s: float(s.usage.total_tokens), higher_is_better=False, kind="cost"
    ),
    "cost_usd": MetricInfo(
        "cost USD", lambda s: s.usage.cost_usd, higher_is_better=False, kind="cost"
    ),
    "attempts": MetricInfo(
        "attempts", lambda s: float(s.usage.attempts), higher_is_better=False, kind="cost"
    ),
}
GATED: dict[str, float] = {n: m.gate for n, m in METRICS.items() if m.gate is not None}


def metric_names(kind: Literal["quality", "cost"]) -> list[str]:
    """Declared metrics of one kind, in declaration order (read at call time, not import)."""
    return [name for name, info in METRICS.items() if info.kind == kind]


class PassRule(BaseModel):
    """A case passes when every gated metric it declares reaches its threshold.

    The rule is strict by default: every expectation a case declares must be met — the
    analysis came back schema-valid; every expected actor found, with its kind, once, and
    no forbidden one (no other actor at all where the case lists every actor); every
    claim, caller-claim and stance label acceptable and not contradicted by a duplicate;
    every asserter and denier on the right side; every evidence span grounded; the
    summary faithful, with every must_include fact, none of must_not_include, within the
    word limits. A case's `thresholds` lower single gates where it needs slack. The rule
    (its default thresholds) is stored in each run.
    """

    name: str = Field(default="strict", description="Which rule: strict (all declared met).")
    thresholds: dict[str, float] = Field(
        default_factory=lambda: dict(GATED), description="Gated metric -> lowest passing value."
    )

    def checks(
        self, scores: CaseScores, case_thresholds: Mapping[str, float] | None = None
    ) -> dict[str, bool]:
        """Each gated metric -> whether it holds, with the case's own thresholds applied."""
        bounds = self.thresholds | dict(case_thresholds or {})
        values = scores.metrics()
        result = {}
        for name, bound in bounds.items():
            metric, value = METRICS[name], values[name]
            exempt = metric.gated_when is not None and not metric.gated_when(scores)
            result[name] = exempt or value is None or value >= bound - 1e-12
        return result

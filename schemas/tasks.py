"""The table of tasks: what each task a caller can ask for means, declared once.

Each layer reads it instead of naming tasks: the contract (schemas/llm.py) takes a task's
fields and those of the tasks it needs, the prompt (api/pipeline/prompting.py) its bounds
and guidance line, and the steps that ground, compute, score and show a task are looked up
by its name in one registry per layer (api/pipeline/grounding.py, api/builtin/engine.py,
evals/scoring.py, evals/structure.py, api/cli_view.py). This module is the bottom layer:
declarations only, no behaviour.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

Task = Literal["summary", "actors", "stances", "claims"]
Bounds = Mapping[str, Mapping[str, int]]  # contract property name -> JSON-schema bounds


@dataclass(frozen=True)
class TaskSpec:
    """One task. `fields` are its own contract fields; `needs` the tasks whose fields it
    also needs (a claim cites actors by id). `bounds` and `item_bounds` guard generation
    (a small model otherwise writes one headline until max_tokens runs out): they apply to
    every property of that name in the contract schema. `guidance` is the task's line in
    the system prompt, placed by `prompt_rank` among the contract-wide lines."""

    label: str
    fields: tuple[str, ...]
    guidance: str
    prompt_rank: int
    needs: tuple[str, ...] = ()
    bounds: Bounds = field(default_factory=dict)
    item_bounds: Bounds = field(default_factory=dict)


TASKS: dict[str, TaskSpec] = {
    "summary": TaskSpec(
        label="Summary",
        fields=("headline", "summary", "key_points"),
        guidance="headline ≤ 15 words; summary 2-4 sentences; key_points 3-6.",
        prompt_rank=50,
        bounds={
            "headline": {"maxLength": 150},
            "summary": {"maxLength": 1000},
            "key_points": {"maxItems": 6},
        },
        item_bounds={"key_points": {"maxLength": 200}},
    ),
    "actors": TaskSpec(
        label="Actors",
        fields=("actors",),
        guidance=(
            "actors (A1, A2, …): only those named, once each, fullest name; kind place = "
            "state, city or region; role: title as given, or null; aliases: other names used."
        ),
        prompt_rank=10,
        bounds={"actors": {"maxItems": 20}, "name": {"maxLength": 100}, "aliases": {"maxItems": 3}},
        item_bounds={"aliases": {"maxLength": 100}},
    ),
    "stances": TaskSpec(
        label="Stances",
        fields=("stances",),
        needs=("actors",),
        guidance=(
            "stances: an actor toward a claim id, actor id or topic (≤ 6 words); neutral = no "
            'side (e.g. "could not confirm"). Omit stances the text does not show.'
        ),
        prompt_rank=30,
        bounds={"stances": {"maxItems": 20}, "target": {"maxLength": 150}},
    ),
    "claims": TaskSpec(
        label="Claims",
        fields=("claims",),
        needs=("actors",),
        guidance=(
            "claims (C1, C2, …): one short sentence; asserted_by/denied_by: actors a sentence "
            "has asserting/denying it (a conditional asserts nothing); confirmed = stated as "
            "fact or confirmed by a party in a position to know, denied by nobody; unconfirmed "
            "= reported or alleged; disputed = asserted by some, denied by others; denied = "
            "denied, asserted by no one with standing."
        ),
        prompt_rank=20,
        bounds={"claims": {"maxItems": 10}, "text": {"maxLength": 300}},
    ),
}
ALL_TASKS: tuple[Task, ...] = ("summary", "actors", "stances", "claims")  # == tuple(TASKS)
# Assessing the caller's own claims cites actors too, whatever tasks were asked.
CALLER_CLAIMS_NEED: tuple[str, ...] = ("actors",)


def with_needs(tasks: Iterable[str], with_caller_claims: bool = False) -> list[str]:
    """These tasks and every task they need, in table order."""
    wanted = set(tasks) | (set(CALLER_CLAIMS_NEED) if with_caller_claims else set())
    grown = True
    while grown:
        needed = {n for task in wanted for n in TASKS[task].needs} - wanted
        wanted |= needed
        grown = bool(needed)
    return [name for name in TASKS if name in wanted]

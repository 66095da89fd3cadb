"""Validate-or-reask: parse the model's answer, check it, and on failure ask again with the
errors appended after the model's latest failed answer (earlier ones are dropped). Usage is
summed over every attempt. When attempts run out, ModelOutputInvalid carries the attempts,
the errors and the last raw answer. Nothing unvalidated leaves this module."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ValidationError

from api.errors import ModelOutputInvalid
from api.llm.types import Accounting, ChatRequest, Completion, LLMClient
from api.pipeline.contract import semantic_errors
from api.pipeline.engine import AnalysisJob
from api.pipeline.progress import report
from api.pipeline.prompting import repair_message
from schemas.llm import AnalysisContract

_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)
_MAX_ECHOED_ANSWER = 12_000  # characters of a failed answer sent back to the model


@dataclass
class RepairOutcome:
    contract: AnalysisContract
    accounting: Accounting  # summed over every attempt


def _load_json(content: str) -> Any:
    fenced = _FENCE.match(content)
    return json.loads(fenced.group(1) if fenced else content)


def _pydantic_messages(error: ValidationError) -> list[str]:
    messages = []
    for item in error.errors()[:20]:
        where = ".".join(str(p) for p in item["loc"]) or "(root)"
        messages.append(f"{where}: {item['msg']}")
    return messages


def check_answer(
    completion: Completion, contract_model: type[BaseModel], job: AnalysisJob
) -> tuple[AnalysisContract | None, list[str]]:
    """The contract if the answer is sound, else the errors to send back to the model."""
    if completion.finish_reason == "length":
        return None, ["Your answer was cut off before the end: give a shorter, complete answer."]
    if not completion.content or not completion.content.strip():
        return None, ["Your answer was empty: return the JSON object."]
    try:
        data = _load_json(completion.content)
    except json.JSONDecodeError as exc:
        return None, [f"Your answer is not valid JSON ({exc.msg} at position {exc.pos})."]
    try:
        checked = contract_model.model_validate(data)
    except ValidationError as exc:
        return None, _pydantic_messages(exc)
    contract = as_full_contract(checked)
    errors = semantic_errors(contract, job)
    return (None, errors) if errors else (contract, [])


def as_full_contract(checked: BaseModel) -> AnalysisContract:
    """A validated per-request contract as the full AnalysisContract, without validating
    it a second time (~25 us per answer, issue 18): a model of schemas/llm.py's
    contract_model_for has AnalysisContract's own fields, with their types, so every value
    already is what AnalysisContract holds; the fields it leaves out take their defaults.
    Any other model is validated again."""
    if not _part_of_contract(type(checked)):
        return AnalysisContract.model_validate(checked.model_dump())
    # A fresh default contract (its own empty lists), the validated values put in: not
    # model_construct, which inspects each default factory's signature (~200 us).
    return AnalysisContract().model_copy(update=dict(checked))


@lru_cache(maxsize=64)
def _part_of_contract(model: type[BaseModel]) -> bool:
    fields = AnalysisContract.model_fields
    return all(
        name in fields and fields[name].annotation == info.annotation
        for name, info in model.model_fields.items()
    )


async def generate_contract(
    client: LLMClient,
    request: ChatRequest,
    contract_model: type[BaseModel],
    job: AnalysisJob,
    repair_attempts: int,
    family: str = "analyze",
) -> RepairOutcome:
    accounting = Accounting(model=request.model, provider="")
    errors_per_attempt: list[str] = []
    messages = list(request.messages)  # the prefix every attempt shares (KV-cache friendly)
    last: Completion | None = None
    for attempt in range(1, 2 + repair_attempts):
        report("model_call", attempt=attempt, model=request.model)
        last = await client.complete(_with_messages(request, messages))
        accounting = accounting.plus(last)
        contract, errors = check_answer(last, contract_model, job)
        if contract is not None:
            return RepairOutcome(contract, accounting)
        errors_per_attempt.append("; ".join(errors))
        if attempt <= repair_attempts:
            report("repair", attempt=attempt, errors=len(errors))
        # Only the latest failed answer goes back, not every one: the conversation stays
        # bounded (a 4k-context local model overflowed on the third attempt otherwise).
        messages = [
            *request.messages,
            {"role": "assistant", "content": (last.content or "")[:_MAX_ECHOED_ANSWER]},
            repair_message(errors, len(job.article), family),
        ]
    raise ModelOutputInvalid(
        f"The model's answer was still invalid after {accounting.attempts} attempts.",
        attempts=accounting.attempts,
        errors=errors_per_attempt,
        last_raw=last.content if last else None,
        usage=accounting.usage.model_dump(),
    )


def _with_messages(request: ChatRequest, messages: list[dict[str, str]]) -> ChatRequest:
    return ChatRequest(
        model=request.model,
        messages=tuple(messages),
        json_schema=request.json_schema,
        schema_name=request.schema_name,
        max_tokens=request.max_tokens,
        temperature=request.temperature,
        seed=request.seed,
    )

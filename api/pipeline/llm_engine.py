"""The LLM engine: prompt → model (any litellm model) → validate-or-reask."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import prompts
from api.config import Settings
from api.llm.capabilities import ModelCapabilities
from api.llm.types import ChatRequest, LLMClient
from api.pipeline.article import PreparedArticle
from api.pipeline.engine import AnalysisJob, EngineResult
from api.pipeline.prompting import (
    contract_schema,
    initial_messages,
    lean_contract_schema,
    prompt_family,
    with_actor_names,
)
from api.pipeline.repair import generate_contract
from schemas.llm import contract_model_for


class LLMEngine:
    def __init__(
        self,
        client: LLMClient,
        settings: Settings,
        candidate_names: Callable[[PreparedArticle], list[str]] | None = None,
    ) -> None:
        self.client = client
        self.settings = settings
        self._candidate_names = candidate_names

    async def _actor_names(self, job: AnalysisJob) -> list[str]:
        """Names the built-in engine finds in the text: the actor-name enum for constrained
        models, which then cannot invent actors (a 135M model otherwise lists 'Moscow' for any
        article). Without a finder (no built-in engine wired) the enum is left out."""
        if self._candidate_names is None:
            return []
        return await asyncio.to_thread(self._candidate_names, job.article)

    def _capabilities(self, model: str) -> list[ModelCapabilities]:
        """Of the model and every fallback: one request must suit whichever answers."""
        return [self.client.capabilities(m) for m in [model, *self.settings.fallback_models]]

    async def run(self, job: AnalysisJob) -> EngineResult:
        capabilities = self._capabilities(job.model)
        constrained = all(c.constrained for c in capabilities)
        if constrained:
            schema = contract_schema(job, per_article=True)
            if capabilities and "actors" in schema["properties"]:
                schema = with_actor_names(schema, await self._actor_names(job))
        else:
            schema = lean_contract_schema(job)
        # Models without JSON-schema output get the schema in the prompt instead.
        schema_in_prompt = any(not c.json_schema for c in capabilities)
        family = prompt_family(constrained)
        request = ChatRequest(
            model=job.model,
            messages=tuple(initial_messages(job, schema, schema_in_prompt, family)),
            json_schema=schema,
            max_tokens=self.settings.llm_max_tokens,
            temperature=self.settings.llm_temperature,
        )
        outcome = await generate_contract(
            self.client,
            request,
            contract_model_for(job.tasks, bool(job.caller_claims)),
            job,
            self.settings.repair_attempts,
            family,
        )
        return EngineResult(
            contract=outcome.contract,
            engine="llm",
            accounting=outcome.accounting,
            prompt_version=prompts.prompt_version(family),
        )

"""The LLM engine: prompt → model (any litellm model) → validate-or-reask."""

from __future__ import annotations

import prompts
from api.config import Settings
from api.llm.types import ChatRequest, LLMClient
from api.pipeline.engine import AnalysisJob, EngineResult
from api.pipeline.prompting import contract_schema, initial_messages
from api.pipeline.repair import generate_contract
from schemas.llm import contract_model_for


class LLMEngine:
    def __init__(self, client: LLMClient, settings: Settings) -> None:
        self.client = client
        self.settings = settings

    def _schema_in_prompt(self, model: str) -> bool:
        """The schema goes in the prompt when the model, or a fallback, lacks JSON-schema output."""
        capabilities = getattr(self.client, "capabilities", None)
        if capabilities is None:
            return False
        candidates = [model, *self.settings.fallback_models]
        return any(not capabilities(m).json_schema for m in candidates)

    async def run(self, job: AnalysisJob) -> EngineResult:
        schema = contract_schema(job)
        request = ChatRequest(
            model=job.model,
            messages=tuple(initial_messages(job, schema, self._schema_in_prompt(job.model))),
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
        )
        return EngineResult(
            contract=outcome.contract,
            engine="llm",
            model=outcome.model,
            provider=outcome.provider,
            prompt_version=prompts.prompt_version(),
            usage=outcome.usage,
            cost_usd=outcome.cost_usd,
            attempts=outcome.attempts,
        )

"""One Settings class. Every field is listed in .env.example (tests/test_config.py checks it)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.model_ref import BUILTIN_MODEL

_PLACEHOLDER_SECRETS = {"changeme", "your-key-here", "sk-...", "xxx"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="STANCEWIRE_", env_file=".env", extra="ignore", env_nested_delimiter="__"
    )

    # Models
    default_model: str = Field(
        default=BUILTIN_MODEL,
        description="Model used when a request names none. builtin/rules-en needs no key.",
    )
    models: list[str] = Field(
        default_factory=list,
        description="Allow-list of litellm model names callers may choose (the default is added).",
    )
    api_key: SecretStr | None = Field(
        default=None, description="Key for the provider of the LLM models (else provider env vars)."
    )
    api_base: str | None = Field(
        default=None, description="Base URL of an OpenAI-compatible server."
    )
    fallback_models: list[str] = Field(
        default_factory=list, description="Models tried in order when the chosen one is down."
    )
    local_models: dict[str, Path] = Field(
        default_factory=dict,
        description="Extra GGUF files served as local/<name>, as a JSON object name -> path.",
    )
    local_load: str = Field(default="lazy", description="'lazy' or 'startup': when GGUFs load.")
    local_threads: int = Field(default=2, ge=1, description="CPU threads for llama.cpp.")
    local_context: int = Field(default=8192, ge=512, description="llama.cpp context length.")

    # Model calls
    llm_timeout_s: float = Field(default=60.0, gt=0, description="Timeout of one model call.")
    llm_max_tokens: int = Field(default=2048, ge=64, description="Max output tokens per call.")
    llm_temperature: float = Field(default=0.0, ge=0, le=2, description="Sampling temperature.")
    retry_attempts: int = Field(default=4, ge=1, description="Tries per call on transient errors.")
    retry_max_wait_s: float = Field(default=20.0, gt=0, description="Longest wait between tries.")
    retry_total_s: float = Field(default=90.0, gt=0, description="Time budget for all tries.")
    repair_attempts: int = Field(default=2, ge=0, description="Re-asks on invalid model output.")

    # Limits
    max_body_bytes: int = Field(default=1_000_000, ge=1024, description="Largest request body.")
    max_text_chars: int = Field(default=100_000, ge=100, description="Longest accepted article.")
    max_llm_sentences: int = Field(
        default=200,
        ge=5,
        description="Sentences sent to a model per call; a longer article is analysed in parts.",
    )
    llm_part_overlap: int = Field(
        default=2, ge=0, le=20, description="Sentences two consecutive parts of an article share."
    )
    max_llm_parts: int = Field(
        default=20,
        ge=1,
        description="Parts (model calls) per article at most; sentences beyond them: coverage.",
    )
    max_long_text_chars: int = Field(
        default=400_000,
        ge=100,
        description="Longest article for jobs, streamed (SSE) requests and the CLI; plain "
        "synchronous requests keep max_text_chars.",
    )
    stream_deadline_s: float = Field(
        default=300.0,
        gt=0,
        description="Time a streamed (SSE) analysis may take (a long article's parts included).",
    )
    cross_check: bool = Field(
        default=True,
        description="Check each LLM claim verdict with the built-in claim model; a strong "
        "disagreement lowers its confidence with a finding_disputed_by_check warning.",
    )
    max_concurrency: int = Field(
        default=256, ge=1, description="Model calls in flight per process (I/O; more wait)."
    )
    request_deadline_s: float = Field(
        default=45.0,
        gt=0,
        description="Time a request may take, retries, repairs and engines included (504 after).",
    )
    engine_processes: int | None = Field(
        default=None,
        ge=0,
        description="Worker processes for the built-in engine when serving (`auto` or unset: "
        "one per core; 0: threads of the server process).",
    )
    engine_queue: int = Field(
        default=16, ge=0, description="Built-in analyses that may wait for a worker (then 503)."
    )

    # Cache
    cache_size: int = Field(default=512, ge=0, description="Analyses kept in memory (0 = off).")
    cache_ttl_s: int = Field(default=3600, ge=0, description="Seconds a cached analysis lives.")

    # Connections (api/server.py: uvicorn has no read timeouts of its own)
    header_timeout_s: float = Field(
        default=10.0, gt=0, description="Seconds a connection has to send complete headers."
    )
    body_timeout_s: float = Field(
        default=30.0, gt=0, description="Seconds the request body has to arrive, once headed."
    )
    keepalive_timeout_s: int = Field(
        default=5, ge=1, description="Seconds an idle keep-alive connection is kept open."
    )
    max_connections: int = Field(
        default=1000, ge=1, description="Open connections per process; more get a 503."
    )
    gc_threshold: int = Field(
        default=10_000,
        ge=0,
        description=(
            "`stancewire serve`: after start-up the heap is frozen and Python's collector runs "
            "every this many net allocations instead of 700 (api/heap.py); 0 keeps Python's "
            "defaults."
        ),
    )

    # Production: keys, limits, storage (README "Deploying")
    env: Literal["development", "production"] = Field(
        default="development",
        description="`production` turns API keys on and refuses to start without any.",
    )
    auth: bool = Field(
        default=False, description="Require an API key (Authorization: Bearer); on in production."
    )
    data_dir: Path = Field(
        default=Path(".stancewire"),
        description="Directory of the SQLite database (cache, stored analyses, keys, feedback).",
    )
    redis_url: str | None = Field(
        default=None,
        description="redis:// URL: storage, rate limits and jobs shared by replicas and workers "
        "(unset: SQLite + memory limits, no jobs).",
    )
    retention_days: float = Field(
        default=30, ge=0, description="Days a stored analysis is kept (0 = until deleted)."
    )
    idempotency_ttl_s: int = Field(
        default=86_400, ge=1, description="Seconds an Idempotency-Key is remembered."
    )
    rate_limit_per_minute: int = Field(
        default=0,
        ge=0,
        description="Requests per minute per key unless the key sets its own (0 = unlimited).",
    )
    token_budget_per_day: int = Field(
        default=0,
        ge=0,
        description="Model tokens per day per key unless the key sets its own (0 = unlimited).",
    )
    log_format: Literal["json", "console"] = Field(
        default="json", description="Access log lines as JSON (production) or readable text."
    )
    # Jobs (api/jobs: arq on Redis, STANCEWIRE_REDIS_URL above)
    job_item_timeout_s: float = Field(
        default=120.0,
        gt=0,
        description="Time one job item may take; a killed worker's items run again this + 12 s "
        "after they started.",
    )
    job_max_tries: int = Field(
        default=5, ge=1, description="Tries per job item (transient errors, killed workers)."
    )
    job_max_items: int = Field(default=100_000, ge=1, description="Items per job.")
    job_max_body_bytes: int = Field(
        default=100_000_000, ge=1024, description="Largest POST /v1/jobs body (list or JSONL)."
    )
    job_ttl_s: int = Field(
        default=7 * 24 * 3600, ge=60, description="Seconds a job and its results are kept."
    )
    job_llm_concurrency: int = Field(
        default=64, ge=1, description="Items in flight per worker for hosted models (I/O)."
    )
    webhook_secret: SecretStr | None = Field(
        default=None, description="Key of the HMAC-SHA256 signature on job webhooks."
    )
    webhook_attempts: int = Field(
        default=6, ge=1, description="Tries per webhook delivery (exponential backoff)."
    )

    # Service
    host: str = Field(default="127.0.0.1", description="Address `stancewire serve` binds.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `stancewire serve` binds.")
    log_level: str = Field(default="info", description="Log level.")

    # Pasted URLs (api/fetch.py): off unless the operator turns it on (the server then makes
    # requests on a caller's behalf; private, loopback and link-local addresses are refused).
    fetch_urls: bool = Field(
        default=False, description="Fetch a URL sent as the article text (off: a 422 says so)."
    )
    fetch_timeout_s: float = Field(
        default=10.0, gt=0, description="Whole-fetch time limit for a URL, redirects included."
    )
    fetch_max_bytes: int = Field(
        default=5_000_000, ge=1, description="Largest page fetched for a URL, in bytes."
    )
    llm_transport: Literal["direct", "litellm"] = Field(
        default="direct",
        description="How OpenAI-compatible chat models are called: `direct` (one pooled httpx "
        "client, litellm's routing, parameter mapping and prices, ~6 CPU ms less per call) or "
        "`litellm` (litellm.acompletion). Other providers always go through litellm.",
    )

    @field_validator("api_key")
    @classmethod
    def _reject_placeholder(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value().strip().lower() in _PLACEHOLDER_SECRETS:
            raise ValueError("STANCEWIRE_API_KEY is a placeholder; set a real key or unset it")
        return value

    @field_validator("engine_processes", mode="before")
    @classmethod
    def _auto_is_one_per_core(cls, value: object) -> object:
        return None if isinstance(value, str) and value.strip().lower() in {"", "auto"} else value

    @field_validator("redis_url", "webhook_secret", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("local_load")
    @classmethod
    def _known_load_mode(cls, value: str) -> str:
        if value not in {"lazy", "startup"}:
            raise ValueError("STANCEWIRE_LOCAL_LOAD must be 'lazy' or 'startup'")
        return value

    @model_validator(mode="after")
    def _default_is_allowed(self) -> Settings:
        self.models = list(dict.fromkeys([self.default_model, BUILTIN_MODEL, *self.models]))
        return self

    @property
    def auth_enabled(self) -> bool:
        return self.auth or self.env == "production"

    def is_allowed(self, model: str) -> bool:
        return model in self.models


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

"""Cassettes: record a model's raw answers once, replay them offline bit for bit.

One JSON file per request under evals/cassettes/<name>/, named by
`ChatRequest.fingerprint()` — a hash of exactly what changes the answer (model, messages
with the prompt version and the article, JSON schema, sampling options). A file holds
every answer recorded for that request in order, so `--repeat k` replays k answers; the
k-th replayed call gets the k-th answer (the last one once they run out). Typed errors
(`api.errors`) are recorded too and raised again on replay. Replay never falls back to a
model: a missing answer is a `CassetteMissing` error that says how to record it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any, Literal

from api import errors
from api.config import Settings
from api.errors import ConfigurationError, StancewireError, UpstreamError
from api.llm.capabilities import ModelCapabilities
from api.llm.types import ChatRequest, Completion, LLMClient, LocalModels, NoLocalModels
from schemas.analysis import Usage

CASSETTES_DIR = Path(__file__).parent / "cassettes"
CassetteMode = Literal["record", "replay"]
CAPABILITIES_FILE = "capabilities.json"
# What the pipeline assumes of a client that does not say (no schema in the prompt).
_DEFAULT_CAPABILITIES = ModelCapabilities(json_schema=True, json_mode=True)


SETTINGS_FILE = "settings.json"
# Settings that shape the requests (and so the keys): recorded with the answers and reused
# on replay, so a replay needs no environment to match the recording's.
PINNED_SETTINGS = (
    "llm_max_tokens",
    "llm_temperature",
    "repair_attempts",
    "max_llm_sentences",
    "fallback_models",
)


def pin_settings(settings: Settings, folder: Path, mode: CassetteMode) -> Settings:
    """On record, write the request-shaping settings; on replay, apply the recorded ones."""
    file = folder / SETTINGS_FILE
    if mode == "record":
        folder.mkdir(parents=True, exist_ok=True)
        pinned = {name: getattr(settings, name) for name in PINNED_SETTINGS}
        file.write_text(json.dumps(pinned, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return settings
    if not file.exists():
        return settings
    return settings.model_copy(update=json.loads(file.read_text(encoding="utf-8")))


class CassetteMissing(ConfigurationError):
    code, title = "cassette_missing", "No recorded answer for this request"


def cassette_path(name: str, root: Path = CASSETTES_DIR) -> Path:
    """The folder of cassette `name`; names are plain slugs, never paths."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"cassette name must be a plain name, not {name!r}")
    return root / name


def _sha(value: Any) -> str:
    blob = json.dumps(value, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def _describe(request: ChatRequest) -> dict[str, Any]:
    """What the key covers, readable in a diff; the article itself is not stored."""
    return {
        "model": request.model,
        "messages_sha256": _sha(list(request.messages)),
        "schema_sha256": _sha(request.json_schema),
        "max_tokens": request.max_tokens,
        "temperature": request.temperature,
        "seed": request.seed,
    }


def _answer(completion: Completion) -> dict[str, Any]:
    return {
        "content": completion.content,
        "finish_reason": completion.finish_reason,
        "model": completion.model,
        "provider": completion.provider,
        "usage": completion.usage.model_dump(),
        "cost_usd": completion.cost_usd,
    }


def _failure(exc: StancewireError) -> dict[str, Any]:
    return {
        "error": {"type": type(exc).__name__, "detail": exc.detail, "retry_after": exc.retry_after}
    }


def _raise_recorded(error: dict[str, Any]) -> None:
    cls = getattr(errors, str(error.get("type")), None)
    detail = str(error.get("detail", "recorded error"))
    if not (isinstance(cls, type) and issubclass(cls, StancewireError)):
        cls = UpstreamError
    try:
        exc = cls(detail, retry_after=error.get("retry_after"))
    except TypeError:  # an error class with a richer constructor
        exc = UpstreamError(detail)
    raise exc


class CassetteClient:
    """An LLMClient that records the answers of `inner`, or replays recorded ones."""

    def __init__(self, inner: LLMClient | None, path: Path, mode: CassetteMode) -> None:
        if mode not in ("record", "replay"):
            raise ValueError(f"mode must be 'record' or 'replay', not {mode!r}")
        if mode == "record" and inner is None:
            raise ValueError("recording needs the client whose answers to record")
        if mode == "replay" and not path.is_dir():
            raise CassetteMissing(
                f"No cassette at {path}. Record one first with "
                f"`stancewire eval run --model MODEL --record {path.name}`."
            )
        self.inner = inner
        # Replays serve no local model; recordings report the recorded client's.
        self.local: LocalModels = inner.local if inner is not None else NoLocalModels()
        self.path = path
        self.mode = mode
        self._calls: dict[str, int] = {}  # replay: answers served per key
        self._fresh: set[str] = set()  # record: keys rewritten in this session
        self._lock = asyncio.Lock()

    async def complete(self, request: ChatRequest) -> Completion:
        key = request.fingerprint()
        if self.mode == "replay":
            return self._replay(key, request)
        assert self.inner is not None  # checked in __init__
        try:
            completion = await self.inner.complete(request)
        except StancewireError as exc:
            await self._record(key, request, _failure(exc))
            raise
        await self._record(key, request, _answer(completion))
        return completion

    def capabilities(self, model: str) -> ModelCapabilities:
        """The inner client's capabilities, recorded, so replay builds the same prompts."""
        file = self.path / CAPABILITIES_FILE
        known = json.loads(file.read_text(encoding="utf-8")) if file.exists() else {}
        if self.mode == "replay":
            stored = known.get(model)
            return ModelCapabilities(**stored) if stored else _DEFAULT_CAPABILITIES
        assert self.inner is not None  # checked in __init__
        capabilities = self.inner.capabilities(model)
        if known.get(model) != asdict(capabilities):
            self.path.mkdir(parents=True, exist_ok=True)
            known[model] = asdict(capabilities)
            file.write_text(json.dumps(known, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return capabilities

    def _file(self, key: str) -> Path:
        return self.path / f"{key}.json"  # a sha256 hex digest: never capabilities.json

    async def _record(self, key: str, request: ChatRequest, entry: dict[str, Any]) -> None:
        async with self._lock:
            file = self._file(key)
            answers: list[dict[str, Any]] = []
            if key in self._fresh and file.exists():
                answers = json.loads(file.read_text(encoding="utf-8"))["answers"]
            self._fresh.add(key)
            body = {"key": key, "request": _describe(request), "answers": [*answers, entry]}
            self.path.mkdir(parents=True, exist_ok=True)
            tmp = file.with_suffix(".tmp")
            tmp.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            os.replace(tmp, file)

    def _replay(self, key: str, request: ChatRequest) -> Completion:
        file = self._file(key)
        if not file.exists():
            raise CassetteMissing(
                f"Cassette {self.path.name!r} has no answer for this {request.model} request "
                f"(key {key[:12]}…): the prompt, schema, article or options changed since it was "
                f"recorded. Re-record with `stancewire eval run --model {request.model} "
                f"--record {self.path.name}`."
            )
        answers = json.loads(file.read_text(encoding="utf-8"))["answers"]
        served = self._calls.get(key, 0)
        self._calls[key] = served + 1
        entry = answers[min(served, len(answers) - 1)]
        if "error" in entry:
            _raise_recorded(entry["error"])
        return Completion(
            content=entry["content"],
            finish_reason=entry["finish_reason"],
            model=entry["model"],
            provider=entry["provider"],
            usage=Usage.model_validate(entry["usage"]),
            cost_usd=entry["cost_usd"],
        )

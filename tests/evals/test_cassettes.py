from __future__ import annotations

from pathlib import Path

import pytest

from api.errors import UpstreamTimeout
from api.llm.capabilities import ModelCapabilities
from api.llm.types import ChatRequest
from evals.cassettes import CassetteClient, CassetteMissing, cassette_path
from tests.fakes import ScriptedClient


def chat(text: str = "Article one.", **changes: object) -> ChatRequest:
    fields: dict[str, object] = {
        "model": "openai/test",
        "messages": ({"role": "system", "content": "Be exact."}, {"role": "user", "content": text}),
        "json_schema": {"type": "object"},
    }
    return ChatRequest(**(fields | changes))  # type: ignore[arg-type]


async def test_record_then_replay_is_bit_for_bit(tmp_path: Path) -> None:
    raw = '{"headline": "Caf\\u00e9 \\"quotes\\"",  "actors": []}\n'
    inner = ScriptedClient(raw, {"headline": "second"})
    recorder = CassetteClient(inner, tmp_path / "run", "record")
    first = await recorder.complete(chat())
    other = await recorder.complete(chat("Article two."))

    player = CassetteClient(None, tmp_path / "run", "replay")
    assert await player.complete(chat()) == first
    assert await player.complete(chat("Article two.")) == other
    assert (await player.complete(chat())).content == raw
    assert len(list((tmp_path / "run").glob("*.json"))) == 2


async def test_repeated_requests_replay_in_recorded_order(tmp_path: Path) -> None:
    inner = ScriptedClient("one", "two")
    recorder = CassetteClient(inner, tmp_path / "run", "record")
    await recorder.complete(chat())
    await recorder.complete(chat())
    player = CassetteClient(None, tmp_path / "run", "replay")
    contents = [(await player.complete(chat())).content for _ in range(3)]
    assert contents == ["one", "two", "two"]


async def test_rerecording_replaces_old_answers(tmp_path: Path) -> None:
    await CassetteClient(ScriptedClient("old"), tmp_path / "r", "record").complete(chat())
    await CassetteClient(ScriptedClient("new"), tmp_path / "r", "record").complete(chat())
    player = CassetteClient(None, tmp_path / "r", "replay")
    assert (await player.complete(chat())).content == "new"
    assert (await player.complete(chat())).content == "new"


async def test_key_covers_options_and_schema(tmp_path: Path) -> None:
    await CassetteClient(ScriptedClient("x"), tmp_path / "r", "record").complete(chat())
    player = CassetteClient(None, tmp_path / "r", "replay")
    for changed in (chat(temperature=0.7), chat(json_schema={"type": "array"}), chat("Other.")):
        with pytest.raises(CassetteMissing, match="--record r"):
            await player.complete(changed)


async def test_typed_errors_are_recorded_and_raised_again(tmp_path: Path) -> None:
    recorder = CassetteClient(ScriptedClient(UpstreamTimeout("slow")), tmp_path / "r", "record")
    with pytest.raises(UpstreamTimeout):
        await recorder.complete(chat())
    with pytest.raises(UpstreamTimeout, match="slow"):
        await CassetteClient(None, tmp_path / "r", "replay").complete(chat())


def test_replay_of_a_missing_cassette_says_how_to_record(tmp_path: Path) -> None:
    with pytest.raises(CassetteMissing, match="Record one first"):
        CassetteClient(None, tmp_path / "nothing", "replay")
    with pytest.raises(ValueError, match="needs the client"):
        CassetteClient(None, tmp_path / "r", "record")


@pytest.mark.parametrize("name", ["", "../x", "a/b", ".hidden"])
def test_cassette_names_are_plain(name: str) -> None:
    with pytest.raises(ValueError):
        cassette_path(name)


class CapableClient(ScriptedClient):
    def capabilities(self, model: str) -> ModelCapabilities:
        return ModelCapabilities(json_schema=False, json_mode=True)


def test_capabilities_are_recorded_so_replay_builds_the_same_prompt(tmp_path: Path) -> None:
    recorder = CassetteClient(CapableClient("x"), tmp_path / "r", "record")
    assert recorder.capabilities("openai/test").json_schema is False
    player = CassetteClient(None, tmp_path / "r", "replay")
    assert player.capabilities("openai/test") == ModelCapabilities(False, True)
    assert player.capabilities("other/model").json_schema is True  # the pipeline's default


def test_request_shaping_settings_are_pinned_on_record_and_reused_on_replay(
    tmp_path: Path,
) -> None:
    from api.config import Settings
    from evals.cassettes import pin_settings

    recorded = Settings(llm_max_tokens=512, repair_attempts=1, _env_file=None)
    pin_settings(recorded, tmp_path / "c", "record")
    replayed = pin_settings(Settings(_env_file=None), tmp_path / "c", "replay")
    assert (replayed.llm_max_tokens, replayed.repair_attempts) == (512, 1)
    untouched = pin_settings(Settings(_env_file=None), tmp_path / "none", "replay")
    assert untouched.llm_max_tokens == Settings(_env_file=None).llm_max_tokens

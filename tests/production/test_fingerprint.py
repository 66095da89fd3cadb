"""The engine build fingerprint changes with whatever changes an answer, and only then."""

from __future__ import annotations

from pathlib import Path

import pytest

from api import fingerprint


@pytest.fixture
def engine_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in api/ tree: one rule file, one data file, one artifact."""
    for name, text in {
        "builtin/cues.py": "NEGATIONS = {'deny'}\n",
        "builtin/gazetteer.yaml": "Ohio: place\n",
        "builtin/claimmodel/artifact/claim_model.joblib": "weights-1",
        "builtin/README.md": "not part of the build",
    }.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    monkeypatch.setattr(fingerprint, "_API", tmp_path)
    return tmp_path


def _build(monkeypatch: pytest.MonkeyPatch) -> str:
    fingerprint.build_parts.cache_clear()
    fingerprint.engine_build.cache_clear()
    try:
        return fingerprint.engine_build()
    finally:
        fingerprint.build_parts.cache_clear()
        fingerprint.engine_build.cache_clear()


@pytest.mark.parametrize(
    "changed",
    ["builtin/cues.py", "builtin/gazetteer.yaml", "builtin/claimmodel/artifact/claim_model.joblib"],
)
def test_an_edited_rule_data_file_or_retrained_model_is_another_build(
    engine_copy: Path, monkeypatch: pytest.MonkeyPatch, changed: str
) -> None:
    before = _build(monkeypatch)
    (engine_copy / changed).write_text("changed")
    assert _build(monkeypatch) != before


def test_files_that_change_no_answer_are_not_part_of_it(
    engine_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _build(monkeypatch)
    (engine_copy / "builtin/README.md").write_text("edited docs")
    assert _build(monkeypatch) == before


def test_another_spacy_model_or_prompt_version_is_another_build(
    engine_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _build(monkeypatch)
    real = fingerprint._version
    monkeypatch.setattr(
        fingerprint, "_version", lambda d: "3.9.0" if d.startswith("en-core") else real(d)
    )
    spacy_changed = _build(monkeypatch)
    monkeypatch.setattr(fingerprint.prompts, "prompt_version", lambda: "analyze-v9")
    assert len({before, spacy_changed, _build(monkeypatch)}) == 3

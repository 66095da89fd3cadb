"""The committed claim model gives the recorded answers on a fixed probe set.

When `make train` changes the model, re-record with `python -m tests.claimmodel.build_probes`
and review the diff: it shows which answers moved.
"""

from __future__ import annotations

import json

import pytest

from api.builtin.claimmodel import load_claim_model
from tests.claimmodel.build_probes import PROBES, probe_inputs


@pytest.fixture(scope="module")
def recorded() -> dict[str, object]:
    payload: dict[str, object] = json.loads(PROBES.read_text(encoding="utf-8"))
    return payload


def test_probes_were_recorded_with_the_committed_model(recorded: dict[str, object]) -> None:
    assert recorded["model_version"] == load_claim_model().version


def test_the_model_gives_the_recorded_answers(recorded: dict[str, object]) -> None:
    model = load_claim_model()
    probes = recorded["probes"]
    assert isinstance(probes, list)
    inputs = probe_inputs()
    assert [p["claim"] for p in probes] == [claim for claim, _ in inputs]
    for probe, (claim, sentences) in zip(probes, inputs, strict=True):
        result = model.assess(claim, sentences)
        assert result.verdict == probe["verdict"], claim
        assert result.related == pytest.approx(probe["related"], abs=1e-9), claim
        assert result.stance == pytest.approx(probe["stance"], abs=1e-9), claim
        assert result.evidence == probe["evidence"], claim
        assert [result.sentences[i].speech_act for i in result.evidence] == probe["speech_acts"]

"""Hard negatives and the relatedness threshold chosen on training folds."""

from __future__ import annotations

import random

import pytest

from api.builtin.claimmodel.augment import _swap_name
from api.builtin.claimmodel.crossval import Relatedness
from api.builtin.claimmodel.evaluate import choose_threshold, relatedness_block


def _rel(rows: list[tuple[float, bool, str]]) -> Relatedness:
    rel = Relatedness()
    for p, related, kind in rows:
        rel.p.append(p)
        rel.related.append(related)
        rel.kind.append(kind)
    return rel


def test_a_name_the_bodies_know_is_swapped_before_a_title_case_word() -> None:
    claim = "Report Says Obama Will Visit The Moon"
    body, proper = "Obama is said to plan a trip.", frozenset({"obama"})
    for seed in range(10):
        swapped = _swap_name(claim, body, random.Random(seed), proper)
        assert swapped is not None
        assert "Obama" not in swapped and swapped.startswith("Report Says ")


def test_the_threshold_separates_own_bodies_from_hard_negatives_keeping_90_percent() -> None:
    own = [(p / 100, True, "fnc1-related") for p in range(40, 100)]  # 0.40 .. 0.99
    hard = [(p / 100, False, "name") for p in range(0, 60)]  # 0.00 .. 0.59
    easy = [(0.01, False, "fnc1-unrelated")] * 50
    rel = _rel(own + hard + easy)
    t = choose_threshold(rel)
    block = relatedness_block(rel, t)
    assert float(block["related_recall"]) >= 0.9  # type: ignore[arg-type]
    # the best balanced accuracy that keeps 90 %: the own rows from 0.46 up (54 of 60)
    assert t == pytest.approx(0.46)
    assert block["hard_negative_recall"] == pytest.approx(46 / 60)
    assert block["by_kind"]["fnc1-unrelated"] == 1.0  # type: ignore[index]


def test_without_hard_negatives_the_threshold_stays_at_one_half() -> None:
    rel = _rel([(0.9, True, "fnc1-related"), (0.1, False, "fnc1-unrelated")])
    assert choose_threshold(rel) == 0.5

"""The benchmark's articles: only those stancewire accepts, so every answer must be a 200."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.articles import shared_articles

CREDIT_ONLY = (
    "TORONTO, Ontario — Canadian official identifies dead Ottawa gunman as Michael Zehaf-Bibeau"
    " .\n\nCopyright 2014 The Associated Press. All rights reserved. This material may not be "
    "published, broadcast, rewritten or redistributed."
)  # an FNC-1 body: a caption line and a copyright notice, nothing to analyse (a 422)


def test_bodies_without_a_sentence_to_analyse_are_left_out(tmp_path: Path) -> None:
    article = "The minister said on Monday that the talks would resume next week. " * 4
    lines = [json.dumps({"body": text}) for text in (article, CREDIT_ONLY, "too short")]
    (tmp_path / "fnc1_train_bodies.jsonl").write_text("\n".join(lines) + "\n")

    assert shared_articles(tmp_path) == [article]


def test_articles_the_service_splits_into_parts_are_left_out(tmp_path: Path) -> None:
    """An article longer than one model call is analysed in parts (several calls, so
    `meta.attempts` > 1), which the benchmark would count as a repair."""
    sentence = "The minister said on Monday that the talks would resume next week. "
    short, long = sentence * 4, sentence * 201
    lines = [json.dumps({"body": text}) for text in (short, long)]
    (tmp_path / "fnc1_train_bodies.jsonl").write_text("\n".join(lines) + "\n")

    assert shared_articles(tmp_path) == [short]

"""The mutation list (`make mutate`, not run in CI) must keep pointing at real code.

A mutation whose snippet no longer exists is silently useless until someone runs
`make mutate`; three had rotted that way after refactors. This cheap check runs in CI.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from mutations import MUTATIONS, Mutation  # noqa: E402


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.name for m in MUTATIONS])
def test_each_mutation_still_applies_to_the_code(mutation: Mutation) -> None:
    source = (ROOT / mutation.file).read_text(encoding="utf-8")
    found = source.count(mutation.old)
    assert found >= mutation.occurrence, f"{mutation.file}: snippet gone, update the list"


def test_each_mutation_changes_the_code() -> None:
    assert all(m.old != m.new for m in MUTATIONS)

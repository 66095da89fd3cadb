"""No leak on the real data: golden and near-miss claims never reach training or a fold.

Needs the shared data folder (../shared/data next to the repository, or
SHARED_DATA_DIR); skipped with a reason where it is absent.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from api.builtin.claimmodel.crossval import assign_folds
from api.builtin.claimmodel.data import Corpus, load_corpus, norm
from api.builtin.claimmodel.exclusions import Exclusions, all_exclusions, golden_texts
from api.builtin.claimmodel.train import training_pairs
from evals.datasets.near_miss import load_rows

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("SHARED_DATA_DIR", REPO.parent / "shared" / "data"))
pytestmark = pytest.mark.skipif(
    not (DATA / "fnc1_train_stances.jsonl").exists(), reason=f"shared data not at {DATA}"
)


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(DATA)


@pytest.fixture(scope="module")
def exclusions(corpus: Corpus) -> Exclusions:
    return all_exclusions(corpus)


def test_every_golden_claim_and_near_miss_claim_is_out_of_training(
    corpus: Corpus, exclusions: Exclusions
) -> None:
    pairs = training_pairs(corpus, exclusions)
    trained = {norm(p.claim) for p in pairs}
    golden_claims, _, rows = golden_texts()
    assert len(rows) == 7  # cases 02-08 name their Emergent rows
    assert not trained & {norm(c) for c in golden_claims}
    near = {norm(r.original_claim or r.claim) for r in load_rows()}
    assert not trained & near
    bodies = {p.article for p in pairs}
    assert not bodies & {f"fnc:{r.body_id}" for r in load_rows()}
    assert len(exclusions.golden) == 7 and len(exclusions.near_miss) == 40


def test_emergent_headlines_also_in_fnc1_share_their_claim_group(corpus: Corpus) -> None:
    emergent = [p for p in corpus.pairs if p.source == "emergent"]
    fnc_heads = {norm(p.claim): corpus.claim_group(p) for p in corpus.pairs if p.source == "fnc1"}
    shared = [p for p in emergent if norm(corpus.bodies[p.article]) in fnc_heads]
    assert len(shared) > 1000  # 1,201 of 2,071 Emergent rows
    for p in shared:
        assert fnc_heads[norm(corpus.bodies[p.article])] == corpus.claim_group(p)


def test_a_fold_never_holds_a_claim_group_on_both_sides(
    corpus: Corpus, exclusions: Exclusions
) -> None:
    pairs = training_pairs(corpus, exclusions)
    groups = np.array([corpus.claim_group(p) for p in pairs])
    folds = assign_folds(groups)
    assert len(set(folds.values())) == 5
    for group in set(groups.tolist()):
        assert group in folds  # one fold per group, by construction of the mapping


def test_hard_negatives_use_training_claims_and_bodies_only(
    corpus: Corpus, exclusions: Exclusions
) -> None:
    from api.builtin.claimmodel.augment import NAMES
    from api.builtin.claimmodel.exclusions import NEAR_MISS
    from api.builtin.claimmodel.table import fit_idf
    from api.builtin.claimmodel.train import hard_negatives

    pairs = training_pairs(corpus, exclusions)
    keep = set(corpus.groups.values()) - exclusions.groups
    idf = fit_idf(corpus, keep)
    negatives = hard_negatives(corpus, pairs, idf, ("name", "other"))
    kinds = {p.ref.split("|", 1)[0] for p in negatives}
    assert kinds == {"name", "other"} and len(negatives) > 2000
    near_bodies = {f"fnc:{r.body_id}" for r in load_rows()}
    trained_claims = {p.claim for p in pairs}
    for negative in negatives:
        assert negative.label == "unrelated" and negative.article not in near_bodies
        assert corpus.article_group(negative) in keep
        assert corpus.claim_group(negative) in keep
        if negative.ref.startswith("other|"):
            assert negative.claim in trained_claims
            assert corpus.article_group(negative) != corpus.claim_group(negative)
    # the near-miss builder's replacement names are never ours
    raw = [json.loads(line) for line in NEAR_MISS.read_text(encoding="utf-8").splitlines()]
    builder_names = {r["swap"][1] for r in raw if r["kind"] == "swapped_entity"}
    assert builder_names and not builder_names & set(NAMES)


def test_act_swaps_use_training_claims_verbs_and_bodies_only(
    corpus: Corpus, exclusions: Exclusions
) -> None:
    from api.builtin.claimmodel.train_relatedness import Articles, predicate_swaps

    pairs = training_pairs(corpus, exclusions)
    chosen = set(sorted({p.claim for p in pairs if p.label != "unrelated"})[::60])  # the parse
    some = [p for p in pairs if p.claim in chosen]
    swaps = predicate_swaps(corpus, some, Articles(corpus))
    assert len(swaps) >= 3
    words = {w.lower() for c in chosen for w in c.split()}
    near_bodies = {f"fnc:{r.body_id}" for r in load_rows()}
    for swap in swaps:
        original = swap.ref.split("|", 1)[1]
        assert swap.label == "unrelated" and original in chosen
        assert swap.article in {p.article for p in some if p.claim == original}
        assert swap.article not in near_bodies
        assert corpus.article_group(swap) not in exclusions.groups
        assert corpus.claim_group(swap) not in exclusions.groups
        new = set(swap.claim.lower().split()) - set(original.lower().split())
        assert new and new <= words  # another training claim's verb or predicate, no list
    assert {s.ref.split("|", 1)[0] for s in swaps} == {"verb", "event"}

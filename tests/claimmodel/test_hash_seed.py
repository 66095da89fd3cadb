"""make train-relatedness gives the same bytes whatever the process's hash seed: the
other-event negatives summed weights over a set, whose order follows the seed, and a
last-bit difference picked another body on a near tie (seeds 1 and 2 gave different
negatives for the shared data before math.fsum; with a plain sum this test answers
['fnc:1'] under seeds 0-3 and 5, ['fnc:0'] under 4)."""

from __future__ import annotations

import os
import subprocess
import sys

# Weights chosen so the order of a plain float sum decides: body X shares
# alpha+bravo+charlie (0.1 + 0.2 + 0.3: 0.6 or 0.6000000000000001 by order), body W shares
# delta+echo (0.5 + 0.1 = 0.6); W sorts first and keeps a tie.
SCRIPT = """
from api.builtin.claimmodel.augment import other_event_pairs
from api.builtin.claimmodel.data import Corpus, Pair, claim_key
from api.builtin.claimmodel.features import Idf
from api.builtin.claimmodel.text import read

claim = "alpha bravo charlie delta echo"
stem = {w: next(iter(read(w).content_set)) for w in claim.split()}
idf = Idf({stem["alpha"]: 0.1, stem["bravo"]: 0.2, stem["charlie"]: 0.3,
           stem["delta"]: 0.5, stem["echo"]: 0.1}, 1.0)
bodies = {"fnc:1": "alpha bravo charlie", "fnc:0": "delta echo", "fnc:2": "zulu yankee"}
pairs = [Pair(claim, "fnc:2", "agree", "fnc1", "r")]
pairs += [Pair("other " + k, k, "agree", "fnc1", k) for k in ("fnc:0", "fnc:1")]
corpus = Corpus(pairs, {k: [v] for k, v in bodies.items()}, bodies)
corpus.groups = {claim_key(claim): "g", "fnc:2": "g", "fnc:0": "g0", "fnc:1": "g1",
                 claim_key("other fnc:0"): "g0", claim_key("other fnc:1"): "g1"}
print([p.article for p in other_event_pairs(corpus, pairs, idf) if p.claim == claim])
"""


def _run(seed: int) -> str:
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_other_event_negatives_do_not_depend_on_the_hash_seed() -> None:
    answers = {_run(seed) for seed in range(3)}
    assert answers == {"['fnc:0']"}  # the exact tie keeps the first body in sorted order

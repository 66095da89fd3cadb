"""Write the small training sample the tests train on (run once; output committed).

    .venv/bin/python -m tests.claimmodel.build_sample /work/shared/data

Eight claim groups that are neither golden nor near-miss: their Emergent rows, their
FNC-1 headlines against up to three of their bodies, and unrelated pairs among those
bodies, in the shared data's own formats.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from api.builtin.claimmodel.data import load_corpus, read_jsonl
from api.builtin.claimmodel.exclusions import all_exclusions

OUT = Path(__file__).parent / "data"


def main(data_dir: Path) -> None:
    rng = random.Random(3)
    corpus = load_corpus(data_dir)
    excluded = all_exclusions(corpus).groups
    with_bodies = {corpus.claim_group(p) for p in corpus.pairs if p.source == "emergent-claim-body"}
    groups = set(rng.sample(sorted(with_bodies - excluded), 8))
    bodies: set[int] = set()
    for group in sorted(groups):
        related = sorted(
            {
                int(p.article[4:])
                for p in corpus.pairs
                if p.source == "fnc1" and p.label != "unrelated" and corpus.claim_group(p) == group
            }
        )
        bodies |= set(rng.sample(related, min(3, len(related))))
    stances = [
        r
        for r in read_jsonl(data_dir / "fnc1_train_stances.jsonl")
        if int(str(r["body_id"])) in bodies
        and corpus.groups["claim:" + " ".join(str(r["headline"]).lower().split()).strip(" .")]
        in groups
    ]
    emergent = [
        r
        for r in read_jsonl(data_dir / "emergent_train.jsonl")
        if corpus.groups[f"em:{r['id']}"] in groups
    ]
    _write(OUT / "fnc1_train_stances.jsonl", stances)
    _write(
        OUT / "fnc1_train_bodies.jsonl",
        [
            r
            for r in read_jsonl(data_dir / "fnc1_train_bodies.jsonl")
            if int(str(r["body_id"])) in bodies
        ],
    )
    _write(OUT / "emergent_train.jsonl", emergent)
    print(len(stances), "stances", len(bodies), "bodies", len(emergent), "emergent rows")


def _write(path: Path, rows: list[dict[str, object]]) -> None:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))

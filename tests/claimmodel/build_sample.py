"""Write the small training sample the tests train on (run once; output committed).

    .venv/bin/python -m tests.claimmodel.build_sample /work/shared/data

Eight claim groups that are neither golden nor near-miss, chosen among those with
Emergent denials (so every class occurs): up to 15 Emergent rows each, their FNC-1
headlines against up to three of their bodies, and one FNC-1 "unrelated" pair per
headline (at most 25 more bodies), in the shared data's own formats.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from pathlib import Path

from api.builtin.claimmodel.data import Corpus, load_corpus, read_jsonl
from api.builtin.claimmodel.exclusions import all_exclusions

OUT = Path(__file__).parent / "data"


def _groups(corpus: Corpus, rng: random.Random) -> set[str]:
    excluded = all_exclusions(corpus).groups
    against = Counter(
        corpus.claim_group(p)
        for p in corpus.pairs
        if p.source == "emergent" and p.label == "disagree"
    )
    with_bodies = {corpus.claim_group(p) for p in corpus.pairs if p.source == "emergent-claim-body"}
    eligible = sorted(g for g in with_bodies - excluded if against[g] >= 2)
    return set(rng.sample(eligible, 8))


def main(data_dir: Path) -> None:
    rng = random.Random(3)
    corpus = load_corpus(data_dir)
    groups = _groups(corpus, rng)
    fnc = [p for p in corpus.pairs if p.source == "fnc1" and corpus.claim_group(p) in groups]
    bodies: set[int] = set()
    for group in sorted(groups):
        related = sorted(
            {
                int(p.article[4:])
                for p in fnc
                if p.label != "unrelated" and corpus.claim_group(p) == group
            }
        )
        bodies |= set(rng.sample(related, min(3, len(related))))
    chosen = [p for p in fnc if int(p.article[4:]) in bodies]
    seen: set[str] = set()
    headlines = {c.claim for c in chosen}
    extra = 0
    for p in fnc:  # one unrelated pair per headline, at most 25 more bodies
        body = int(p.article[4:])
        if p.label != "unrelated" or p.claim in seen or p.claim not in headlines:
            continue
        if body not in bodies and extra >= 25:
            continue
        extra += body not in bodies
        seen.add(p.claim)
        chosen.append(p)
        bodies.add(body)
    stances = [
        {"headline": p.claim, "body_id": int(p.article[4:]), "stance": p.label} for p in chosen
    ]
    emergent = [
        r
        for r in read_jsonl(data_dir / "emergent_train.jsonl")
        if corpus.groups[f"em:{r['id']}"] in groups
    ]
    per_group: Counter[str] = Counter()
    kept = []
    for r in emergent:
        group = corpus.groups[f"em:{r['id']}"]
        if per_group[group] < 15 or r["stance"] == "against":
            per_group[group] += 1
            kept.append(r)
    _write(OUT / "fnc1_train_stances.jsonl", stances)
    all_bodies = read_jsonl(data_dir / "fnc1_train_bodies.jsonl")
    _write(
        OUT / "fnc1_train_bodies.jsonl", [r for r in all_bodies if int(str(r["body_id"])) in bodies]
    )
    _write(OUT / "emergent_train.jsonl", kept)
    print(
        len(stances),
        "stances",
        Counter(s["stance"] for s in stances),
        len(bodies),
        "bodies",
        len(kept),
        "emergent rows",
        Counter(str(r["stance"]) for r in kept),
    )


def _write(path: Path, rows: list[dict[str, object]]) -> None:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))

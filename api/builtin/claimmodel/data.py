"""Training data for the claim model: FNC-1 and Emergent pairs, grouped by claim.

A pair is a claim checked against an article (its sentences). FNC-1 gives headline–body
pairs (agree / disagree / discuss / unrelated); Emergent gives claim–headline pairs
(for / against / observing → agree / disagree / discuss), the headline being a
one-sentence article. Groups join everything that is about one claim: an Emergent
claim_id, its headlines, the FNC-1 headlines equal to them and the bodies related to
those headlines (union-find), so a fold never holds one claim on both sides.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from api.pipeline.article import prepare_article

STANCES = ("agree", "disagree", "discuss")
LABELS = ("unrelated", *STANCES)
EMERGENT_TO_FNC = {"for": "agree", "against": "disagree", "observing": "discuss"}
DATA_FILES = ("fnc1_train_stances.jsonl", "fnc1_train_bodies.jsonl", "emergent_train.jsonl")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def norm(text: str) -> str:
    """The key two texts share when they are the same claim or headline. Letters and
    digits only: Emergent's copy of a headline lost some quote marks, % and $ that FNC-1's
    kept (1,202 Emergent rows match an FNC-1 headline this way, 742 with spaces alone)."""
    return _NON_ALNUM.sub(" ", text.lower()).strip()


@dataclass(frozen=True)
class Pair:
    claim: str
    article: str  # key into Corpus.articles
    label: str  # one of LABELS; "related" when only relatedness is known
    source: str  # fnc1 | emergent | emergent-claim-body | swapped
    ref: str  # the source row: FNC-1 "headline|body_id", Emergent row id


@dataclass
class Corpus:
    pairs: list[Pair]
    articles: dict[str, list[str]]  # key -> sentences
    bodies: dict[str, str]  # key -> whole text
    groups: dict[str, str] = field(default_factory=dict)  # claim or article key -> group

    def claim_group(self, pair: Pair) -> str:
        return self.groups[claim_key(pair.claim)]

    def article_group(self, pair: Pair) -> str:
        return self.groups[pair.article]


def claim_key(text: str) -> str:
    return "claim:" + norm(text)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)  # deterministic roots


def read_jsonl(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def data_hashes(data_dir: Path) -> dict[str, str]:
    return {name: hashlib.sha256((data_dir / name).read_bytes()).hexdigest() for name in DATA_FILES}


def sentences_of(text: str) -> list[str]:
    return [s.text for s in prepare_article(text).sentences]


def load_corpus(data_dir: Path) -> Corpus:
    """Every labelled pair of the shared data, with articles split into sentences."""
    stances = read_jsonl(data_dir / "fnc1_train_stances.jsonl")
    bodies = {
        f"fnc:{r['body_id']}": str(r["body"])
        for r in read_jsonl(data_dir / "fnc1_train_bodies.jsonl")
    }
    emergent = read_jsonl(data_dir / "emergent_train.jsonl")
    pairs = [
        Pair(
            str(r["headline"]),
            f"fnc:{r['body_id']}",
            str(r["stance"]),
            "fnc1",
            f"{r['headline']}|{r['body_id']}",
        )
        for r in stances
    ]
    for r in emergent:
        key = f"em:{r['id']}"
        bodies[key] = str(r["headline"])
        pairs.append(
            Pair(str(r["claim"]), key, EMERGENT_TO_FNC[str(r["stance"])], "emergent", str(r["id"]))
        )
    pairs += _claim_body_pairs(emergent, stances)
    corpus = Corpus(pairs, {k: sentences_of(v) for k, v in bodies.items()}, bodies)
    corpus.groups = _groups(corpus, emergent)
    return corpus


def _claim_body_pairs(
    emergent: list[dict[str, object]], stances: list[dict[str, object]]
) -> list[Pair]:
    """An Emergent claim against the bodies FNC-1 relates to its headlines: related."""
    related: dict[str, set[int]] = {}
    for r in stances:
        if r["stance"] != "unrelated":
            related.setdefault(norm(str(r["headline"])), set()).add(int(str(r["body_id"])))
    seen: set[tuple[str, int]] = set()
    pairs = []
    for r in emergent:
        for body_id in sorted(related.get(norm(str(r["headline"])), ())):
            if (str(r["claim_id"]), body_id) not in seen:
                seen.add((str(r["claim_id"]), body_id))
                pairs.append(
                    Pair(
                        str(r["claim"]),
                        f"fnc:{body_id}",
                        "related",
                        "emergent-claim-body",
                        f"{r['claim_id']}|{body_id}",
                    )
                )
    return pairs


def _groups(corpus: Corpus, emergent: list[dict[str, object]]) -> dict[str, str]:
    uf = _UnionFind()
    for r in emergent:
        claim = claim_key(str(r["claim"]))
        uf.union(claim, "emergent:" + str(r["claim_id"]))
        uf.union(claim, claim_key(str(r["headline"])))  # the headline as an FNC-1 claim
        uf.union(claim, f"em:{r['id']}")
    for pair in corpus.pairs:
        uf.find(claim_key(pair.claim))
        uf.find(pair.article)
        if pair.label != "unrelated":
            uf.union(claim_key(pair.claim), pair.article)
    return {key: uf.find(key) for key in list(uf.parent)}


def excluded_groups(
    corpus: Corpus, claims: Iterable[str], articles: Iterable[str] = ()
) -> set[str]:
    """Groups holding any of these claims (by text) or article keys."""
    found = {corpus.groups[k] for k in (claim_key(c) for c in claims) if k in corpus.groups}
    return found | {corpus.groups[a] for a in articles if a in corpus.groups}


def groups_with_text(corpus: Corpus, texts: Iterable[str]) -> set[str]:
    """Groups whose claim or article contains one of these texts (normalised)."""
    wanted = [norm(t) for t in texts if len(norm(t)) >= 25]
    found: set[str] = set()
    for key, body in corpus.bodies.items():
        body_norm = norm(body)
        if any(w in body_norm for w in wanted):
            found.add(corpus.groups[key])
    for pair in corpus.pairs:
        claim = norm(pair.claim)
        if any(w == claim or w in claim for w in wanted):
            found.add(corpus.claim_group(pair))
    return found


__all__ = [
    "LABELS",
    "STANCES",
    "Corpus",
    "Pair",
    "claim_key",
    "data_hashes",
    "excluded_groups",
    "groups_with_text",
    "load_corpus",
    "norm",
    "sentences_of",
]

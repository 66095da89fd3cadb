"""Hard negatives made from training claims: one name or key word swapped (-> unrelated).

FNC-1's unrelated pairs are random headline–body pairings that share few words, so a
model trained on them alone calls any article that mentions "troops" related to a claim
about troops. A claim with one name or one key word replaced by one its own article never
mentions teaches the model what a near miss looks like. Only claims of the training folds
are swapped (the caller filters by group), with names from a fixed list that shares none
with the near-miss builder's.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from api.builtin.claimmodel.data import Corpus, Pair, claim_key, norm
from api.builtin.claimmodel.text import STOP_WORDS, read

SEED = 12
_NAME = re.compile(r"(?<!^)(?<![.:?!] )\b[A-Z][a-zA-Z\-]+(?: [A-Z][a-zA-Z\-]+){0,2}")
NAMES = (
    "Argentina",
    "Portugal",
    "Kenya",
    "Indonesia",
    "Finland",
    "Peru",
    "Egypt",
    "Poland",
    "Dublin",
    "Lisbon",
    "Nairobi",
    "Osaka",
    "Melbourne",
    "Vancouver",
    "Texas",
    "Bavaria",
    "Emmanuel Macron",
    "Beyonce",
    "Cristiano Ronaldo",
    "Warren Buffett",
    "Dalai Lama",
    "Jacinda Ardern",
    "Roger Federer",
    "Greta Thunberg",
    "Shakira",
    "Keanu Reeves",
    "Samsung",
    "Volkswagen",
    "Interpol",
    "Netflix",
    "Unilever",
    "Boeing",
    "Reuters",
    "the World Bank",
    "Oxfam",
    "Siemens",
    "Nestle",
    "Spotify",
)


def swapped_pairs(
    corpus: Corpus, pairs: Sequence[Pair], kinds: Sequence[str] = ("name",)
) -> list[Pair]:
    """For each claim of `pairs` with a related body, a negative per kind ("name", "word").

    A swapped claim joins its original's group (registered in corpus.groups), so it
    never lands on the other side of a fold from the claim it was made from."""
    rng = random.Random(SEED)
    own: dict[str, Pair] = {}
    for pair in pairs:
        if pair.label != "unrelated" and pair.article.startswith("fnc:"):
            own.setdefault(pair.claim, pair)
    vocabulary = sorted({s for p in own.values() for s in read(p.claim).content_set})
    out: list[Pair] = []
    for claim, pair in sorted(own.items()):
        body = corpus.bodies[pair.article]
        made = {
            "name": _swap_name(claim, body, rng) if "name" in kinds else None,
            "word": _swap_word(claim, body, vocabulary, rng) if "word" in kinds else None,
        }
        for kind, text in made.items():
            if text is not None and norm(text) != norm(claim):
                corpus.groups.setdefault(claim_key(text), corpus.claim_group(pair))
                out.append(Pair(text, pair.article, "unrelated", "swapped", f"{kind}|{pair.ref}"))
    return out


def _swap_name(claim: str, body: str, rng: random.Random) -> str | None:
    matches = [m for m in _NAME.finditer(claim) if m.group().lower() not in STOP_WORDS]
    if not matches:
        return None
    match = rng.choice(matches)
    seen = (body + claim).lower()
    options = [n for n in NAMES if n.lower() not in seen]
    return claim[: match.start()] + rng.choice(options) + claim[match.end() :]


def _swap_word(claim: str, body: str, vocabulary: list[str], rng: random.Random) -> str | None:
    """Replace the claim's rarest-looking content word with another claim's stem."""
    words = [w for w in re.findall(r"[A-Za-z]{4,}", claim) if w.lower() not in STOP_WORDS]
    if len(words) < 3:
        return None
    target = rng.choice(words)
    have = read(body).content_set | read(claim).content_set
    options = [v for v in vocabulary if v not in have and len(v) > 3]
    if not options:
        return None
    return re.sub(rf"\b{re.escape(target)}\b", rng.choice(options), claim, count=1)


__all__ = ["NAMES", "swapped_pairs"]

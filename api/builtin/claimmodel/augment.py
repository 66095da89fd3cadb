"""Hard negatives made from training claims (-> unrelated).

FNC-1's unrelated pairs are random headline–body pairings that share few words, so a
model trained on them alone calls any article that mentions "troops" related to a claim
about troops. Two kinds of negatives teach it what a near miss looks like: the claim
against the body of another claim group that shares the most words with it, and the
claim with one name (a word the bodies write capitalised, so not a title-case headline's
"Report" or "Claims"; optionally one key word) replaced by one its own article never
mentions. Only training claims and bodies are used (the caller filters by fold), with
names from a fixed list that shares none with the near-miss builder's.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence

from api.builtin.claimmodel.data import Corpus, Pair, claim_key, norm
from api.builtin.claimmodel.features import Idf
from api.builtin.claimmodel.text import STOP_WORDS, read

SEED = 12
_NAME = re.compile(r"(?<!^)(?<![.:?!] )\b[A-Z][a-zA-Z\-]+(?: [A-Z][a-zA-Z\-]+){0,2}")
_SPAN = re.compile(r"\b[A-Z][a-zA-Z\-]+(?: [A-Z][a-zA-Z\-]+){0,2}")  # may open the claim
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
    corpus: Corpus,
    pairs: Sequence[Pair],
    kinds: Sequence[str] = ("name",),
    proper: frozenset[str] = frozenset(),
) -> list[Pair]:
    """For each claim of `pairs` with a related body, a negative per kind ("name", "word").

    `proper`: stems known as names (Idf.proper); a span holding one is swapped first,
    so a title-case headline loses a participant, not a capitalised common word.
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
            "name": _swap_name(claim, body, rng, proper) if "name" in kinds else None,
            "word": _swap_word(claim, body, vocabulary, rng) if "word" in kinds else None,
        }
        for kind, text in made.items():
            if text is not None and norm(text) != norm(claim):
                corpus.groups.setdefault(claim_key(text), corpus.claim_group(pair))
                out.append(Pair(text, pair.article, "unrelated", "swapped", f"{kind}|{pair.ref}"))
    return out


def _swap_name(
    claim: str, body: str, rng: random.Random, proper: frozenset[str] = frozenset()
) -> str | None:
    spans = [m.span() for m in _NAME.finditer(claim) if m.group().lower() not in STOP_WORDS]
    named = [s for m in _SPAN.finditer(claim) if (s := _proper_part(m, proper)) is not None]
    if named:
        spans = named
    if not spans:
        return None
    start, end = rng.choice(spans)
    seen = (body + claim).lower()
    options = [n for n in NAMES if n.lower() not in seen]
    return claim[:start] + rng.choice(options) + claim[end:]


def _proper_part(match: re.Match[str], proper: frozenset[str]) -> tuple[int, int] | None:
    """The span's words from its first to its last name ("Report Says Obama" -> "Obama")."""
    words = [w for w in re.finditer(r"\S+", match.group()) if read(w.group()).names & proper]
    if not words:
        return None
    return match.start() + words[0].start(), match.start() + words[-1].end()


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


def other_event_pairs(corpus: Corpus, pairs: Sequence[Pair], idf: Idf) -> list[Pair]:
    """Each claim against the body of another claim group that shares the most
    IDF-weighted words with it (at least two) -> unrelated: what FNC-1's random pairings
    rarely show, an article about a different event in the same words (EXPERIMENTS.md,
    runs 4-5)."""
    claims = sorted({p.claim for p in pairs if p.label != "unrelated"})
    bodies = sorted({p.article for p in pairs if p.article.startswith("fnc:")})
    words = {b: read(corpus.bodies[b]).content_set for b in bodies}
    out = []
    for claim in claims:
        group = corpus.groups[claim_key(claim)]
        wanted = {s: idf(s) for s in read(claim).content_set}
        best, best_score = None, 0.0
        for body in bodies:
            if corpus.groups[body] == group:
                continue
            shared = wanted.keys() & words[body]
            # fsum, not sum: a set's order follows the process's hash seed, and a plain
            # float sum in another order can differ in the last bit and pick another body
            # on a near tie (make train-relatedness varied between runs).
            score = math.fsum(wanted[s] for s in shared)
            if len(shared) >= 2 and score > best_score:
                best, best_score = body, score
        if best is not None:
            out.append(Pair(claim, best, "unrelated", "swapped", f"other|{claim}|{best}"))
    return out


__all__ = ["NAMES", "other_event_pairs", "swapped_pairs"]

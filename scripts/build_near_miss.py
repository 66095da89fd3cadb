"""Build the near-miss evaluation set (issue 11) from the shared FNC-1 and Emergent data.

    .venv/bin/python scripts/build_near_miss.py [--data ../shared/data]

Writes evals/datasets/near_miss.jsonl (labelled rows) and near_miss_articles.jsonl (the
articles they cite, once each). Fixed seed: the same data gives the same files.

Every claim is real (an Emergent claim or an FNC-1 headline) and comes from a held-out
set of claim groups (api.builtin.claimmodel.data groups: one Emergent claim with its
headlines and related bodies); the claim model never trains on those groups. Each claim
gives up to three rows:
- own_article: the claim against a body FNC-1 relates to it -> related (any verdict);
- other_event: the claim against the body of another held-out group (a different
  Emergent claim) that shares the most IDF-weighted words with it -> unrelated;
- swapped_entity / swapped_predicate: the claim with one named entity (spaCy NER) or its
  main verb swapped for one its own article never mentions -> unrelated.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter, defaultdict
from pathlib import Path

import spacy

from api.builtin.claimmodel.data import Corpus, Pair, load_corpus, norm
from api.builtin.claimmodel.exclusions import golden_exclusions
from api.builtin.claimmodel.features import Idf
from api.builtin.claimmodel.text import read
from api.builtin.nlp import load_pipeline

SEED = 11
N_GROUPS = 40
CLAIMS_PER_GROUP = 6
OUT_DIR = Path(__file__).resolve().parents[1] / "evals" / "datasets"
# Replacements by spaCy entity label, most reliable labels first: well-known names of the
# same kind, so a swapped claim reads like a real one. One the article mentions is never used.
ENTITIES = {
    "GPE": [
        "Brazil",
        "Canada",
        "Japan",
        "Sweden",
        "Nigeria",
        "Chile",
        "Vietnam",
        "Norway",
        "Mexico City",
        "Sydney",
        "Madrid",
        "Toronto",
    ],
    "NORP": ["Brazilian", "Canadian", "Japanese", "Swedish", "Nigerian", "Chilean", "Norwegian"],
    "PERSON": [
        "Angela Merkel",
        "Taylor Swift",
        "Elon Musk",
        "Pope Francis",
        "Lionel Messi",
        "Oprah Winfrey",
        "Bill Gates",
        "Serena Williams",
        "Justin Trudeau",
        "Tom Hanks",
    ],
    "ORG": [
        "Microsoft",
        "Toyota",
        "Greenpeace",
        "Nike",
        "FIFA",
        "IKEA",
        "NASA",
        "UNICEF",
        "Amnesty International",
    ],
    "LOC": ["Siberia", "Patagonia", "Tasmania", "Lapland"],
    "FAC": ["Heathrow Airport", "Wembley Stadium", "Central Park"],
}
_LABEL_ORDER = {label: i for i, label in enumerate(ENTITIES)}
# Replacement verbs by Penn tag: common, concrete, and rare in news about rumours.
VERBS = {
    "VBD": ["sued", "praised", "visited", "married", "hired", "bought", "thanked"],
    "VBN": ["sued", "praised", "visited", "married", "hired", "bought", "thanked"],
    "VBZ": ["sues", "praises", "visits", "marries", "hires", "buys", "thanks"],
    "VBP": ["sue", "praise", "visit", "marry", "hire", "buy", "thank"],
    "VB": ["sue", "praise", "visit", "marry", "hire", "buy", "thank"],
    "VBG": ["suing", "praising", "visiting", "marrying", "hiring", "buying", "thanking"],
}


def choose_groups(corpus: Corpus, rng: random.Random) -> list[str]:
    """Groups with an Emergent claim and an FNC-1 body, none touching a golden case."""
    excluded = golden_exclusions(corpus)
    eligible = {
        corpus.claim_group(p) for p in corpus.pairs if p.source == "emergent-claim-body"
    } - excluded
    return rng.sample(sorted(eligible), N_GROUPS)


def claims_of(corpus: Corpus, group: str, rng: random.Random) -> dict[str, list[Pair]]:
    """Claim text -> its related pairs with an FNC-1 body; the Emergent claim first."""
    related: dict[str, list[Pair]] = defaultdict(list)
    for p in corpus.pairs:
        if (
            p.article.startswith("fnc:")
            and p.label != "unrelated"
            and corpus.claim_group(p) == group
        ):
            related[p.claim].append(p)
    emergent = [c for c, ps in related.items() if ps[0].source == "emergent-claim-body"]
    headlines = sorted(c for c in related if c not in emergent)
    picked = emergent[:1] + rng.sample(headlines, min(len(headlines), CLAIMS_PER_GROUP - 1))
    return {c: related[c] for c in picked}


def other_event(
    claim: str, group: str, pool: dict[str, tuple[str, str]], idf: Idf
) -> tuple[str, list[str]] | None:
    """The body of another held-out group sharing the most weighted words (≥ 2 words)."""
    best: tuple[float, str, list[str]] | None = None
    claim_words = read(claim).content_set
    for key, (body_group, body) in sorted(pool.items()):
        if body_group == group:
            continue
        shared = sorted(claim_words & read(body).content_set)
        score = sum(idf(s) for s in shared)
        if len(shared) >= 2 and (best is None or score > best[0]):
            best = (score, key, shared)
    return (best[1], best[2]) if best else None


def swap_entity(
    doc: spacy.tokens.Doc, body: str, rng: random.Random
) -> tuple[str, str, str] | None:
    """The claim with one short proper-noun entity replaced by another of the same kind."""
    seen = (body + " " + doc.text).lower()
    for ent in sorted(_swappable(doc), key=lambda e: (_LABEL_ORDER[e.label_], e.start)):
        options = [o for o in ENTITIES[ent.label_] if o.lower() not in seen]
        if options:
            new = rng.choice(options)
            old = ent.text
            if old.endswith(("'s", "’s")):  # keep the possessive
                new, old = new + old[-2:], old
            text = doc.text[: ent.start_char] + new + doc.text[ent.end_char :]
            return text, old, new
    return None


def _swappable(doc: spacy.tokens.Doc) -> list[spacy.tokens.Span]:
    """Entities spaCy is likely right about: ≤ 3 words, proper nouns (adjectives for NORP)."""
    wanted = {"NORP": {"PROPN", "ADJ", "NOUN"}}
    return [
        ent
        for ent in doc.ents
        if ent.label_ in ENTITIES
        and len(ent) <= 3
        and all(t.pos_ in wanted.get(ent.label_, {"PROPN"}) or t.text in {"'s", "’s"} for t in ent)
    ]


def swap_predicate(
    doc: spacy.tokens.Doc, body: str, rng: random.Random
) -> tuple[str, str, str] | None:
    """The claim with its main verb replaced by one of the same form the article never uses."""
    body_stems = read(body).content_set
    for token in doc:
        if token.dep_ == "ROOT" and token.pos_ == "VERB" and token.tag_ in VERBS:
            options = [v for v in VERBS[token.tag_] if read(v).stems[0] not in body_stems]
            if options:
                new = rng.choice(options)
                text = doc.text[: token.idx] + new + doc.text[token.idx + len(token.text) :]
                return text, token.text, new
    return None


def build(corpus: Corpus) -> tuple[list[dict[str, object]], dict[int, str]]:
    rng = random.Random(SEED)
    nlp = load_pipeline()
    groups = choose_groups(corpus, rng)
    idf = Idf.fit([read(b).content_set for b in corpus.bodies.values()])
    picked = {g: claims_of(corpus, g, rng) for g in groups}
    docs = {c: nlp(c) for g in groups for c in picked[g]}
    pool = {
        p.article: (g, corpus.bodies[p.article])
        for g in groups
        for ps in picked[g].values()
        for p in ps
    }
    rows: list[dict[str, object]] = []
    for group in groups:
        for claim, related in picked[group].items():
            own = rng.choice(related)
            rows += claim_rows(claim, own, group, docs[claim], corpus, pool, idf, rng)
    articles = {int(str(r["body_id"])): corpus.bodies[_key(int(str(r["body_id"])))] for r in rows}
    for n, row in enumerate(rows, 1):
        row["id"] = f"nm-{n:04d}"
    return rows, dict(sorted(articles.items()))


def _key(body_id: int) -> str:
    return f"fnc:{body_id}"


def _article_id(key: str) -> int:
    return int(key.split(":")[1])


def claim_rows(
    claim: str,
    own: Pair,
    group: str,
    doc: spacy.tokens.Doc,
    corpus: Corpus,
    pool: dict[str, tuple[str, str]],
    idf: Idf,
    rng: random.Random,
) -> list[dict[str, object]]:
    source = "emergent-claim" if own.source == "emergent-claim-body" else "fnc1-headline"
    base = {"claim_source": source, "group": group_id(corpus, own)}
    body = corpus.bodies[own.article]
    rows: list[dict[str, object]] = [
        {
            "claim": claim,
            "body_id": _article_id(own.article),
            "label": "related",
            "kind": "own_article",
            "fnc1_stance": own.label if own.source == "fnc1" else None,
            **base,
        }
    ]
    other = other_event(claim, group, pool, idf)
    if other is not None:
        rows.append(
            {
                "claim": claim,
                "body_id": _article_id(other[0]),
                "label": "unrelated",
                "kind": "other_event",
                "shared_words": other[1],
                **base,
            }
        )
    swap = swap_entity(doc, body, rng)
    kind = "swapped_entity"
    if swap is None:
        swap, kind = swap_predicate(doc, body, rng), "swapped_predicate"
    if swap is not None:
        rows.append(
            {
                "claim": swap[0],
                "body_id": _article_id(own.article),
                "label": "unrelated",
                "kind": kind,
                "original_claim": claim,
                "swap": [swap[1], swap[2]],
                **base,
            }
        )
    return rows


def group_id(corpus: Corpus, pair: Pair) -> str:
    """A readable, stable name for the group: its Emergent claim_id when it has one."""
    group = corpus.claim_group(pair)
    ids = sorted(
        k.split(":", 1)[1]
        for k, g in corpus.groups.items()
        if g == group and k.startswith("emergent:")
    )
    return "emergent:" + ids[0] if ids else group


def fnc1_heldout(
    corpus: Corpus, rows: list[dict[str, object]], articles: dict[int, str]
) -> list[dict[str, object]]:
    """FNC-1 pairs whose headline is in a held-out group and whose body is in the set:
    an FNC-1 test sample the claim model never trained on (same groups as the near misses)."""
    groups = {
        corpus.groups.get("claim:" + norm(str(r["claim"])))
        for r in rows
        if r["kind"] != "swapped_entity"
    }
    return [
        {"headline": p.claim, "body_id": int(p.article.split(":")[1]), "stance": p.label}
        for p in corpus.pairs
        if p.source == "fnc1"
        and corpus.claim_group(p) in groups
        and int(p.article.split(":")[1]) in articles
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
    )
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args()
    corpus = load_corpus(args.data)
    rows, articles = build(corpus)
    with (args.out / "near_miss.jsonl").open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps({"id": row.pop("id"), **row}, ensure_ascii=False) + "\n")
    with (args.out / "near_miss_articles.jsonl").open("w", encoding="utf-8") as handle:
        for article_id, body in articles.items():
            handle.write(
                json.dumps({"body_id": article_id, "body": body}, ensure_ascii=False) + "\n"
            )
    heldout = fnc1_heldout(corpus, rows, articles)
    with (args.out / "fnc1_heldout.jsonl").open("w", encoding="utf-8") as handle:
        for row in heldout:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    kinds: dict[str, int] = defaultdict(int)
    for row in rows:
        kinds[str(row["kind"])] += 1
    claims = {norm(str(r["claim"])) for r in rows if not str(r["kind"]).startswith("swapped")}
    print(f"{len(rows)} rows, {len(claims)} real claims, {len(articles)} articles: {dict(kinds)}")
    print(
        f"{len(heldout)} held-out FNC-1 pairs: {dict(Counter(str(r['stance']) for r in heldout))}"
    )


if __name__ == "__main__":
    main()

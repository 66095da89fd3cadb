"""What the claim model never trains on: golden-case claims and the near-miss set.

Golden cases 02–08 are Emergent rows (the description names each row id); every case's
caller claims and article text are matched against the shared data too, so a golden
claim that also occurs as an FNC-1 headline, or a golden sentence inside an FNC-1 body,
takes its whole claim group out of training. The near-miss set (evals/datasets) names
its groups and articles; those go as well.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from api.builtin.claimmodel.data import Corpus, excluded_groups, groups_with_text, sentences_of

REPO = Path(__file__).resolve().parents[3]
CASES_DIR = REPO / "evals" / "cases"
NEAR_MISS = REPO / "evals" / "datasets" / "near_miss.jsonl"
_ROW_ID = re.compile(r"Row ([0-9a-f]{8}-[0-9a-f-]{27})")


@dataclass
class Exclusions:
    golden: set[str] = field(default_factory=set)
    near_miss: set[str] = field(default_factory=set)
    golden_sources: list[str] = field(default_factory=list)  # for the model card

    @property
    def groups(self) -> set[str]:
        return self.golden | self.near_miss


def golden_texts(cases_dir: Path = CASES_DIR) -> tuple[list[str], list[str], list[str]]:
    """(caller claims and one-line articles, longer article sentences, Emergent row ids)."""
    claims: list[str] = []
    sentences: list[str] = []
    rows: list[str] = []
    for path in sorted(cases_dir.glob("*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        claims += list((case.get("request") or {}).get("claims") or [])
        article = case.get("article") or (cases_dir / case["article_file"]).read_text(
            encoding="utf-8"
        )
        parts = sentences_of(article)
        (claims if len(parts) <= 2 else sentences).extend(
            [article, *parts] if len(parts) <= 2 else parts
        )
        rows += _ROW_ID.findall(str(case.get("description", "")))
    return claims, sentences, rows


def golden_exclusions(corpus: Corpus, cases_dir: Path = CASES_DIR) -> set[str]:
    claims, sentences, rows = golden_texts(cases_dir)
    groups = excluded_groups(corpus, claims, [f"em:{r}" for r in rows])
    return groups | groups_with_text(corpus, claims + sentences)


def near_miss_exclusions(corpus: Corpus, path: Path = NEAR_MISS) -> set[str]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    claims = [r.get("original_claim") or r["claim"] for r in rows]
    articles = [f"fnc:{r['body_id']}" for r in rows]
    return excluded_groups(corpus, claims, articles)


def all_exclusions(
    corpus: Corpus, cases_dir: Path = CASES_DIR, near_miss: Path = NEAR_MISS
) -> Exclusions:
    found = Exclusions(golden=golden_exclusions(corpus, cases_dir))
    if near_miss.exists():
        found.near_miss = near_miss_exclusions(corpus, near_miss)
    found.golden_sources = sorted(p.stem for p in cases_dir.glob("*.yaml"))
    return found


__all__ = [
    "Exclusions",
    "all_exclusions",
    "golden_exclusions",
    "golden_texts",
    "near_miss_exclusions",
]

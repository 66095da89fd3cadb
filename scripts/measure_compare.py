"""How well `POST /v1/compare` lines up one story across outlets (issue 17), on FNC-1.

    STANCEWIRE_ENGINE_PROCESSES=0 .venv/bin/python scripts/measure_compare.py \
        --stories 40 --auto 10 --out /tmp/compare.json

Stories: the held-out FNC-1 headlines (evals/datasets/fnc1_heldout.jsonl: claim groups the
claim model never trains on) with 3 or 4 related bodies (agree / disagree / discuss), in
headline order. For each, the bodies are compared with the headline as the claim; each
body's verdict (confirmed/denied/unconfirmed-or-disputed/not_mentioned, mapped as the FNC-1
adapter maps them) is checked against its FNC-1 label. `--auto N` also compares the first N
stories with no claim given, and writes each cross-article match (a claim found in body i
that the claim model says body j mentions) with its evidence, for checking by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.compare import compare  # noqa: E402
from api.compose import make_analyzer  # noqa: E402
from api.config import Settings  # noqa: E402
from api.pipeline.analyze import Analyzer  # noqa: E402
from evals.datasets.fnc1 import STANCE_OF_STATUS, Fnc1Row, load_fnc1  # noqa: E402
from schemas.compare import CompareArticle, CompareRequest  # noqa: E402


def stories(rows: list[Fnc1Row]) -> list[tuple[str, list[Fnc1Row]]]:
    related: dict[str, list[Fnc1Row]] = defaultdict(list)
    for row in rows:
        if row.stance != "unrelated":
            related[row.headline].append(row)
    return [(h, related[h]) for h in sorted(related) if 3 <= len(related[h]) <= 4]


async def verdicts(analyzer: Analyzer, picked: list, bodies: dict[int, str]) -> dict:
    pairs, per_story = [], []
    for headline, rows in picked:
        articles = [CompareArticle(text=bodies[r.body_id]) for r in rows]
        result = await compare(analyzer, CompareRequest(articles=articles, claims=[headline]), None)
        got = [STANCE_OF_STATUS[c.status] for c in result.rows[0].cells]
        pairs += [(r.stance, g) for r, g in zip(rows, got, strict=True)]
        per_story.append(all(r.stance == g for r, g in zip(rows, got, strict=True)))
    right = sum(gold == got for gold, got in pairs)
    return {
        "stories": len(picked),
        "bodies": len(pairs),
        "verdict_matches_label": right / len(pairs),
        "stories_all_bodies_right": sum(per_story) / len(per_story),
        "said_not_mentioned": sum(got == "unrelated" for _, got in pairs) / len(pairs),
        "confusion": {f"{g}->{p}": n for (g, p), n in sorted(Counter(pairs).items())},
        "always_discuss": sum(g == "discuss" for g, _ in pairs) / len(pairs),
    }


async def matches(analyzer: Analyzer, picked: list, bodies: dict[int, str]) -> list[dict]:
    found = []
    for headline, rows in picked:
        articles = [CompareArticle(text=bodies[r.body_id]) for r in rows]
        result = await compare(analyzer, CompareRequest(articles=articles), None)
        for row in result.rows:
            for j, cell in enumerate(row.cells):
                if j != row.found_in and cell.status != "not_mentioned":
                    found.append(
                        {"story": headline, "claim": row.claim, "in_body": rows[j].body_id,
                         "status": cell.status, "evidence": cell.quotes[:2]}
                    )  # fmt: skip
    return found


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stories", type=int, default=40)
    parser.add_argument("--auto", type=int, default=10)
    parser.add_argument("--out", type=Path, default=Path("/tmp/compare.json"))
    args = parser.parse_args()
    rows, bodies = load_fnc1()
    picked = stories(rows)
    analyzer = make_analyzer(Settings(_env_file=None, cache_size=0))
    report = {"available_stories": len(picked)}
    report["verdicts"] = await verdicts(analyzer, picked[: args.stories], bodies)
    print(json.dumps(report, indent=2), flush=True)
    report["matches"] = await matches(analyzer, picked[: args.auto], bodies)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"{len(report['matches'])} cross-article matches written to {args.out}")


if __name__ == "__main__":
    asyncio.run(main())

"""Article preparation gives exactly the same PreparedArticle on every shared-data text.

Every string field over 40 characters of every shared-data JSONL file, the seed article and
the golden cases' articles are prepared; sentences (number, offsets, text, clean copy),
skipped ranges and their reasons, and the headline are written per text to a JSON file
(`--save`), or compared with one written before (`--compare`): run it with `--save` before
a change to article preparation and with `--compare` after (issue 18).

Run: .venv/bin/python scripts/check_prepared_same.py --data DATA --save /tmp/before.json
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.pipeline.article import prepare_article  # noqa: E402

MIN_CHARS = 40


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if len(value) > MIN_CHARS:
            yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def texts(data: Path) -> list[str]:
    found: dict[str, None] = {}  # distinct, in a stable order
    for path in sorted(data.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.update(dict.fromkeys(_strings(json.loads(line))))
    for path in [*sorted(data.glob("*.txt")), *sorted((ROOT / "evals" / "cases").rglob("*.*"))]:
        raw = path.read_text(encoding="utf-8")
        loaded = yaml.safe_load(raw) if path.suffix in {".yaml", ".yml"} else raw
        found.update(dict.fromkeys(_strings(loaded)))
    return list(found)


def describe(text: str) -> dict[str, Any]:
    article = prepare_article(text)
    headline = article.headline_sentence
    return {
        "sentences": [[s.number, s.start, s.end, s.text, s.clean] for s in article.sentences],
        "skipped": [list(r) for r in article.skipped],
        "reasons": article.skip_reasons,
        "headline": headline.number if headline else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path)
    group.add_argument("--compare", type=Path)
    args = parser.parse_args()
    every = texts(args.data)
    described = [describe(text) for text in every]
    if args.save:
        args.save.write_text(json.dumps(described), encoding="utf-8")
        print(f"{len(every)} texts prepared, written to {args.save}")
        return 0
    before = json.loads(args.compare.read_text(encoding="utf-8"))
    if len(before) != len(described):
        print(f"{len(before)} texts before, {len(described)} now: not the same texts")
        return 1
    differ = [i for i, (a, b) in enumerate(zip(before, described, strict=True)) if a != b]
    for i in differ[:10]:
        print(f"differs: text {i}: {every[i][:80]!r}")
    print(f"{len(every)} texts, {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())

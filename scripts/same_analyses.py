"""Do two eval runs hold the same analyses, apart from ids, latency and timestamps?

    python scripts/same_analyses.py evals/runs/builtin-rules-en.json /tmp/run.json

A refactoring must leave every analysis of the golden cases unchanged: `eval compare` shows
scores, this shows the answers themselves. Exit status 1 names the cases that differ.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

# Fields that differ on every run by design.
VOLATILE = frozenset({"id", "latency_ms", "request_id", "engine_build"})


def _stable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def differing_cases(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    after_cases = {case["case_id"]: case for case in after["cases"]}
    differ = []
    for case in before["cases"]:
        other = after_cases.get(case["case_id"])
        mine = [_stable(t.get("analysis")) for t in case["trials"]]
        theirs = [_stable(t.get("analysis")) for t in other["trials"]] if other else None
        if mine != theirs:
            differ.append(case["case_id"])
    return differ


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    before, after = (json.loads(Path(p).read_text(encoding="utf-8")) for p in argv)
    differ = differing_cases(before, after)
    total = len(before["cases"])
    print(f"{total - len(differ)} of {total} cases have the same analyses")
    for case_id in differ:
        print(f"  differs: {case_id}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Editor feedback as candidate golden cases (the evals/cases YAML format), one file per
stored analysis with feedback: the article and request as stored, and one expectation per
finding an editor marked wrong, saying what it should have been. A person reviews each file
(licence, wording of the keywords) before it joins evals/cases/.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, get_args

import yaml

from api.storage import FeedbackRecord, Store
from schemas.llm import CallerClaimStatus, ClaimStatus, StanceLabel

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{3,}")
_COMMON = {"that", "this", "with", "have", "from", "were", "said", "will", "would", "been"}


def export_cases(store: Store, out: Path) -> list[Path]:
    """Write one case per analysis that has feedback; returns the files written."""
    by_analysis: dict[str, list[FeedbackRecord]] = defaultdict(list)
    for record in store.list_feedback():
        by_analysis[record.analysis_id].append(record)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for analysis_id, records in sorted(by_analysis.items()):
        stored = store.get_analysis(analysis_id)
        if stored is None:  # deleted or past retention: nothing left to build a case from
            continue
        case = candidate_case(
            analysis_id, json.loads(stored.analysis_json), json.loads(stored.request_json), records
        )
        path = out / f"{case['id']}.yaml"
        path.write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True))
        written.append(path)
    return written


def candidate_case(
    analysis_id: str,
    analysis: dict[str, Any],
    request: dict[str, Any],
    records: list[FeedbackRecord],
) -> dict[str, Any]:
    expect: dict[str, Any] = defaultdict(list)
    notes = []
    for record in records:
        if not _expect(record, analysis, expect):
            notes.append(f"{record.finding}: {record.problem}")
        if record.note:
            notes.append(f"{record.finding}: {record.note}")
    case_request = {k: request[k] for k in ("title", "claims", "actors") if request.get(k)}
    return {
        "id": f"feedback-{analysis_id[:12]}",
        "description": "Editor feedback on stored analysis "
        + analysis_id
        + (". " + " | ".join(notes) if notes else "."),
        "source": f"editor feedback on stored analysis {analysis_id}",
        "licence": "unknown: check the article's licence before adding it to evals/cases",
        "tags": ["feedback", "candidate"],
        "article": request["text"],
        **({"request": case_request} if case_request else {}),
        "expect": dict(expect),
    }


def _expect(record: FeedbackRecord, analysis: dict[str, Any], expect: dict[str, Any]) -> bool:
    """Add the expectation a feedback record implies; False when it implies none."""
    kind, _, ref = record.finding.partition("/")
    wanted = (record.expected or "").strip()
    actors = {a["id"]: a["name"] for a in analysis.get("actors", [])}
    if kind == "actors" and record.problem == "not_an_actor" and ref in actors:
        expect["forbidden_actors"].append(actors[ref])
    elif kind == "actors" and record.problem == "missing" and wanted:
        expect["actors"].append({"name": wanted})
    elif kind == "claims" and record.problem == "wrong_status":
        return _claim(analysis, ref, wanted, expect)
    elif kind == "stances" and record.problem == "wrong_stance" and ref.isdigit():
        return _stance(analysis, int(ref), actors, wanted, expect)
    else:
        return False
    return True


def _claim(analysis: dict[str, Any], ref: str, wanted: str, expect: dict[str, Any]) -> bool:
    claim = next((c for c in analysis.get("claims", []) if c["id"] == ref), None)
    if claim is None:
        return False
    if claim.get("source") == "caller" and wanted in get_args(CallerClaimStatus) + get_args(
        ClaimStatus
    ):
        expect["caller_claims"].append({"index": int(ref.lstrip("Q")), "status": [wanted]})
        return True
    if wanted not in get_args(ClaimStatus):
        return False
    groups = [[word] for word in keywords(claim["text"], 3)]
    expect["claims"].append({"keywords": groups, "status": [wanted]})
    return groups != []


def _stance(
    analysis: dict[str, Any],
    index: int,
    actors: dict[str, str],
    wanted: str,
    expect: dict[str, Any],
) -> bool:
    stances = analysis.get("stances", [])
    if index >= len(stances) or wanted not in get_args(StanceLabel):
        return False
    stance = stances[index]
    name, target = actors.get(stance["actor"]), keywords(stance["target"], 2)
    if name is None or not target:
        return False
    if all(a["name"] != name for a in expect["actors"]):
        expect["actors"].append({"name": name})
    expect["stances"].append({"actor": name, "target": target, "stance": [wanted]})
    return True


def keywords(text: str, limit: int) -> list[str]:
    """The most telling words of a text: names first, then the longest words."""
    words = list(dict.fromkeys(w for w in _WORD.findall(text) if w.lower() not in _COMMON))
    ranked = sorted(words, key=lambda w: (not w[0].isupper(), -len(w)))
    return ranked[:limit]

"""Every corpus-wide number of issue 13 (reading quality), on the shared data.

    .venv/bin/python scripts/measure_reading.py --data /work/shared/data --out /tmp/reading.json

Corpora: the 1,683 FNC-1 bodies, the 100 CNN/DailyMail articles (with their human
highlights) and the 2,071 Emergent headlines; non-English text from the example sentences
spaCy ships for each language (`spacy.lang.<code>.examples`). `--actors N` limits the
(slow) full analysis to the first N FNC-1 bodies; the other numbers always use everything.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import random
import re
import statistics
import sys
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from syntok import segmenter  # noqa: E402

from api.builtin.engine import analyse  # noqa: E402
from api.builtin.language import looks_english  # noqa: E402
from api.builtin.summary import summarise  # noqa: E402
from api.model_ref import BUILTIN_MODEL  # noqa: E402
from api.pipeline.article import clean_sentence, prepare_article  # noqa: E402
from api.pipeline.boilerplate import match  # noqa: E402
from api.pipeline.engine import AnalysisJob  # noqa: E402
from schemas.llm import AnalysisContract  # noqa: E402

TITLE_END = re.compile(r"(?:^|[\s(\"“])(?:Rep|Sen|Gov|Pres|Gen|Lt|Dr|St|Mr|Ms|Mrs|Jr)\.$")
# Actor names that can only come from credits, captions or bylines.
# "reporting" and "USA Today Sports" alone are no credit ("the reporting agency", "according
# to USA Today Sports"); "Reporting by X" and "Brian Fluharty USA TODAY Sports" are.
JUNK_NAME = re.compile(
    r"[\[\]|@]|\b(?:getty|photo|image|pictured|credit|editing|reporting by|cen|swns)\b|"
    r"\w\s+usa today sports\b",
    re.IGNORECASE,
)
HONORIFIC_ROLE = re.compile(
    r"^(?:mr|mrs|ms|miss|dr|sir|dame|the|[a-z])\.?$|^(?:his|her|their|its|my|our)\b|['’]s?$",
    re.IGNORECASE,
)
# US states and cities the NER takes for countries (a sample for the metric, not a gazetteer).
US_PLACES = frozenset(
    [
        *"california texas florida illinois ohio michigan virginia arizona massachusetts "
        "missouri colorado oregon nevada utah iowa kansas alabama louisiana kentucky "
        "tennessee indiana wisconsin minnesota maryland pennsylvania chicago boston houston "
        "philadelphia seattle miami atlanta dallas".split(),
        *["new york", "new jersey", "north carolina", "south carolina", "los angeles"],
        *["north dakota", "south dakota"],
    ]
)


def read_jsonl(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def raw_sentences(text: str) -> list[str]:
    """syntok alone, line by line: the split before any skipping or merging."""
    found = []
    for line in text.splitlines():
        for paragraph in segmenter.analyze(line):
            for sentence in paragraph:
                tokens = list(sentence)
                if tokens:
                    start, end = tokens[0].offset, tokens[-1].offset + len(tokens[-1].value)
                    if line[start:end].strip():
                        found.append(line[start:end].strip())
    return found


def title_ends(texts: Iterable[str]) -> dict[str, object]:
    total, ending, examples = 0, 0, []
    for text in texts:
        for sentence in prepare_article(text).sentences:
            total += 1
            if TITLE_END.search(sentence.text):
                ending += 1
                if len(examples) < 5:
                    examples.append(sentence.text[-60:])
    return {"sentences": total, "ending_in_title": ending, "examples": examples}


def summary_junk(texts: Iterable[str]) -> dict[str, object]:
    """Summaries holding a line that a boilerplate pattern matches in the raw split."""
    summaries, with_junk, lines, examples = 0, 0, 0, []
    for text in texts:
        summary = summarise(prepare_article(text))[1]
        if not summary:
            continue
        summaries += 1
        junk = [c for s in raw_sentences(text) if match(s) and (c := clean_sentence(s)) in summary]
        junk = [j for j in junk if len(j) > 3]  # "." or "|" also occur inside real sentences
        lines += len(junk)
        with_junk += bool(junk)
        if junk and len(examples) < 5:
            examples.append(junk[0][:100])
    return {"summaries": summaries, "with_junk": with_junk, "junk_lines": lines,
            "examples": examples}  # fmt: skip


def _bootstrap(diffs: list[float], rounds: int = 2000) -> tuple[float, float]:
    rng = random.Random(0)
    means = sorted(statistics.fmean(rng.choices(diffs, k=len(diffs))) for _ in range(rounds))
    return means[int(0.025 * rounds)], means[int(0.975 * rounds) - 1]


def rouge(rows: list[dict[str, object]]) -> dict[str, object]:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    ours, lead, raw_lead, same = [], [], [], 0
    for row in rows:
        article, reference = str(row["article"]), str(row["highlights"])
        prepared = prepare_article(article)
        summary = summarise(prepared)[1]
        lead3 = " ".join(s.clean for s in prepared.sentences[:3])
        raw3 = " ".join(clean_sentence(s) for s in raw_sentences(article)[:3])
        same += summary == lead3
        ours.append(scorer.score(reference, summary))
        lead.append(scorer.score(reference, lead3))
        raw_lead.append(scorer.score(reference, raw3))
    result: dict[str, object] = {"articles": len(rows), "summary_is_lead3": same}
    for key in ("rouge1", "rouge2", "rougeL"):
        mine = [s[key].fmeasure * 100 for s in ours]
        base = [s[key].fmeasure * 100 for s in lead]
        raw = [s[key].fmeasure * 100 for s in raw_lead]
        low, high = _bootstrap([a - b for a, b in zip(mine, base, strict=True)])
        result[key] = {
            "stancewire": round(statistics.fmean(mine), 2),
            "lead3": round(statistics.fmean(base), 2),
            "lead3_raw_split": round(statistics.fmean(raw), 2),
            "diff_ci95": [round(low, 2), round(high, 2)],
        }
    return result


def foreign_samples() -> dict[str, list[str]]:
    """spaCy's example sentences for every language but English (and the mixed `xx`)."""
    import spacy.lang

    samples = {}
    for module in pkgutil.iter_modules(spacy.lang.__path__):
        if module.name in {"en", "xx"}:
            continue
        try:
            examples = importlib.import_module(f"spacy.lang.{module.name}.examples")
        except ImportError:
            continue
        samples[module.name] = list(examples.sentences)
    return samples


def language(headlines: list[str], bodies: list[str]) -> dict[str, object]:
    flagged = [h for h in headlines if not looks_english(h)]
    samples = foreign_samples()
    detected = {code: sum(not looks_english(s) for s in texts) for code, texts in samples.items()}
    total = sum(len(t) for t in samples.values())
    missed = [code for code, n in detected.items() if n < len(samples[code])]
    return {
        "emergent_headlines": len(headlines),
        "emergent_flagged": len(flagged),
        "emergent_flagged_examples": flagged[:5],
        "fnc1_bodies_flagged": sum(not looks_english(b) for b in bodies),
        "foreign_sentences": total,
        "foreign_detected": sum(detected.values()),
        "foreign_languages": len(samples),
        "languages_not_fully_detected": missed,
    }


def _surname(name: str) -> str:
    parts = name.split()
    return parts[-1].lower() if parts else ""


def duplicate_pairs(contract: AnalysisContract) -> list[tuple[str, str]]:
    """Two actors of one kind whose names share a surname or where one contains the other."""
    pairs = []
    actors = contract.actors
    for i, a in enumerate(actors):
        for b in actors[i + 1 :]:
            if a.kind != b.kind:
                continue
            wa, wb = set(a.name.lower().split()), set(b.name.lower().split())
            person_surname = a.kind == "person" and _surname(a.name) == _surname(b.name)
            if person_surname or wa <= wb or wb <= wa:
                pairs.append((a.name, b.name))
    return pairs


def _from_boilerplate_only(name: str, text: str) -> bool:
    """Every occurrence of the name is inside a line a boilerplate pattern matches."""
    sentences = raw_sentences(text)
    holding = [s for s in sentences if name.lower() in s.lower()]
    return bool(holding) and all(match(s) for s in holding)


def _target_words(target: str) -> int:
    return len(target.split())


def actors(texts: list[str]) -> dict[str, object]:
    counts = dict.fromkeys(
        ["articles", "actors", "junk_actors", "duplicate_pairs", "articles_with_duplicates",
         "bad_roles", "roles", "us_place_as_country", "stances", "long_targets",
         "contradictory_pairs", "articles_without_stance", "actor_targets", "crashes"],
        0,
    )  # fmt: skip
    examples: dict[str, list[str]] = {
        k: [] for k in ("junk", "duplicates", "roles", "targets", "actor_targets", "crashes")
    }
    details: dict[str, list[object]] = {"junk": [], "duplicates": [], "without_stance": []}
    started = time.perf_counter()
    for number, text in enumerate(texts):
        job = AnalysisJob(
            article=prepare_article(text), model=BUILTIN_MODEL,
            tasks=("actors", "stances", "claims"),
        )  # fmt: skip
        try:
            contract, _ = analyse(job)
        except Exception as exc:  # the "before" engine crashed on some bodies: count them
            counts["crashes"] += 1
            _note(examples["crashes"], f"{type(exc).__name__}: {exc}"[:120])
            continue
        counts["articles"] += 1
        counts["actors"] += len(contract.actors)
        for actor in contract.actors:
            if JUNK_NAME.search(actor.name) or _from_boilerplate_only(actor.name, text):
                counts["junk_actors"] += 1
                _note(examples["junk"], actor.name)
                details["junk"].append([number, actor.name])
            if actor.role:
                counts["roles"] += 1
                if HONORIFIC_ROLE.search(actor.role.strip()):
                    counts["bad_roles"] += 1
                    _note(examples["roles"], f"{actor.name}: {actor.role}")
            if actor.kind == "country" and actor.name.lower() in US_PLACES:
                counts["us_place_as_country"] += 1
        pairs = duplicate_pairs(contract)
        counts["duplicate_pairs"] += len(pairs)
        counts["articles_with_duplicates"] += bool(pairs)
        for pair in pairs[:1]:
            _note(examples["duplicates"], " / ".join(pair))
        details["duplicates"].extend([number, *pair] for pair in pairs)
        details["without_stance"].extend([number] if not contract.stances else [])
        _count_stances(contract, counts, examples)
    counts["seconds"] = round(time.perf_counter() - started, 1)
    result: dict[str, object] = dict(counts)
    result["duplicate_rate"] = round(counts["duplicate_pairs"] / max(1, counts["actors"]), 4)
    result["examples"] = examples
    result["details"] = details  # article numbers: FNC-1 bodies first, then CNN/DailyMail
    return result


def _count_stances(
    contract: AnalysisContract, counts: dict[str, int], examples: dict[str, list[str]]
) -> None:
    notes = examples["targets"]
    counts["stances"] += len(contract.stances)
    names = {a.id: a.name for a in contract.actors}
    for stance in contract.stances:
        if stance.target in names:  # contract v2: an actor id as the target
            counts["actor_targets"] += 1
            _note(examples["actor_targets"], f"{names[stance.actor]} {stance.stance} "
                  f"{names[stance.target]}")  # fmt: skip
    counts["articles_without_stance"] += not contract.stances
    claims = {c.id for c in contract.claims}
    labels: dict[tuple[str, str], set[str]] = {}
    for stance in contract.stances:
        if stance.target not in claims and _target_words(stance.target) > 6:
            counts["long_targets"] += 1
            _note(notes, stance.target)
        labels.setdefault((stance.actor, stance.target.lower()), set()).add(stance.stance)
    counts["contradictory_pairs"] += sum({"support", "oppose"} <= s for s in labels.values())


def _note(notes: list[str], text: str) -> None:
    if len(notes) < 8 and text not in notes:
        notes.append(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    parser.add_argument("--actors", type=int, default=None, help="FNC-1 bodies to analyse")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--only", choices=["actors"], default=None, help="only the (slow) actor numbers"
    )
    parser.add_argument(
        "--pick", default=None, help="with --only actors: article numbers, e.g. 55,1607"
    )
    args = parser.parse_args()
    bodies = [str(r["body"]) for r in read_jsonl(args.data / "fnc1_train_bodies.jsonl")]
    cnndm = read_jsonl(args.data / "cnndm_sample100.jsonl")
    articles = [str(r["article"]) for r in cnndm]
    headlines = [str(r["headline"]) for r in read_jsonl(args.data / "emergent_train.jsonl")]
    if args.only == "actors":
        texts = [*bodies[: args.actors], *articles]
        if args.pick:  # re-check a few articles of a full run (numbers as in its details)
            texts = [texts[int(n)] for n in args.pick.split(",")]
        report: dict[str, object] = {"actors": actors(texts)}
        _write(report, args.out)
        return
    report = {
        "title_ends": title_ends([*bodies, *articles, *headlines]),
        "summary_junk": summary_junk([*bodies, *articles]),
        "rouge_cnndm": rouge(cnndm),
        "language": language(headlines, bodies),
        "actors": actors([*bodies[: args.actors], *articles]),
    }
    _write(report, args.out)


def _write(report: dict[str, object], out: Path | None) -> None:
    """Everything to `out`; the console gets it without the per-article details."""
    text = json.dumps(report, indent=1, ensure_ascii=False)
    if out:
        out.write_text(text + "\n", encoding="utf-8")
    shown = json.loads(text)
    shown.get("actors", {}).pop("details", None)
    print(json.dumps(shown, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()

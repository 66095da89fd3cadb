"""Record the committed claim model's answers on the probe set (run after `make train`).

    .venv/bin/python -m tests.claimmodel.build_probes

The probes are the seed article with the caller claims of issue 11, and the first rows of
each kind of the near-miss set; test_probes.py checks the artifact still gives exactly
these answers (predictions, not pickle bytes).
"""

from __future__ import annotations

import json
from pathlib import Path

from api.builtin.claimmodel import load_claim_model
from api.pipeline.article import prepare_article
from evals.datasets.near_miss import load_articles, load_rows

HERE = Path(__file__).parent
PROBES = HERE / "probes.json"
SEED = HERE.parents[1] / "evals" / "cases" / "articles" / "seed_article.txt"
SEED_CLAIMS = [
    "China sent troops to Ukraine",
    "NATO declared war on North Korea",
    "Russia denied the reports",
    "North Korea sent troops to Russia",
]


def probe_inputs() -> list[tuple[str, list[str]]]:
    seed = [s.text for s in prepare_article(SEED.read_text(encoding="utf-8")).sentences]
    inputs = [(claim, seed) for claim in SEED_CLAIMS]
    articles = load_articles()
    kinds: dict[str, int] = {}
    for row in load_rows():
        if kinds.get(row.kind, 0) < 3:
            kinds[row.kind] = kinds.get(row.kind, 0) + 1
            body = articles[row.body_id]
            inputs.append((row.claim, [s.text for s in prepare_article(body).sentences]))
    return inputs


def main() -> None:
    model = load_claim_model()
    probes = []
    for claim, sentences in probe_inputs():
        result = model.assess(claim, sentences)
        probes.append({
            "claim": claim,
            "verdict": result.verdict,
            "related": result.related,
            "stance": result.stance,
            "evidence": result.evidence,
            "speech_acts": [result.sentences[i].speech_act for i in result.evidence],
        })  # fmt: skip
    payload = {"model_version": model.version, "probes": probes}
    PROBES.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    print(f"{len(probes)} probes for {model.version}")


if __name__ == "__main__":
    main()

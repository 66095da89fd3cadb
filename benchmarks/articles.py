"""The articles a benchmark rotates: real news text from the shared data.

FNC-1 bodies and CNN/DailyMail articles (see the shared data's README). When the shared
folder is absent (a clone without it), the golden cases' own articles stand in, so the
smoke run never depends on files outside the repository.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA_ENV = "STANCEWIRE_BENCH_DATA"
# Next to a checkout (CI: shared/ beside the clone; a worktree: two levels up).
_CANDIDATES = [ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data"]
_SOURCES = {"fnc1_train_bodies.jsonl": "body", "cnndm_sample100.jsonl": "article"}
CASES = ROOT / "evals" / "cases"
MIN_CHARS = 200  # shorter bodies are captions or stubs, not articles
MAX_CHARS = 100_000  # the service's default STANCEWIRE_MAX_TEXT_CHARS


def data_dir(explicit: Path | None = None) -> Path | None:
    """--data, else $STANCEWIRE_BENCH_DATA, else the shared folder next to the checkout."""
    if explicit is not None:
        return explicit
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV])
    return next((c for c in _CANDIDATES if (c / "fnc1_train_bodies.jsonl").is_file()), None)


def _usable(text: str) -> bool:
    """Long enough, not too long, with a sentence to analyse, and read in one model call.
    A body that is only a credit line (two in FNC-1) is a correct 422 from stancewire, which
    the benchmark would count as a failed answer; an article with more sentences than one
    call takes (one in the shared data, 235 sentences) is split into parts, several model
    calls where a forwarder makes one — the benchmark compares one call per article."""
    from api.config import Settings  # the service's own preparation and default limit
    from api.pipeline.article import prepare_article

    if not MIN_CHARS <= len(text.strip()) <= MAX_CHARS:
        return False
    sentences = len(prepare_article(text).sentences)
    one_call: int = Settings.model_fields["max_llm_sentences"].default
    return 0 < sentences <= one_call


def shared_articles(folder: Path) -> list[str]:
    """Every distinct usable article of the shared data, in file order."""
    seen: dict[str, None] = {}
    for name, field in _SOURCES.items():
        path = folder / name
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line).get(field) or ""
            if _usable(text):
                seen.setdefault(text, None)
    return list(seen)


def bundled_articles() -> list[str]:
    """The golden cases' articles (inline, or in the file a case names)."""
    articles = []
    for path in sorted(CASES.glob("*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        text = case.get("article") or (CASES / case["article_file"]).read_text(encoding="utf-8")
        articles.append(text)
    return articles


def load_articles(folder: Path | None) -> tuple[list[str], str]:
    """The articles and a line saying where they came from."""
    if folder is not None:
        articles = shared_articles(folder)
        if articles:
            return (
                articles,
                f"{len(articles)} distinct articles from {folder} ({', '.join(_SOURCES)})",
            )
    articles = bundled_articles()
    return articles, f"{len(articles)} golden-case articles from {CASES.relative_to(ROOT)}"


def write_bodies(articles: list[str], path: Path) -> Path:
    """One JSON request body per line, as the wrk script reads them."""
    lines = (json.dumps({"text": text}, ensure_ascii=False) for text in articles)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path

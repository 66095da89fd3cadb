"""Versioned prompt templates, rendered by Jinja2's sandbox with StrictUndefined.

Templates are files next to this module; manifest.yaml names each family's current
version, which travels in every response and eval run.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

PROMPTS_DIR = Path(__file__).parent


@lru_cache(maxsize=1)
def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=FileSystemLoader(PROMPTS_DIR),
        undefined=StrictUndefined,
        autoescape=False,  # plain text for a model, not HTML
        keep_trailing_newline=True,
        # Shipped files, never edited under a running service: no stat() of the template
        # on every render (two per analysis; a syscall, and a GIL round trip, issue 18).
        auto_reload=False,
    )


@lru_cache(maxsize=1)
def manifest() -> dict[str, dict[str, str]]:
    loaded: dict[str, dict[str, str]] = yaml.safe_load((PROMPTS_DIR / "manifest.yaml").read_text())
    return loaded


def prompt_version(family: str = "analyze") -> str:
    return manifest()[family]["version"]


def render(family: str, part: str, **context: Any) -> str:
    """Render one part (system, user, repair) of a prompt family's current version."""
    template = _environment().get_template(manifest()[family][part])
    return template.render(**context).strip()

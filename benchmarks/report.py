"""Write the results: raw JSON, and Markdown tables rendered from it (Jinja2 template)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES = Path(__file__).with_name("templates")
MARKDOWN = "RESULTS.md"
RAW = "results.json"


def span(values: Sequence[float] | None, digits: int = 0) -> str:
    """Two rounds as "low–high" ("-3 to 5" across zero; one value when they agree at this
    precision); n/a when absent."""
    if not values:
        return "n/a"
    low, high = f"{min(values):,.{digits}f}", f"{max(values):,.{digits}f}"
    if low == high:
        return low
    return f"{low} to {high}" if low.startswith("-") else f"{low}–{high}"


def number(value: float | None, digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def render(results: dict[str, Any]) -> str:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        autoescape=False,  # Markdown, not HTML
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["span"] = span
    environment.filters["number"] = number
    return environment.get_template("results.md.j2").render(r=results, raw=RAW)


def write_results(results: dict[str, Any], out_dir: Path) -> Path:
    """results.json and RESULTS.md in `out_dir`; returns the Markdown file's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / RAW).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    markdown = out_dir / MARKDOWN
    markdown.write_text(render(results), encoding="utf-8")
    return markdown


def main() -> None:
    """Render RESULTS.md again from a results.json (after a template change, say)."""
    import sys

    raw = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name(RAW)
    results = json.loads(raw.read_text(encoding="utf-8"))
    (raw.parent / MARKDOWN).write_text(render(results), encoding="utf-8")


if __name__ == "__main__":
    main()

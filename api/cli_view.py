"""Human-readable rendering of an analysis for the terminal (`analyze --pretty`).

Each finding shows its confidence, and its cited sentences are printed in full, each with
its speech act as a coloured word (never colour alone: the word carries the meaning). On a
wide terminal they sit in the table's Evidence column; on a narrow one (80 columns) that
column would be a few characters wide, so they are printed below the table instead.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel
from rich.console import Console
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from schemas.analysis import Analysis, Claim, EvidenceSpan, Stance
from schemas.tasks import TASKS, TaskSpec

# Colour per speech act; the act's name is always printed next to it.
ACT_STYLES = {
    "asserts": "green",
    "denies": "red",
    "questions": "yellow",
    "reports": "cyan",
    "context": "dim",
}
# Below this width the Evidence column moves under its table.
WIDE_COLUMNS = 120


def _evidence(spans: list[EvidenceSpan]) -> Text:
    """Each cited sentence on its own line: [n] act — the sentence as written."""
    text = Text()
    for i, span in enumerate(spans):
        if i:
            text.append("\n")
        text.append(f"[{span.sentence}] ", style="bold")
        text.append(span.speech_act, style=ACT_STYLES.get(span.speech_act, ""))
        text.append(f" — {' '.join(span.quote.split())}")
    return text


def _confidence(value: float) -> str:
    return f"{value:.0%}"


def _evidence_below(console: Console, rows: list[tuple[str, list[EvidenceSpan]]]) -> None:
    for label, spans in rows:
        if spans:
            console.print(Text(label, style="bold"))
            console.print(Padding(_evidence(spans), (0, 0, 0, 2)))  # wrapped lines indented
    console.print()


def _claims(analysis: Analysis, console: Console, names: dict[str, str], wide: bool) -> None:
    if not analysis.claims:
        return
    columns = ["#", "Claim", "Status", "Confidence", "Asserted by", "Denied by"]
    table = Table(*columns, *(["Evidence"] if wide else []), title="Claims", title_justify="left")
    for c in analysis.claims:
        row = [c.id, c.text, c.status, _confidence(c.confidence)]
        row += [", ".join(names.get(i, i) for i in ids) for ids in (c.asserted_by, c.denied_by)]
        table.add_row(*row, *([_evidence(c.evidence)] if wide else []))
    console.print(table)
    if not wide:
        _evidence_below(console, [(_claim_label(c), c.evidence) for c in analysis.claims])


def _claim_label(claim: Claim) -> str:
    return f"{claim.id} · {claim.status} — {claim.text}"


def _stances(analysis: Analysis, console: Console, names: dict[str, str], wide: bool) -> None:
    if not analysis.stances:
        return
    columns = ["#", "Actor", "Stance", "Confidence", "Target"]
    table = Table(*columns, *(["Evidence"] if wide else []), title="Stances", title_justify="left")
    for n, s in enumerate(analysis.stances, 1):
        row = [f"S{n}", names.get(s.actor, s.actor), s.stance, _confidence(s.confidence), s.target]
        table.add_row(*row, *([_evidence(s.evidence)] if wide else []))
    console.print(table)
    if not wide:
        rows = [(_stance_label(n, s, names), s.evidence) for n, s in enumerate(analysis.stances, 1)]
        _evidence_below(console, rows)


def _stance_label(n: int, stance: Stance, names: dict[str, str]) -> str:
    return f"S{n} · {names.get(stance.actor, stance.actor)} · {stance.stance} — {stance.target}"


def _footer(analysis: Analysis) -> str:
    """One line about the run; the built-in engine has no prompt, tokens or model attempts,
    so it does not print placeholders for them."""
    m = analysis.meta
    parts = [m.engine, m.model]
    if analysis.text_source == "extracted_from_html":
        parts.append("text extracted from HTML")
    if m.engine != "builtin":
        parts += [f"prompt {m.prompt_version or '-'}", f"{m.usage.total_tokens} tokens"]
        parts.append(f"attempts {m.attempts}")
    parts += [f"{m.latency_ms:.0f} ms", f"schema {m.schema_version}", f"id {analysis.id}"]
    return " · ".join(parts)


def _generic(analysis: Analysis, spec: TaskSpec, console: Console) -> None:
    """A task without a view of its own: each of its response fields as a table (one
    column per scalar field of its items, their evidence below) or a line of text."""
    for name in spec.fields:
        value = getattr(analysis, name, None)
        if isinstance(value, list) and value and isinstance(value[0], BaseModel):
            _generic_table(value, spec.label, console)
        elif value:
            console.print(Text(f"{spec.label}: ", style="bold") + Text(str(value)))


def _generic_table(items: list[BaseModel], title: str, console: Console) -> None:
    columns = [k for k, v in items[0] if not isinstance(v, (list, dict, BaseModel))]
    table = Table(*columns, title=title, title_justify="left")
    for item in items:
        table.add_row(*(str(getattr(item, k)) for k in columns))
    console.print(table)
    rows = [(f"{title} {n}", getattr(item, "evidence", [])) for n, item in enumerate(items, 1)]
    if any(spans for _, spans in rows):
        _evidence_below(console, rows)


def _summary(analysis: Analysis, console: Console, names: dict[str, str], wide: bool) -> None:
    if analysis.headline or analysis.summary:
        body = "\n".join(["", analysis.summary or "", *(f"• {p}" for p in analysis.key_points)])
        console.print(Panel(body, title=analysis.headline or "", title_align="left"))


def _actors(analysis: Analysis, console: Console, names: dict[str, str], wide: bool) -> None:
    if analysis.actors:
        table = Table("Actor", "Kind", "Role", "Aliases", title="Actors", title_justify="left")
        for a in analysis.actors:
            table.add_row(a.name, a.kind, a.role or "", ", ".join(a.aliases))
        console.print(table)


# How each task of the table (schemas/tasks.py) is shown, in this order; a task without a
# view of its own gets the generic one (`_generic`).
View = Callable[[Analysis, Console, dict[str, str], bool], None]
VIEWS: dict[str, View] = {
    "summary": _summary,
    "actors": _actors,
    "claims": _claims,
    "stances": _stances,
}


def render_analysis(analysis: Analysis, console: Console) -> None:
    names = {a.id: a.name for a in analysis.actors}
    wide = console.width >= WIDE_COLUMNS
    for view in VIEWS.values():
        view(analysis, console, names, wide)
    for task, spec in TASKS.items():
        if task not in VIEWS:
            _generic(analysis, spec, console)
    for w in analysis.warnings:
        console.print(f"[yellow]warning[/] {w.code}: {w.message}")
    console.print(Text(_footer(analysis), style="dim"))

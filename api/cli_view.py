"""Human-readable rendering of an analysis for the terminal (`analyze --pretty`).

Each finding shows its confidence, and its cited sentences are printed in full, each with
its speech act as a coloured word (never colour alone: the word carries the meaning).
"""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from schemas.analysis import Analysis, EvidenceSpan

# Colour per speech act; the act's name is always printed next to it.
ACT_STYLES = {
    "asserts": "green",
    "denies": "red",
    "questions": "yellow",
    "reports": "cyan",
    "context": "dim",
}


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


def render_analysis(analysis: Analysis, console: Console) -> None:
    names = {a.id: a.name for a in analysis.actors}
    if analysis.headline or analysis.summary:
        body = "\n".join(["", analysis.summary or "", *(f"• {p}" for p in analysis.key_points)])
        console.print(Panel(body, title=analysis.headline or "", title_align="left"))
    if analysis.actors:
        table = Table("Actor", "Kind", "Role", "Aliases", title="Actors", title_justify="left")
        for a in analysis.actors:
            table.add_row(a.name, a.kind, a.role or "", ", ".join(a.aliases))
        console.print(table)
    if analysis.claims:
        table = Table(
            "Claim", "Status", "Confidence", "Asserted by", "Denied by", "Evidence",
            title="Claims", title_justify="left",
        )  # fmt: skip
        for c in analysis.claims:
            table.add_row(
                c.text,
                c.status,
                _confidence(c.confidence),
                ", ".join(names.get(i, i) for i in c.asserted_by),
                ", ".join(names.get(i, i) for i in c.denied_by),
                _evidence(c.evidence),
            )
        console.print(table)
    if analysis.stances:
        table = Table(
            "Actor", "Stance", "Confidence", "Target", "Evidence",
            title="Stances", title_justify="left",
        )  # fmt: skip
        for s in analysis.stances:
            table.add_row(
                names.get(s.actor, s.actor),
                s.stance,
                _confidence(s.confidence),
                s.target,
                _evidence(s.evidence),
            )
        console.print(table)
    for w in analysis.warnings:
        console.print(f"[yellow]warning[/] {w.code}: {w.message}")
    m = analysis.meta
    console.print(
        f"[dim]{m.engine} · {m.model} · prompt {m.prompt_version or '-'} · "
        f"{m.usage.total_tokens} tokens · {m.latency_ms:.0f} ms · attempts {m.attempts} · "
        f"schema {m.schema_version} · id {analysis.id}[/]"
    )

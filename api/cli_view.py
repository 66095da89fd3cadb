"""Human-readable rendering of an analysis for the terminal (`analyze --pretty`)."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from schemas.analysis import Analysis


def _evidence(numbers: list[int]) -> str:
    return ", ".join(f"[{n}]" for n in numbers)


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
        table = Table("Claim", "Status", "Asserted by", "Denied by", "Evidence", title="Claims")
        for c in analysis.claims:
            table.add_row(
                c.text,
                c.status,
                ", ".join(names.get(i, i) for i in c.asserted_by),
                ", ".join(names.get(i, i) for i in c.denied_by),
                _evidence([e.sentence for e in c.evidence]),
            )
        console.print(table)
    if analysis.stances:
        table = Table(
            "Actor", "Stance", "Target", "Evidence", title="Stances", title_justify="left"
        )
        for s in analysis.stances:
            evidence = _evidence([e.sentence for e in s.evidence])
            table.add_row(names.get(s.actor, s.actor), s.stance, s.target, evidence)
        console.print(table)
    for w in analysis.warnings:
        console.print(f"[yellow]warning[/] {w.code}: {w.message}")
    m = analysis.meta
    console.print(
        f"[dim]{m.engine} · {m.model} · prompt {m.prompt_version or '-'} · "
        f"{m.usage.total_tokens} tokens · {m.latency_ms:.0f} ms · attempts {m.attempts}[/]"
    )

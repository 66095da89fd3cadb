"""Show runs and comparisons: rich tables for the terminal, one self-contained HTML page."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from rich.table import Table

from evals import charts
from evals.compare import Comparison, MetricDelta
from evals.counting import NONE_LABEL
from evals.results import RunFile
from evals.scores import METRICS, metric_names

TEMPLATES = Path(__file__).parent / "templates"
CASE_COLUMNS = [
    ("actor_f1", "actors"),
    ("claim_status_accuracy", "claims"),
    ("caller_claim_accuracy", "caller"),
    ("stance_accuracy", "stance"),
    ("grounding_rate", "ground"),
    ("summary_faithful", "faithful"),
    ("summary_facts", "facts"),
]
STANCE_LABELS = ["support", "oppose", "neutral", "mixed"]
STATUS_LABELS = ["confirmed", "unconfirmed", "disputed", "denied", "not_mentioned"]


def fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def summary_table(run: RunFile) -> Table:
    ag = run.aggregates
    table = Table(title=f"{run.name} · {run.model} · prompt {run.prompt_version or '-'}")
    table.add_column("metric")
    table.add_column("macro", justify="right")
    table.add_column("micro", justify="right")
    table.add_row("cases / trials / errors", f"{ag.cases} / {ag.trials} / {ag.errors}", "")
    table.add_row("pass@1", fmt(ag.pass_rate), "")
    table.add_row(f"pass^{run.repeat}", fmt(ag.pass_all), "")
    if run.repeat > 1:
        table.add_row("flaky cases", ", ".join(ag.flaky) or "none", "")
    for name in metric_names("quality"):
        table.add_row(METRICS[name].label, fmt(ag.macro.get(name)), fmt(ag.micro.get(name)))
    lat, tok = ag.latency_ms, ag.total_tokens
    table.add_row("latency ms p50 / p95", f"{fmt(lat.p50, 1)} / {fmt(lat.p95, 1)}", "")
    table.add_row("tokens mean / total", f"{fmt(tok.mean, 0)} / {sum(tok.values):,.0f}", "")
    table.add_row("cost USD", fmt(ag.cost_usd, 4), "")
    return table


def cases_table(run: RunFile) -> Table:
    table = Table(title="Cases")
    table.add_column("case", no_wrap=True, overflow="ellipsis", max_width=26)
    table.add_column("pass", justify="center", no_wrap=True)
    for _, heading in CASE_COLUMNS:
        table.add_column(heading, justify="right")
    table.add_column("failed checks / error")
    for case in run.cases:
        metrics = case.metrics()
        passed = sum(t.passed for t in case.trials)
        mark = "[green]✓[/]" if case.passed_all else "[red]✗[/]"
        errors = [t.error.code for t in case.trials if t.error]
        notes = ", ".join(errors) if errors else ", ".join(case.failed_checks())
        cells = [fmt(metrics[name], 2) for name, _ in CASE_COLUMNS]
        table.add_row(case.case_id, f"{mark} {passed}/{len(case.trials)}", *cells, notes)
    return table


def comparison_tables(comparison: Comparison) -> list[Table]:
    overall = Table(title=f"A: {comparison.label_a}  →  B: {comparison.label_b}")
    for column in ("scope", "metric", "A", "B", "Δ"):
        overall.add_column(column, justify="left" if column in ("scope", "metric") else "right")
    moved = comparison.score_changes
    for d in sorted(moved, key=lambda d: (not d.regression, d.scope)):
        if d.scope == "micro" and not d.regression:
            continue  # keep the table short: micro rows only when they regress
        overall.add_row(d.scope, d.label, fmt(d.a), fmt(d.b), _delta_cell(d))
    if not moved:
        overall.add_row("all", "no score changed", "", "", "")
    tolerance = f"{comparison.cost_tolerance:.0%}"
    cost = Table(title=f"Cost, not gated (changes within ±{tolerance} of A are noise)")
    for column in ("metric", "A", "B", "Δ", ""):
        cost.add_column(column, justify="left" if column == "metric" else "right")
    for d in comparison.cost:
        note = "noise" if comparison.cost_is_noise(d) else "[yellow]changed[/]"
        delta = "–" if d.delta is None else f"{d.delta:+.3f}"
        cost.add_row(d.label, fmt(d.a), fmt(d.b), delta, note)
    cases = Table(title="Cases (regressions first)")
    for column in ("case", "status", "pass A", "pass B", "biggest changes"):
        cases.add_column(column)
    for c in comparison.cases:
        if c.status == "unchanged":
            continue
        style = {"regressed": "red", "improved": "green"}.get(c.status, "yellow")
        moved = sorted(c.changes, key=lambda d: d.delta or 0.0)[:3]
        changes = ", ".join(f"{d.label} {fmt(d.a, 2)}→{fmt(d.b, 2)}" for d in moved)
        row = [c.case_id, f"[{style}]{c.status}[/]", fmt(c.passed_a, 2), fmt(c.passed_b, 2)]
        cases.add_row(*row, changes)
    return [overall, cost, cases]


def _delta_cell(d: MetricDelta) -> str:
    if d.delta is None:
        return "–"
    text = f"{d.delta:+.3f}"
    if d.regression:
        return f"[red]{text}[/]"
    better = d.delta > 0 if d.higher_is_better else d.delta < 0
    return f"[green]{text}[/]" if better and d.delta else text


def render_html(run: RunFile) -> str:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
    )
    ag = run.aggregates
    rows = [(c.case_id, c.passed_all, c.metrics()) for c in run.cases]
    overall = [(METRICS[name].label, ag.macro.get(name)) for name in metric_names("quality")]
    return env.get_template("report.html.j2").render(
        run=run,
        ag=ag,
        fmt=fmt,
        labels={name: info.label for name, info in METRICS.items()},
        none_label=NONE_LABEL,
        overall_chart=Markup(charts.bars(overall, "Overall quality (macro)")),
        case_chart=Markup(charts.case_grid(rows, CASE_COLUMNS)),
        stance_chart=Markup(
            charts.confusion_matrix(
                ag.stance_confusion, STANCE_LABELS, [*STANCE_LABELS, NONE_LABEL], "Stances"
            )
        ),
        status_chart=Markup(
            charts.confusion_matrix(
                ag.status_confusion, STATUS_LABELS, [*STATUS_LABELS, NONE_LABEL], "Claim status"
            )
        ),
        latency_chart=Markup(charts.histogram(ag.latency_ms.values, "ms", "Latency")),
        tokens_chart=Markup(charts.histogram(ag.total_tokens.values, "tokens", "Tokens")),
    )


def write_html(run: RunFile, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(run), encoding="utf-8")
    return path

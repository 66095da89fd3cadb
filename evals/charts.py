"""Inline SVG charts for the HTML report: no JavaScript, no network, readable when printed."""

from __future__ import annotations

from html import escape

from evals.counting import Confusion

FONT = "font-family:system-ui,sans-serif;font-size:12px"
GOOD, BAD, EMPTY = (46, 160, 67), (207, 34, 46), "#eaeef2"


def score_colour(value: float) -> str:
    """Red at 0, amber in the middle, green at 1."""
    v = min(max(value, 0.0), 1.0)
    amber = (191, 135, 0)
    lo, hi, t = (BAD, amber, v * 2) if v < 0.5 else (amber, GOOD, (v - 0.5) * 2)
    r, g, b = (round(a + (c - a) * t) for a, c in zip(lo, hi, strict=True))
    return f"rgb({r},{g},{b})"


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" style="{FONT}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _text(x: float, y: float, content: str, anchor: str = "start", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" dominant-baseline="middle" '
        f"{extra}>{escape(content)}</text>"
    )


def bars(items: list[tuple[str, float | None]], title: str, label_width: int = 170) -> str:
    """Horizontal bars for 0-1 scores, one per item; n/a when the metric does not apply."""
    row, bar_w = 22, 300
    body = []
    for i, (label, value) in enumerate(items):
        y = i * row + 4
        body.append(_text(label_width - 8, y + 8, label, "end"))
        body.append(f'<rect x="{label_width}" y="{y}" width="{bar_w}" height="16" fill="{EMPTY}"/>')
        if value is None:
            body.append(_text(label_width + 6, y + 8, "n/a", extra='fill="#57606a"'))
            continue
        width = max(min(value, 1.0), 0.0) * bar_w
        body.append(
            f'<rect x="{label_width}" y="{y}" width="{width:.1f}" height="16" '
            f'fill="{score_colour(value)}"/>'
        )
        body.append(_text(label_width + bar_w + 6, y + 8, f"{value:.2f}"))
    return _svg(label_width + bar_w + 50, len(items) * row + 8, body, title)


def case_grid(
    rows: list[tuple[str, bool, dict[str, float | None]]], columns: list[tuple[str, str]]
) -> str:
    """One row per case (✓/✗ and id), one mini bar per metric column."""
    label_w, cell_w, row_h, head_h = 260, 78, 22, 64
    body = []
    for j, (_, heading) in enumerate(columns):
        x = label_w + j * cell_w + cell_w / 2
        body.append(
            f'<text transform="translate({x:.1f},{head_h - 6}) rotate(-35)" '
            f'text-anchor="start">{escape(heading)}</text>'
        )
    for i, (case_id, passed, metrics) in enumerate(rows):
        y = head_h + i * row_h
        mark, colour = ("✓", "rgb(46,160,67)") if passed else ("✗", "rgb(207,34,46)")
        body.append(_text(4, y + 10, mark, extra=f'fill="{colour}" font-weight="bold"'))
        body.append(_text(20, y + 10, case_id[:36]))
        for j, (name, _) in enumerate(columns):
            x = label_w + j * cell_w
            body.append(
                f'<rect x="{x}" y="{y + 2}" width="{cell_w - 6}" height="16" fill="{EMPTY}"/>'
            )
            value = metrics.get(name)
            if value is None:
                body.append(_text(x + (cell_w - 6) / 2, y + 10, "–", "middle", 'fill="#8c959f"'))
                continue
            body.append(
                f'<rect x="{x}" y="{y + 2}" width="{(cell_w - 6) * min(max(value, 0), 1):.1f}" '
                f'height="16" fill="{score_colour(value)}"><title>{escape(case_id)} · '
                f"{escape(name)}: {value:.2f}</title></rect>"
            )
            body.append(_text(x + 4, y + 10, f"{value:.2f}", extra='fill="#1f2328"'))
    height = head_h + len(rows) * row_h + 6
    return _svg(label_w + len(columns) * cell_w + 40, height, body, "Metrics per case")


def confusion_matrix(
    confusion: Confusion, gold_labels: list[str], predicted: list[str], title: str
) -> str:
    """Rows: expected label; columns: predicted. Cells shaded by the share of their row."""
    labels_p = predicted + sorted({p for r in confusion.values() for p in r} - set(predicted))
    labels_g = gold_labels + sorted(set(confusion) - set(gold_labels))
    cell, left, top = 58, 110, 70
    bottom = top + len(labels_g) * cell
    body = [
        _text(left + len(labels_p) * cell / 2, bottom + 10, "predicted", "middle", 'fill="#57606a"')
    ]
    for j, label in enumerate(labels_p):
        x = left + j * cell + cell / 2
        body.append(
            f'<text transform="translate({x:.1f},{top - 8}) rotate(-35)">{escape(label)}</text>'
        )
    for i, gold in enumerate(labels_g):
        y = top + i * cell
        row = confusion.get(gold, {})
        total = sum(row.values())
        body.append(_text(left - 8, y + cell / 2, gold, "end"))
        for j, label in enumerate(labels_p):
            count = row.get(label, 0)
            share = count / total if total else 0.0
            base = GOOD if gold == label else BAD
            fill = (
                f"rgba({base[0]},{base[1]},{base[2]},{0.12 + 0.8 * share:.2f})" if count else EMPTY
            )
            x = left + j * cell
            body.append(
                f'<rect x="{x}" y="{y}" width="{cell - 3}" height="{cell - 3}" fill="{fill}">'
                f"<title>expected {escape(gold)}, predicted {escape(label)}: {count}</title></rect>"
            )
            body.append(_text(x + (cell - 3) / 2, y + (cell - 3) / 2, str(count), "middle"))
    body.append(
        f'<text transform="translate(12,{top + len(labels_g) * cell / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle" fill="#57606a">expected</text>'
    )
    width = left + len(labels_p) * cell + 10
    return _svg(width, bottom + 22, body, title)


def histogram(values: list[float], unit: str, title: str, bins: int = 12) -> str:
    """Distribution of a cost metric with median and p95 marked."""
    width, height, left, bottom = 460, 170, 40, 30
    if not values:
        return _svg(width, 40, [_text(8, 20, f"no {unit} data")], title)
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(int((v - lo) / span * bins), bins - 1)] += 1
    plot_w, plot_h, peak = width - left - 10, height - bottom - 10, max(counts)
    bar_w = plot_w / bins
    body = []
    for k, count in enumerate(counts):
        h = plot_h * count / peak
        x = left + k * bar_w
        body.append(
            f'<rect x="{x:.1f}" y="{10 + plot_h - h:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
            f'fill="#0969da"><title>{count}</title></rect>'
        )
    ordered = sorted(values)
    for name, q in (("p50", 0.5), ("p95", 0.95)):
        v = ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
        x = left + (v - lo) / span * plot_w
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="6" y2="{10 + plot_h}" stroke="#cf222e" '
            f'stroke-dasharray="3,2"/>'
        )
        body.append(_text(x + 3, 8, f"{name} {v:,.0f}", extra='fill="#cf222e"'))
    body.append(_text(left, height - 10, f"{lo:,.0f} {unit}"))
    body.append(_text(width - 10, height - 10, f"{hi:,.0f} {unit}", "end"))
    body.append(_text(left - 6, 10 + plot_h, "0", "end"))
    body.append(_text(left - 6, 14, str(peak), "end"))
    return _svg(width, height, body, title)

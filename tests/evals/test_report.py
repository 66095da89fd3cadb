from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.console import Console

from evals.compare import compare_runs
from evals.report import cases_table, comparison_tables, render_html, summary_table, write_html
from evals.scores import METRICS
from tests.evals.runs import make_run

CHROMIUM = Path("/usr/bin/chromium")
SCRIPT = {"ferry-good": "perfect", "ferry-empty": "empty", "ferry-down": "error", "wobbly": "flip"}


async def test_terminal_tables_show_scores_and_failures() -> None:
    run = await make_run(SCRIPT, "demo", repeat=2)
    console = Console(record=True, width=200)
    console.print(summary_table(run))
    console.print(cases_table(run))
    text = console.export_text()
    assert "pass^2" in text and "flaky cases" in text and "wobbly" in text
    assert "upstream_timeout" in text and "actor_recall" in text


async def test_comparison_tables_render() -> None:
    base = await make_run({"a": "perfect"}, "base")
    head = await make_run({"a": "empty"}, "head")
    console = Console(record=True, width=200)
    for table in comparison_tables(compare_runs(base, head)):
        console.print(table)
    assert "regressed" in console.export_text()


async def test_html_report_is_self_contained() -> None:
    run = await make_run(SCRIPT, "demo")
    html = render_html(run)
    assert html.count("<svg") == 6
    assert "ferry-down" in html and "UpstreamTimeout" in html
    assert not re.search(r"<script|https?://(?!www\.w3\.org/2000/svg)", html)


@pytest.mark.browser
async def test_html_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    playwright = pytest.importorskip("playwright.async_api")
    path = write_html(await make_run(SCRIPT, "demo", repeat=2), tmp_path / "report.html")
    async with playwright.async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = await browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            await page.goto(path.as_uri())
            boxes = [await svg.bounding_box() for svg in await page.query_selector_all("svg")]
            title = await page.title()
            failing = await page.locator("details[open]").count()
        finally:
            await browser.close()
    assert title == "stancewire eval · demo"
    assert len(boxes) == 6 and all(b is not None and b["width"] > 100 for b in boxes)
    assert failing == 3  # every case but ferry-good fails at least once
    assert errors == [] and requests == [path.as_uri()]


async def test_html_report_uses_one_label_per_metric_and_says_mean_or_p50() -> None:
    html = render_html(await make_run(SCRIPT, "demo"))
    assert "<td>claim_status_accuracy</td>" not in html
    assert f"<td>{METRICS['claim_status_accuracy'].label}</td>" in html
    assert "latency ms (p50)" in html and "latency ms (mean)" in html
    assert "tokens per analysis (mean)" in html


async def test_identical_runs_compare_as_no_score_change() -> None:
    run = await make_run({"a": "perfect"}, "base")
    console = Console(record=True, width=200)
    for table in comparison_tables(compare_runs(run, run)):
        console.print(table)
    text = console.export_text()
    assert "no score changed" in text and "noise" in text

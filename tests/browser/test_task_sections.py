"""A task the page has no view for (say a new `quotes` task) still shows: a generic section
lists its findings, names their actors and cites their sentences."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.browser.conftest import analyze, sync_api
from tests.conftest import SEED_TEXT

pytestmark = pytest.mark.browser
if sync_api is None:
    pytest.skip("Debian chromium is not installed at /usr/bin/chromium", allow_module_level=True)


def _with_quotes(route: Any) -> None:
    """The real answer (as JSON, not a stream) plus a findings list of a task unknown here."""
    response = route.fetch(headers={**route.request.headers, "accept": "application/json"})
    analysis = response.json()
    actor, claim = analysis["actors"][0], analysis["claims"][0]
    analysis["quotes"] = [
        {"speaker": actor["id"], "quote": "We deny it", "evidence": claim["evidence"][:1]}
    ]
    route.fulfill(status=200, content_type="application/json", body=json.dumps(analysis))


def test_findings_of_a_task_without_a_view_get_a_generic_section(page: Any) -> None:
    expect = sync_api.expect
    page.route("**/v1/analyze", _with_quotes)
    analyze(page, SEED_TEXT)
    section = page.locator("#other-findings section")
    expect(section).to_have_count(1)
    expect(section.locator("h2")).to_have_text("Quotes")
    item = section.locator("li")
    expect(item).to_contain_text(re.compile(r"speaker: \S.* · quote: We deny it"))
    expect(item.locator(".evidence-acts .act")).to_have_count(1)
    assert "speaker: A" not in (item.text_content() or "")  # the id shows as the actor's name

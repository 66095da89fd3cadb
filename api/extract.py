"""Article text from pasted HTML or a URL (trafilatura), before analysis.

A caller may send, as the article's `text`, a page's HTML source or a lone URL. HTML is
turned into article text (title kept); a URL is fetched first (api/fetch.py, only when the
operator enables it). Offsets in the analysis then index the extracted text, which the
response returns with `text_source: extracted_from_html`. Anything else is analysed as sent.
"""

from __future__ import annotations

import asyncio
import re
from configparser import ConfigParser
from dataclasses import dataclass

from api.config import Settings
from api.errors import NoArticleText
from api.fetch import Resolver, fetch_page
from schemas.analysis import Analysis, TextSource
from schemas.request import AnalyzeRequest

MAX_TITLE_CHARS = 500  # AnalyzeRequest.title's limit

# HTML *source* starts with a tag or a doctype and closes a tag somewhere: plain text that
# merely mentions "<script>" (a report about markup) does not start with one.
_HTML_START = re.compile(
    r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|[a-z][a-z0-9]*[\s/>])", re.I | re.S
)
_HTML_CLOSE = re.compile(r"</[a-z][a-z0-9]*\s*>|<!doctype", re.I)
_URL = re.compile(r"\A\s*https?://\S+\s*\Z", re.I)


@dataclass(frozen=True)
class SourceText:
    text: str
    title: str | None
    source: TextSource
    url: str | None = None


def looks_like_html(text: str) -> bool:
    return bool(_HTML_START.match(text)) and bool(_HTML_CLOSE.search(text))


def looks_like_url(text: str) -> bool:
    return bool(_URL.match(text))


async def source_text(text: str, settings: Settings, resolve: Resolver | None = None) -> SourceText:
    """The text to analyse for what a caller sent: as sent, or extracted from HTML or a URL."""
    # Parsing a page is CPU work (lxml, up to FETCH_MAX_BYTES): off the event loop.
    if looks_like_url(text):
        url = text.strip()
        page = await fetch_page(url, settings, resolve)
        return _with_url(await asyncio.to_thread(extract_article, page), url)
    if looks_like_html(text):
        return await asyncio.to_thread(extract_article, text)
    return SourceText(text=text, title=None, source="submitted")


def _with_url(found: SourceText, url: str) -> SourceText:
    return SourceText(text=found.text, title=found.title, source=found.source, url=url)


def extract_article(html: str | bytes) -> SourceText:
    """Main text and title of a page (trafilatura: boilerplate, menus and comments dropped).

    A fragment too short for trafilatura's article heuristics (a few pasted paragraphs) is
    read again with its size thresholds off, so a short paste still yields its text."""
    from trafilatura.settings import use_config  # ~0.5 s: only when HTML is pasted

    text, title = _extract(html, None)
    if not text:
        lenient = use_config()
        lenient.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
        lenient.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")
        text, title = _extract(html, lenient)
    if not text:
        raise NoArticleText("No article text was found in the HTML. Paste the article's text.")
    body = _without_title_line(text, title)
    return SourceText(text=body, title=title, source="extracted_from_html")


def _extract(html: str | bytes, config: ConfigParser | None) -> tuple[str, str | None]:
    import trafilatura
    from trafilatura.settings import DEFAULT_CONFIG, Document

    document = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        favor_recall=True,
        config=config or DEFAULT_CONFIG,
    )
    if not isinstance(document, Document):
        return "", None
    return (document.text or "").strip(), (document.title or "").strip() or None


def _without_title_line(text: str, title: str | None) -> str:
    # trafilatura keeps the page's <h1> as the first line; the title travels on its own.
    first, _, rest = text.partition("\n")
    return rest.strip() if title and first.strip() == title and rest.strip() else text


async def prepare_request(
    body: AnalyzeRequest, settings: Settings, resolve: Resolver | None = None
) -> tuple[AnalyzeRequest, SourceText | None]:
    """The request to analyse: unchanged for plain text; for HTML or a URL, the extracted
    text (validated like any request's) with the page's title unless the caller gave one."""
    found = await source_text(body.text, settings, resolve)
    if found.source == "submitted":
        return body, None
    from api.validation import validate_as  # FastAPI: not for the CLI's plain-text path

    fields = body.model_dump(exclude_unset=True)
    fields["text"] = found.text
    if not body.title and found.title:
        fields["title"] = found.title[:MAX_TITLE_CHARS]
    return validate_as(AnalyzeRequest, fields), found


def mark_source(analysis: Analysis, found: SourceText | None) -> Analysis:
    """Say which text the offsets index, and return it when it is not the request's."""
    if found is None:
        return analysis
    return analysis.model_copy(update={"text_source": found.source, "text": found.text})

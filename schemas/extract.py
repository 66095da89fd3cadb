"""POST /v1/extract: the article text the service would analyse for what a caller pasted."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from schemas.analysis import TextSource


class ExtractRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(
        min_length=1, description="What was pasted: article text, a page's HTML, or a URL."
    )


class ExtractResponse(BaseModel):
    text_source: TextSource = Field(description="`submitted` (unchanged) or `extracted_from_html`.")
    title: str | None = Field(description="The page's title, when extracted from HTML.")
    text: str = Field(description="The article text that `POST /v1/analyze` would analyse.")
    url: str | None = Field(default=None, description="The URL fetched, if one was sent.")

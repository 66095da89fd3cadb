"""POST /v1/extract: article text from pasted HTML or a URL, to show before analysing."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.extract import source_text
from api.routes.deps import SettingsDep, problem_responses, read_json_body
from schemas.extract import ExtractRequest, ExtractResponse

router = APIRouter(prefix="/v1", tags=["analyze"])


@router.post(
    "/extract",
    response_model=ExtractResponse,
    summary="The article text that would be analysed for pasted text, HTML or a URL",
    responses=problem_responses(
        {
            413: "Page larger than STANCEWIRE_FETCH_MAX_BYTES",
            422: "URL fetching off, URL not public, or no article text in the HTML",
            502: "The page could not be fetched",
            504: "The page did not arrive in time",
        }
    ),
)
async def extract(request: Request, settings: SettingsDep) -> ExtractResponse:
    body = await read_json_body(request, ExtractRequest, settings)
    found = await source_text(body.text, settings)
    return ExtractResponse(
        text_source=found.source, title=found.title, text=found.text, url=found.url
    )

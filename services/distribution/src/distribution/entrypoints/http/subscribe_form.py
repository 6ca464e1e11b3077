"""The subscribe form of a newsroom's pages (rendered by the publisher at ``/<slug>/subscribe``).

A plain HTML form, no script: the browser posts ``application/x-www-form-urlencoded`` here, and
the answer is a redirect (303) back to the newsroom's pages on the same origin: ``/<slug>/
subscribe/sent`` when the subscription started (the same whatever the address's state, as the
API's 202), or ``/<slug>/subscribe?problem=...`` when the address is not valid or the newsroom
takes no subscribers. The JSON API beside it is unchanged.
"""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Depends, Path, Request, status
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from distribution.entrypoints.http.dependencies import DistributionDep
from distribution.entrypoints.http.public import limited_per_client, start_subscription
from distribution.entrypoints.http.schemas.subscribers import SubscribeIn
from distribution.service.errors import NotFoundError
from newsroom_shared.http.errors import Unprocessable, UnsupportedMediaType, error_responses

# The same slugs the publisher gives newsrooms: the redirect stays on this origin's pages.
Slug = Annotated[
    str,
    Path(max_length=100, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", description="The newsroom's slug"),
]
_LANGUAGE = re.compile(r"[a-z]{2,3}")
FORM = "application/x-www-form-urlencoded"
# Every field is checked here and a refused one sends the reader back to the form with the
# reason: the schema states only what is refused outright (no body, or not a form).
FORM_SCHEMA = {
    "type": "object",
    "minProperties": 1,
    "properties": {
        "email": {"type": "string", "description": "The reader's address"},
        "language": {"type": "string", "description": "Releases in this language only"},
        "lang": {"type": "string", "description": "The pages' language, kept on the way back"},
    },
}

router = APIRouter(
    prefix="/v1/public", tags=["public subscription"], dependencies=[Depends(limited_per_client)]
)


def _field(form: dict[str, list[str]], name: str) -> str:
    values = form.get(name) or [""]
    return values[0].strip()


def _back(path: str, lang: str, **params: str) -> RedirectResponse:
    if _LANGUAGE.fullmatch(lang):
        params["lang"] = lang
    query = f"?{urlencode(params)}" if params else ""
    return RedirectResponse(f"{path}{query}", status_code=status.HTTP_303_SEE_OTHER)


@router.post(
    "/newsrooms/{newsroom_slug}/subscribers/form",
    status_code=status.HTTP_303_SEE_OTHER,
    response_class=RedirectResponse,
    responses={
        **error_responses(415, 422),
        303: {"description": "Back to the newsroom's pages: sent, or the problem"},
    },
    openapi_extra={"requestBody": {"required": True, "content": {FORM: {"schema": FORM_SCHEMA}}}},
)
async def subscribe_by_form(
    newsroom_slug: Slug, request: Request, distribution: DistributionDep
) -> RedirectResponse:
    """Subscribe from the newsroom's page (an HTML form); answers with a redirect to a page."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != FORM:
        raise UnsupportedMediaType(f"The form must be sent as {FORM}")
    body_bytes = await request.body()
    if not body_bytes:
        raise Unprocessable("The form is empty: send at least its email field")
    form = parse_qs(body_bytes.decode("utf-8", errors="replace"))
    lang = _field(form, "lang")
    pages = f"/{newsroom_slug}/subscribe"
    try:
        body = SubscribeIn(email=_field(form, "email"), language=_field(form, "language") or None)
    except ValidationError:
        return _back(pages, lang, problem="invalid_email")
    try:
        await start_subscription(distribution, request, newsroom_slug, body)
    except NotFoundError:
        return _back(pages, lang, problem="unavailable")
    return _back(f"{pages}/sent", lang)

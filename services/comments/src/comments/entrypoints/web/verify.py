"""The page a verification link opens: a button that confirms the comment (a plain form
post, so the mail scanners that open links do not confirm anything), then the outcome.

``GET /v1/public/verify/{token}`` shows the button, ``POST`` confirms (idempotent). A link
past its time, or whose unverified comment was removed, answers 410; one that is not valid 400.
"""

# No "from __future__ import annotations": FastAPI reads the routes' annotations.
from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from comments.domain.errors import ForbiddenError, TokenError
from comments.entrypoints.http.dependencies import CommentsDep
from comments.entrypoints.http.public import READ, WRITE
from comments.entrypoints.web.manage import Lang, Token, problem_page, state_of
from comments.entrypoints.web.rendering import language, page
from comments.service import verification

router = APIRouter(prefix="/v1/public/verify", tags=["pages"], include_in_schema=False)


@router.get("/{token}", dependencies=READ)
async def verify_page(token: Token, comments: CommentsDep, lang: Lang = None) -> HTMLResponse:
    """The button that confirms the comment."""
    try:
        verification.check_link(comments.deps, token)
    except TokenError as problem:
        return problem_page(language(lang), problem)
    return page("verify.html", language(lang), done=False)


@router.post("/{token}", dependencies=WRITE)
async def verify(token: Token, comments: CommentsDep, lang: Lang = None) -> HTMLResponse:
    """Confirm the comment: it is shown (or judged by a moderator) from now on."""
    try:
        verified = await verification.verify_comment(comments.uow(), comments.deps, token)
    except (TokenError, ForbiddenError) as problem:
        return problem_page(language(lang), problem)
    page_lang = language(lang, verified.language)
    return page(
        "verify.html",
        page_lang,
        done=True,
        state=state_of(page_lang, verified.comment),
        author_token=verified.author_token,
    )

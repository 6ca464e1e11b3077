"""The author's page, opened from the link in their mail: their comment, a form to change it
and one to delete it, while the edit window lasts. Plain forms: no script needed.

``GET /v1/public/manage/{token}`` shows it; ``POST`` (``action=save`` with ``text``, or
``action=delete``) does it and shows the outcome. A token past its window answers 410, one
that is not valid 400, a comment that can no longer change 409, each as a page.
"""

# No "from __future__ import annotations": FastAPI reads the routes' annotations.
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from comments.domain.comment import Comment, Status
from comments.domain.errors import (
    ClosedError,
    ForbiddenError,
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
    TokenError,
)
from comments.entrypoints.http.dependencies import CommentsDep
from comments.entrypoints.http.public import READ, WRITE
from comments.entrypoints.web.rendering import catalogues, language, page
from comments.service import authoring

router = APIRouter(prefix="/v1/public/manage", tags=["pages"], include_in_schema=False)

Token = Annotated[str, Path(min_length=1, max_length=1000)]
Lang = Annotated[str | None, Query(max_length=35)]


def _(lang: str, message: str) -> str:
    return catalogues().translations(lang).gettext(message)


def state_of(lang: str, comment: Comment) -> str:
    if comment.awaiting is not None:
        return _(lang, "It is shown once you confirm it with the link in our other email.")
    status = comment.status
    if status is Status.approved:
        return _(lang, "It is shown under the release.")
    if status is Status.pending:
        return _(lang, "It waits for a moderator.")
    return _(lang, "It is not shown.")


def problem_page(lang: str, error: Exception) -> HTMLResponse:
    if isinstance(error, TokenError) and error.expired:
        status, message = 410, _(lang, "This link has expired.")
    elif isinstance(error, TokenError):
        status, message = 400, _(lang, "This link is not valid. Open it as it came in the mail.")
    elif isinstance(error, ForbiddenError):
        status, message = 403, _(lang, "You may not comment in this newsroom.")
    elif isinstance(error, NotFoundError):
        status, message = 404, _(lang, "This comment no longer exists.")
    else:
        status, message = 409, _(lang, "This comment can no longer change.")
    return page("message.html", lang, status, heading=_(lang, "Your comment"), message=message)


async def _show(
    comments: CommentsDep, token: str, lang: str | None, *, notice: str = "", error: str = ""
) -> HTMLResponse:
    try:
        found = await authoring.manageable(comments.reader(), comments.deps, token)
    except (TokenError, NotFoundError) as problem:
        return problem_page(language(lang), problem)
    page_lang = language(lang, found.language)
    comment = found.comment
    if comment.deleted_at is not None:
        return page(
            "message.html",
            page_lang,
            heading=_(page_lang, "Your comment"),
            message=notice or _(page_lang, "Your comment is deleted."),
        )
    return page(
        "manage.html",
        page_lang,
        422 if error else 200,
        release_title=found.release_title,
        comment_html=Markup(comment.body.html),  # sanitised to the safe subset when stored
        text=comment.body.text,
        state=state_of(page_lang, comment),
        notice=notice,
        error=error,
        until=found.editable_until.strftime("%Y-%m-%d %H:%M"),
    )


@router.get("/{token}", dependencies=READ)
async def manage_page(token: Token, comments: CommentsDep, lang: Lang = None) -> HTMLResponse:
    """The author's comment with the forms to change or delete it."""
    return await _show(comments, token, lang)


async def _form(request: Request) -> dict[str, str]:
    body = (await request.body()).decode("utf-8", errors="replace")
    return {key: values[0] for key, values in parse_qs(body).items()}


@router.post("/{token}", dependencies=WRITE)
async def manage_action(
    token: Token,
    comments: CommentsDep,
    form: Annotated[dict[str, str], Depends(_form)],
    lang: Lang = None,
) -> HTMLResponse:
    """Change (``action=save``, ``text``) or delete (``action=delete``) the comment."""
    page_lang = language(lang)
    action = form.get("action")
    if action not in ("save", "delete"):
        message = _(page_lang, "This form is not ours: open the link from the mail again.")
        return page(
            "message.html", page_lang, 400, heading=_(page_lang, "Your comment"), message=message
        )
    try:
        claim = authoring.claim_of(comments.deps, token)
        ids = (claim.release_id, claim.comment_id)
        if action == "delete":
            await authoring.delete_comment(comments.uow(), comments.deps, token, *ids)
            return await _show(comments, token, lang, notice=_(page_lang, "Deleted."))
        text = form.get("text", "")
        await authoring.edit_comment(comments.uow(), comments.deps, token, *ids, text)
    except InvalidInputError:
        error = _(page_lang, "Write some text (at most 5,000 characters).")
        return await _show(comments, token, lang, error=error)
    except (TokenError, NotFoundError, NotAllowedError, ClosedError) as problem:
        return problem_page(page_lang, problem)
    return await _show(comments, token, lang, notice=_(page_lang, "Saved."))

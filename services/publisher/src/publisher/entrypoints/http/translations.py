"""A release's translations: list, link one, leave the group."""

from __future__ import annotations

from fastapi import APIRouter, status

from newsroom_shared.http.errors import error_responses
from publisher.domain.release import Release
from publisher.domain.translations import language_key
from publisher.entrypoints.http.dependencies import Editor, PublisherDep, Viewer
from publisher.entrypoints.http.schemas.translations import (
    Translation,
    TranslationLink,
    Translations,
)
from publisher.service import newsrooms, translations
from publisher.service.ports import Caller

router = APIRouter(prefix="/v1/releases/{release_id}/translations", tags=["translations"])


async def _answer(publisher: PublisherDep, caller: Caller, group: list[Release]) -> Translations:
    newsroom = await newsrooms.get_newsroom(publisher.reader(), caller, group[0].newsroom_id)
    links = publisher.deps.links
    return Translations(
        translation_group=group[0].translation_group if len(group) > 1 else None,
        items=[Translation.of(r, newsroom, links) for r in sorted(group, key=language_key)],
    )


@router.get("", responses=error_responses(404))
async def list_translations(
    release_id: str, caller: Viewer, publisher: PublisherDep
) -> Translations:
    """The release and its translations (any status)."""
    group = await translations.list_translations(publisher.reader(), caller, release_id)
    return await _answer(publisher, caller, group)


@router.post("", responses=error_responses(404, 409))
async def link_translation(
    release_id: str, body: TranslationLink, caller: Editor, publisher: PublisherDep
) -> Translations:
    """Link another release of the newsroom as a translation of this one (one per language)."""
    group = await translations.link_translation(
        publisher.uow(), caller, release_id, body.release_id
    )
    return await _answer(publisher, caller, group)


@router.delete("", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(404))
async def unlink_translation(release_id: str, caller: Editor, publisher: PublisherDep) -> None:
    """The release is no longer a translation of the others (they stay translations of each
    other)."""
    await translations.unlink_translation(publisher.uow(), caller, release_id)

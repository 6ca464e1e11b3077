from __future__ import annotations

from pydantic import BaseModel, Field

from publisher.domain.newsroom import Newsroom
from publisher.domain.release import Release
from publisher.entrypoints.http.schemas.common import Model
from publisher.service.ports import Links


class TranslationLink(Model):
    release_id: str = Field(
        min_length=1,
        max_length=100,
        description="The release to link as a translation: of the same newsroom (else 422), in "
        "a language the others do not have (else 409), in no other group (else 409)",
    )


class Translation(BaseModel):
    id: str
    language: str
    title: str
    status: str
    url: str = Field(description="Its public page (readers see it once it is published)")

    @classmethod
    def of(cls, release: Release, newsroom: Newsroom, links: Links) -> Translation:
        return cls(
            id=release.id,
            language=release.content.language,
            title=release.content.title,
            status=str(release.status),
            url=links.release_url(newsroom, release.id),
        )


class Translations(BaseModel):
    translation_group: str | None = Field(description="`null`: the release has no translations")
    items: list[Translation] = Field(description="The release and its translations, by language")

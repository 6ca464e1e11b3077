"""Releases in several languages: translations of each other, one release per language.

Staff link a release to another of the same newsroom; both then share a translation group (the
first release's group, or a new one named after it). A group holds one release per language
(languages compared case-insensitively, ``en-GB`` and ``en-US`` being different languages).
A release in one group cannot join another without leaving it first. Readers only ever see
the published members of a group (``public``).
"""

from __future__ import annotations

from collections.abc import Sequence

from publisher.domain.errors import AlreadyExistsError, InvalidInputError, NotAllowedError
from publisher.domain.release import Release
from publisher.domain.workflow import Status


def language_key(release: Release) -> str:
    return release.content.language.lower()


def check_link(release: Release, other: Release, group: Sequence[Release]) -> str:
    """The group both will share once ``other`` joins ``release``'s (``group``: its members,
    ``release`` among them); raises when a rule forbids it."""
    if other.id == release.id:
        raise InvalidInputError("release_id", "a release is not a translation of itself")
    if other.newsroom_id != release.newsroom_id:
        raise InvalidInputError(
            "release_id", f"release {other.id} is in another newsroom: translations share one"
        )
    group_id = release.translation_group or release.id
    if other.translation_group not in (None, group_id):
        raise NotAllowedError(
            f"release {other.id} is a translation in another group; unlink it first"
        )
    for member in group:
        if member.id != other.id and language_key(member) == language_key(other):
            raise AlreadyExistsError(
                f"the translations already have language {other.content.language!r}: "
                f"release {member.id}"
            )
    return group_id


def check_language_free(release: Release, group: Sequence[Release]) -> None:
    """After an edit of ``release``'s language: no other member may have it."""
    for member in group:
        if member.id != release.id and language_key(member) == language_key(release):
            raise AlreadyExistsError(
                f"release {member.id}, a translation of this one, already has language "
                f"{release.content.language!r}"
            )


def left_behind(release: Release, group: Sequence[Release]) -> list[Release]:
    """The members that leave the group with ``release``: it, and the last one remaining."""
    others = [m for m in group if m.id != release.id]
    return [release, *others] if len(others) == 1 else [release]


def public(group: Sequence[Release]) -> list[Release]:
    """The translations readers may see: published ones, by language."""
    return sorted((m for m in group if m.status is Status.PUBLISHED), key=language_key)

"""Why the media service refuses something, in words the client is shown."""

from __future__ import annotations

from enum import StrEnum


class Refusal(StrEnum):
    """Why an upload is refused; each maps to one HTTP status."""

    UNSUPPORTED_TYPE = "unsupported_type"  # 415
    TOO_LARGE = "too_large"  # 413
    QUOTA_EXCEEDED = "quota_exceeded"  # 413
    PIXEL_FLOOD = "pixel_flood"  # 422
    TRUNCATED = "truncated"  # 422
    POLYGLOT = "polyglot"  # 422
    MACROS = "macros"  # 415
    ZIP_BOMB = "zip_bomb"  # 422
    UNREADABLE = "unreadable"  # 422
    EMPTY = "empty"  # 422


class MediaError(Exception):
    """Base of the domain's errors."""


class UploadRefusedError(MediaError):
    def __init__(self, refusal: Refusal, message: str) -> None:
        self.refusal = refusal
        self.message = message
        super().__init__(message)


class MediaNotFoundError(MediaError):
    """No such item in the caller's tenant (another tenant's look the same)."""


class ConcurrentModificationError(MediaError):
    """Someone else changed the item since it was read; the caller may try again."""


class NotPublicError(MediaError):
    """The file exists but is not public and the caller showed no key or signature: answered
    like a missing one (a draft's pictures are nobody's business)."""


class WithdrawnError(MediaError):
    """Every release naming the item was withdrawn: gone for the public."""


class LinkExpiredError(MediaError):
    """A signed link whose time is over."""


class BadSignatureError(MediaError):
    """A signed link that was tampered with, or signed with a key no longer held."""


class InvalidInputError(MediaError):
    """A request the rules refuse (answered 422 with ``code``)."""

    def __init__(self, message: str, code: str = "invalid_input") -> None:
        self.code = code
        super().__init__(message)


class ReleaseHasGalleryError(MediaError):
    """A release has one gallery; another already names it."""

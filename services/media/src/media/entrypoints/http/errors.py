"""Domain errors as HTTP answers: problem details like every other error."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response

from media.domain.errors import (
    BadSignatureError,
    ConcurrentModificationError,
    InvalidInputError,
    LinkExpiredError,
    MediaError,
    MediaNotFoundError,
    NotPublicError,
    Refusal,
    ReleaseHasGalleryError,
    UploadRefusedError,
    WithdrawnError,
)
from media.domain.resumable import OffsetMismatchError, PastLengthError
from newsroom_shared.http.errors import ApiError, Conflict, Forbidden, NotFound, Unprocessable


class PayloadTooLarge(ApiError):  # noqa: N818 (HTTP status names read better)
    status = 413
    default_code = "body_too_large"
    default_message = "The upload is too large"


class UnsupportedType(ApiError):  # noqa: N818 (HTTP status names read better)
    status = 415
    default_code = "unsupported_media_type"
    default_message = "The upload's content is not a type this takes"


class Gone(ApiError):  # noqa: N818 (HTTP status names read better)
    status = 410
    default_code = "gone"
    default_message = "This is no longer available"


def upload_error(error: UploadRefusedError) -> ApiError:
    code = error.refusal.value
    if error.refusal is Refusal.UNSUPPORTED_TYPE:
        return UnsupportedType(error.message, code="unsupported_media_type")
    if error.refusal is Refusal.MACROS:
        return UnsupportedType(error.message, code="macro_enabled")
    if error.refusal in (Refusal.TOO_LARGE, Refusal.QUOTA_EXCEEDED):
        return PayloadTooLarge(
            error.message, code="body_too_large" if code == "too_large" else code
        )
    return Unprocessable(error.message, code=code)


def api_error(error: MediaError) -> ApiError:
    """The HTTP answer to a domain error (404s never say whether another tenant has it)."""
    if isinstance(error, UploadRefusedError):
        return upload_error(error)
    if isinstance(error, MediaNotFoundError | NotPublicError):
        return NotFound(str(error))
    if isinstance(error, WithdrawnError):
        return Gone(str(error), code="withdrawn")
    if isinstance(error, LinkExpiredError):
        return Forbidden(str(error), code="link_expired")
    if isinstance(error, BadSignatureError):
        return Forbidden(str(error), code="invalid_signature")
    if isinstance(error, ReleaseHasGalleryError):
        return Conflict(str(error), code="release_has_gallery")
    if isinstance(error, InvalidInputError):
        return Unprocessable(str(error), code=error.code)
    if isinstance(error, OffsetMismatchError):
        return Conflict(str(error), code="offset_mismatch")
    if isinstance(error, PastLengthError):
        return PayloadTooLarge(str(error), code="past_upload_length")
    if isinstance(error, ConcurrentModificationError):
        return Conflict("the item is being changed by someone else; retry", code="busy")
    return Conflict(str(error))


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, MediaError)
    return api_error(exc).response(request)


def install_domain_error_handler(app: FastAPI) -> None:
    app.add_exception_handler(MediaError, _domain_error)

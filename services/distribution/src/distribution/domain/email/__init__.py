"""Release emails: rendered once per (release, language), then stamped per recipient."""

from distribution.domain.email.message import Recipient, RenderedRelease
from distribution.domain.email.rendering import (
    LANGUAGES,
    ReleaseEmail,
    Sender,
    render_release,
    template_language,
)

__all__ = [
    "LANGUAGES",
    "Recipient",
    "ReleaseEmail",
    "RenderedRelease",
    "Sender",
    "render_release",
    "template_language",
]

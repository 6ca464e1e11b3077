"""What can go wrong when turning a release into social posts."""

from __future__ import annotations


class SocialPostError(ValueError):
    """Base of the social-post errors."""


class InvalidReleaseLinkError(SocialPostError):
    def __init__(self, url: str) -> None:
        super().__init__(f"not an http(s) link the networks would recognise whole: {url!r}")
        self.url = url


class PostDoesNotFitError(SocialPostError):
    """Even the link alone exceeds the network's limit (the link is never cut)."""

    def __init__(self, url: str) -> None:
        super().__init__(f"the link alone does not fit in a post: {url!r}")
        self.url = url

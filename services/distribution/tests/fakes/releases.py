"""Sample releases to compose posts from in the adapters' tests."""

from __future__ import annotations

from distribution.domain.social import ReleaseForPost, SocialImage

URL = "https://news.example.com/acme/r/widget-launch"
SENTENCES = [f"Sentence number {i} tells a little more about the widget." for i in range(1, 16)]


def short_release(image_url: str | None = None) -> ReleaseForPost:
    image = SocialImage(image_url, alt="The new widget") if image_url else None
    return ReleaseForPost(
        title="Acme launches the Widget 2",
        lead="A smaller, faster widget for everyone (and it's cheaper).",
        url=URL,
        tags=["widgets", "launch"],
        image=image,
    )


def long_release(image_url: str | None = None) -> ReleaseForPost:
    image = SocialImage(image_url, alt="The new widget") if image_url else None
    return ReleaseForPost(
        title="Acme launches the Widget 2",
        lead=" ".join(SENTENCES),
        url=URL,
        tags=["widgets"],
        image=image,
    )

"""The home page's featured media: each latest release's lead picture, from one read."""

from datetime import UTC, datetime

from publisher.domain.content import MediaRef, MediaState
from publisher.domain.media import ImageSource, MediaDetails, MediaFact, MediaItem
from publisher.service.front_page import featured_of, lead_candidates

NOW = datetime(2026, 12, 4, tzinfo=UTC)


def item(media_id: str, kind: str = "image") -> MediaItem:
    sources = (ImageSource(f"https://m.example/{media_id}.jpg", "image/jpeg", 800),)
    details = MediaDetails(
        kind=kind,
        content_type="image/jpeg" if kind == "image" else "application/pdf",
        url=f"https://m.example/{media_id}",
        sources=sources if kind == "image" else (),
    )
    return MediaItem("t", media_id, MediaFact.PROCESSED, NOW, NOW, details)


class FakeRelease:
    def __init__(self, release_id: str, media: list[str], card: str | None = None) -> None:
        self.id = release_id
        self.media = [MediaRef(m, MediaState.READY, NOW) for m in media]

        class Content:
            social_card_media_id = card

        self.content = Content()


def test_the_editors_card_leads_then_the_first_picture() -> None:
    assert lead_candidates(FakeRelease("r", ["a", "b"], card="b")) == ["b", "a"]  # type: ignore[arg-type]
    assert lead_candidates(FakeRelease("r", ["a", "b"])) == ["a", "b"]  # type: ignore[arg-type]


def test_one_picture_per_release_newest_first_skipping_documents_and_unknown_items() -> None:
    releases = [
        FakeRelease("r1", ["pdf", "x"]),  # a document first: its picture leads
        FakeRelease("r2", ["unknown"]),  # not processed yet: no picture
        FakeRelease("r3", ["y", "z"]),
    ]
    items = {"pdf": item("pdf", "document"), "x": item("x"), "y": item("y"), "z": item("z")}

    found = featured_of(releases, items)  # type: ignore[arg-type]

    assert [(f.release.id, f.picture.media_id) for f in found] == [("r1", "x"), ("r3", "y")]
    assert len(featured_of(releases, items, limit=1)) == 1  # type: ignore[arg-type]

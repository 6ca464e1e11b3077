"""The release page's pictures: which renditions, in what order, the placeholder colour."""

from __future__ import annotations

from datetime import UTC, datetime

from newsroom_shared.events.media import MediaProcessed, Rendition
from publisher.entrypoints.web.gallery import average_colour, pictures, srcset
from publisher.service.media import details_of, gallery_sources
from publisher.service.pages import GalleryImage

NOW = datetime(2026, 12, 3, tzinfo=UTC)


def rendition(name: str, width: int, content_type: str = "image/jpeg") -> Rendition:
    return Rendition(
        name=name,
        content_type=content_type,
        url=f"https://m.example/{name}",
        width=width,
        height=width // 2,
        bytes=1,
    )


RENDITIONS = [
    rendition("original", 6000),
    rendition("web", 1600),
    rendition("web_webp", 1600, "image/webp"),
    rendition("thumbnail", 320),
    rendition("thumbnail_webp", 320, "image/webp"),
    rendition("web_avif", 1600, "image/avif"),
    rendition("thumbnail_avif", 320, "image/avif"),
    rendition("social_card", 1200),
    rendition("social_card_webp", 1200, "image/webp"),
    rendition("social_card_avif", 1200, "image/avif"),
]


def test_the_gallery_takes_the_uncropped_web_renditions_narrowest_first() -> None:
    sources = gallery_sources(RENDITIONS)
    assert [(s.url.rsplit("/", 1)[1], s.width) for s in sources] == [
        ("thumbnail_avif", 320),
        ("web_avif", 1600),
        ("thumbnail", 320),
        ("web", 1600),
        ("thumbnail_webp", 320),
        ("web_webp", 1600),
    ]


def test_a_picture_is_described_sized_and_decorative_ones_say_nothing() -> None:
    event = MediaProcessed(
        tenant_id="t1",
        media_id="m1",
        kind="image",
        content_type="image/jpeg",
        filename="rocket.jpg",
        url="https://m.example/original",
        alt_text="A red rocket skate",
        renditions=RENDITIONS,
        processed_at=NOW,
        width=6000,
        height=4000,
        blurhash="00TSUA",
        caption="The Roadrunner 2",
        credit="Ann Photo",
        licence="Free for editorial use",
    )
    [picture] = pictures((GalleryImage("m1", details_of(event), NOW),))
    assert picture.src == "https://m.example/web"
    assert (picture.width, picture.height) == (1600, 1067)  # the original's proportions
    assert picture.alt == "A red rocket skate"
    assert picture.jpeg_srcset == "https://m.example/thumbnail 320w, https://m.example/web 1600w"
    assert picture.webp_srcset.endswith("https://m.example/web_webp 1600w")
    assert picture.avif_srcset == (
        "https://m.example/thumbnail_avif 320w, https://m.example/web_avif 1600w"
    )
    assert picture.placeholder == "#ffffff"
    assert picture.download == "https://m.example/original"
    assert (picture.caption, picture.credit) == ("The Roadrunner 2", "Ann Photo")
    decorative = details_of(event.model_copy(update={"decorative": True}))
    [quiet] = pictures((GalleryImage("m1", decorative, NOW),))
    assert quiet.alt == ""


def test_the_placeholder_is_the_blurhash_average_colour() -> None:
    assert average_colour("000000") == "#000000"
    assert average_colour("LEHV6nWB2yk8pyo0adR*.7kCMdnj") is not None
    assert average_colour("00TSUA") == "#ffffff"  # 29*83^3 + 28*83^2 + 30*83 + 10 = 0xffffff
    assert average_colour(None) is None
    assert average_colour("<script>") is None  # what is not a BlurHash is not put in a style


def test_srcset_lists_each_width() -> None:
    assert srcset(()) == ""

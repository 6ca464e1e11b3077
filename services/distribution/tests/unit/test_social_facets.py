"""Bluesky facets (UTF-8 byte offsets) and the link card."""

from distribution.domain.social import (
    Facet,
    LinkFeature,
    Network,
    ReleaseForPost,
    TagFeature,
    compose,
    facets_for,
    link_card,
)

URL = "https://news.example.com/r/42"


def test_link_offsets_are_utf8_bytes_after_accents_and_emoji() -> None:
    text = f"Café 🎉 news\n\n{URL} #Tag"
    # "Café" 5 bytes, " " 1, "🎉" 4, " news" 5, "\n\n" 2: the link starts at byte 17.
    link_start = 17
    link_end = link_start + len(URL)
    assert facets_for(text) == (
        Facet(link_start, link_end, LinkFeature(URL)),
        Facet(link_end + 1, link_end + 5, TagFeature("Tag")),
    )
    encoded = text.encode()
    assert encoded[link_start:link_end].decode() == URL
    assert encoded[link_end + 1 : link_end + 5].decode() == "#Tag"


def test_offsets_with_cjk_and_combining_marks() -> None:
    text = f"日本 e\u0301t\u00e9 {URL}"
    (facet,) = facets_for(text)
    start = len("日本 e\u0301t\u00e9 ".encode())
    assert (facet.byte_start, facet.byte_end) == (start, start + len(URL))


def test_hashtag_rules() -> None:
    text = f"#2024 a#b {URL}/#frag #気候変動 #ok."
    tags = [f.feature for f in facets_for(text) if isinstance(f.feature, TagFeature)]
    assert tags == [TagFeature("気候変動"), TagFeature("ok")]


def test_facet_record_shape() -> None:
    facet = Facet(3, 10, LinkFeature(URL))
    assert facet.as_record() == {
        "$type": "app.bsky.richtext.facet",
        "index": {"byteStart": 3, "byteEnd": 10},
        "features": [{"$type": "app.bsky.richtext.facet#link", "uri": URL}],
    }
    tag = Facet(0, 4, TagFeature("Tag")).as_record()
    assert tag["features"] == [{"$type": "app.bsky.richtext.facet#tag", "tag": "Tag"}]


def test_composed_bluesky_post_links_its_url_and_hashtags() -> None:
    release = ReleaseForPost("Ünïcödé 🎉 title", "Lead.", URL, tags=["climate change"])
    post = compose(release, Network.BLUESKY)
    encoded = post.text.encode()
    spans = [encoded[f.byte_start : f.byte_end].decode() for f in post.facets]
    assert spans == [URL, "#ClimateChange"]


def test_link_card_trims_title_and_lead() -> None:
    release = ReleaseForPost("Short title", "word " * 200, URL)
    card = link_card(release)
    assert card.uri == URL
    assert card.title == "Short title"
    assert card.description.endswith("word…")
    assert len(card.description) <= 300
    assert card.as_record() == {
        "$type": "app.bsky.embed.external",
        "external": {"uri": URL, "title": "Short title", "description": card.description},
    }

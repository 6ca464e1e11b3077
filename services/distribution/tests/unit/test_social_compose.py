"""One post per release: what gives way, in order, and what never does."""

import pytest

from distribution.domain.social import (
    InvalidReleaseLinkError,
    Network,
    PostDoesNotFitError,
    ReleaseForPost,
    SocialImage,
    TextLimit,
    compose,
    limit_for,
)

URL = "https://news.example.com/r/42"
IMAGE = SocialImage("https://media.example.com/card.png", "A widget")


def release(
    title: str = "Title", lead: str = "A lead.", tags: tuple[str, ...] = ()
) -> ReleaseForPost:
    return ReleaseForPost(title=title, lead=lead, url=URL, tags=tags)


def code_points(max_length: int) -> TextLimit:
    return TextLimit(max_length, len)


def test_everything_fits() -> None:
    post = compose(release(tags=("climate change", "energy")), Network.MASTODON)
    assert post.text == f"Title\n\nA lead.\n\n{URL}\n\n#ClimateChange #energy"


def test_whitespace_is_collapsed_and_text_is_nfc() -> None:
    post = compose(release(title="  Cafe\u0301\n opens ", lead="Line one.\n\nLine two."), Network.X)
    assert post.text == f"Café opens\n\nLine one. Line two.\n\n{URL}"


def test_hashtags_go_first_from_the_end() -> None:
    full = f"Title\n\nA lead.\n\n{URL}\n\n#one #two"
    post = compose(release(tags=("one", "two")), Network.X, limit=code_points(len(full) - 1))
    assert post.text == f"Title\n\nA lead.\n\n{URL}\n\n#one"
    no_tags = f"Title\n\nA lead.\n\n{URL}"
    post = compose(release(tags=("one", "two")), Network.X, limit=code_points(len(no_tags)))
    assert post.text == no_tags


def test_then_the_lead_is_shortened_at_a_word() -> None:
    lead = "The quick brown fox, jumps over"
    limit = code_points(len(f"Title\n\nThe quick brown fox…\n\n{URL}") + 2)
    post = compose(release(lead=lead, tags=("one",)), Network.X, limit=limit)
    # "fox," loses its dangling comma before the ellipsis; no hashtag came back.
    assert post.text == f"Title\n\nThe quick brown fox…\n\n{URL}"


def test_then_the_title_is_shortened_and_the_link_stays_whole() -> None:
    title = "Acme opens a new factory in Lyon"
    limit = code_points(len(f"Acme opens a…\n\n{URL}"))
    post = compose(release(title=title, lead="Lead words here."), Network.X, limit=limit)
    assert post.text == f"Acme opens a…\n\n{URL}"


def test_a_link_too_long_for_bluesky_cannot_be_posted() -> None:
    long_url = "https://news.example.com/" + "a" * 300
    with pytest.raises(PostDoesNotFitError):
        compose(ReleaseForPost("Title", "Lead", long_url), Network.BLUESKY)


def test_only_the_link_when_no_word_of_the_title_fits() -> None:
    url = "https://news.example.com/" + "a" * 270  # 295 graphemes
    post = compose(ReleaseForPost("Unbelievably", "Lead", url), Network.BLUESKY)
    assert post.text == url


def test_x_counts_cjk_double_when_shortening() -> None:
    title = "日本語のタイトル"
    lead = "これは長いリードです。" * 30
    post = compose(ReleaseForPost(title, lead, URL), Network.X)
    assert limit_for(Network.X).fits(post.text)
    assert post.text.startswith(f"{title}\n\nこれは長いリードです。")
    assert post.text.endswith(f"…\n\n{URL}")
    # 280 weighted: 23 for the link, 4 for the separators, 2 for "…", 2 per CJK character.
    assert limit_for(Network.X).length(post.text) >= 279


@pytest.mark.parametrize("url", ["ftp://example.com/x", "https://example.com/x.", "example.com"])
def test_the_release_link_must_be_found_whole(url: str) -> None:
    with pytest.raises(InvalidReleaseLinkError):
        ReleaseForPost("Title", "Lead", url)


def test_image_goes_with_the_post_and_the_link_card_only_without_image() -> None:
    with_image = ReleaseForPost("Title", "Lead", URL, image=IMAGE, language="fr")
    post = compose(with_image, Network.BLUESKY)
    assert post.image == IMAGE
    assert post.link_card is None
    assert post.language == "fr"
    card_post = compose(release(), Network.BLUESKY)
    assert card_post.link_card is not None
    assert card_post.link_card.uri == URL


@pytest.mark.parametrize("network", [n for n in Network if n is not Network.BLUESKY])
def test_facets_and_cards_are_bluesky_only(network: Network) -> None:
    post = compose(release(tags=("one",)), network)
    assert post.facets == ()
    assert post.link_card is None
    assert post.reply_to_index is None

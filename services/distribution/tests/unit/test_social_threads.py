"""Threads: a lead too long for one post continues in numbered replies."""

import re

import pytest

from distribution.domain.social import (
    Network,
    ReleaseForPost,
    SocialImage,
    compose,
    limit_for,
    split_thread,
)

URL = "https://news.example.com/r/42"
SENTENCES = [f"Sentence number {i} tells a little more about the widget." for i in range(1, 16)]
LONG_LEAD = " ".join(SENTENCES)
NUMBERING = re.compile(r" \((\d+)/(\d+)\)$")


def long_release(**overrides: object) -> ReleaseForPost:
    fields: dict[str, object] = {"title": "Widget launch", "lead": LONG_LEAD, "url": URL}
    return ReleaseForPost(**{**fields, **overrides})  # type: ignore[arg-type]


@pytest.mark.parametrize("network", [Network.LINKEDIN, Network.FACEBOOK])
def test_networks_without_threads_get_the_one_composed_post(network: Network) -> None:
    release = ReleaseForPost("Title", "word " * 2000, URL)
    assert split_thread(release, network) == [compose(release, network)]


def test_a_lead_that_fits_gives_one_post_without_numbering() -> None:
    release = ReleaseForPost("Title", "Short lead.", URL, tags=["a tag"])
    assert split_thread(release, Network.BLUESKY) == [compose(release, Network.BLUESKY)]


@pytest.mark.parametrize("network", [Network.MASTODON, Network.BLUESKY, Network.X])
def test_long_lead_continues_in_numbered_replies_split_between_sentences(network: Network) -> None:
    posts = split_thread(long_release(tags=["widgets"]), network)
    limit = limit_for(network)
    assert len(posts) > 1
    for index, post in enumerate(posts):
        assert limit.fits(post.text)
        assert post.reply_to_index == (None if index == 0 else index - 1)
        match = NUMBERING.search(post.text)
        assert match is not None
        assert (int(match[1]), int(match[2])) == (index + 1, len(posts))
    texts = [NUMBERING.sub("", post.text) for post in posts]
    assert texts[0].startswith("Widget launch\n\nSentence number 1 ")
    assert texts[0].endswith(f"widget.\n\n{URL}")
    assert all(URL not in text for text in texts[1:])
    assert texts[-1].endswith("\n\n#widgets")
    lead_chunks = [texts[0].split("\n\n")[1], *texts[1:-1], texts[-1].split("\n\n")[0]]
    assert " ".join(lead_chunks) == LONG_LEAD
    assert all(chunk.endswith("widget.") for chunk in lead_chunks)  # whole sentences


def test_unnumbered_threads() -> None:
    posts = split_thread(long_release(), Network.BLUESKY, numbered=False)
    assert len(posts) > 1
    assert not any(NUMBERING.search(post.text) for post in posts)


def test_a_sentence_longer_than_a_post_is_split_between_words() -> None:
    one_sentence = " ".join(["word"] * 200) + "."
    posts = split_thread(long_release(lead=one_sentence), Network.BLUESKY)
    chunks = [NUMBERING.sub("", post.text) for post in posts]
    chunks[0] = chunks[0].split("\n\n")[1]
    assert " ".join(chunks) == one_sentence


def test_many_posts_number_with_two_digits() -> None:
    lead = " ".join(f"Sentence {i} is here with some more words to fill." for i in range(120))
    posts = split_thread(long_release(lead=lead), Network.X)
    assert len(posts) >= 10
    assert posts[-1].text.endswith(f" ({len(posts)}/{len(posts)})")
    assert all(limit_for(Network.X).fits(post.text) for post in posts)


def test_image_card_and_facets_per_post() -> None:
    image = SocialImage("https://media.example.com/card.png", "alt")
    posts = split_thread(long_release(image=image), Network.BLUESKY)
    assert posts[0].image == image
    assert all(post.image is None and post.link_card is None for post in posts[1:])
    assert [f.feature.uri for f in posts[0].facets] == [URL]  # type: ignore[union-attr]
    assert all(post.facets == () for post in posts[1:])
    without_image = split_thread(long_release(), Network.BLUESKY)
    assert without_image[0].link_card is not None


def test_cjk_lead_splits_after_full_stops() -> None:
    lead = "これは長いリードの文です。" * 60
    posts = split_thread(long_release(lead=lead), Network.X)
    assert len(posts) > 1
    replies = [NUMBERING.sub("", post.text) for post in posts[1:]]
    assert all(reply.endswith("。") for reply in replies)

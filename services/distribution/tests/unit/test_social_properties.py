"""Property tests: for random titles, leads and tags in several scripts, on every network, a post
always fits, holds the whole link exactly once, and keeps only whole words and graphemes."""

import re

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from distribution.domain.social import Network, ReleaseForPost, compose, hashtags_for, split_thread
from distribution.domain.social.graphemes import breaks_without_space
from distribution.domain.social.networks import limit_for, supports_threads
from distribution.domain.social.release import clean_text

EMOJI = ["🎉", "👍🏽", "👨‍👩‍👧", "🇫🇷", "1️⃣", "❤️", "🚀"]
LATIN = "abcdefghijklmnopqrstuvwxyzàéüßøœABCXYZ0123456789"
CJK = [chr(c) for c in range(0x4E00, 0x4E80)] + list("ひらがなカタカナ")
COMBINING = ["\u0301", "\u0308", "\u0323\u0302", "\u0330\u0331\u0332"]
URLS = [
    "https://a.example.com/r/1",
    "https://news.example.org/releases/2024/climate-report?utm_source=social&id=42",
    "https://news.example.com/" + "x" * 150,
    "https://news.example.com/" + "x" * 265,  # on Bluesky, room for only a word or two
]
DANGLING = ",;:-\u2013\u2014"

latin_words = st.text(alphabet=LATIN, min_size=1, max_size=12)
punctuated_words = st.tuples(latin_words, st.sampled_from(["", ",", ".", "!", ";"])).map("".join)
cjk_words = st.text(alphabet=st.sampled_from(CJK), min_size=1, max_size=10)
emoji_words = st.lists(st.sampled_from(EMOJI), min_size=1, max_size=3).map("".join)
combining_words = st.lists(
    st.tuples(st.sampled_from("aeiouxyz"), st.sampled_from(COMBINING)).map("".join),
    min_size=1,
    max_size=6,
).map("".join)
words = st.one_of(latin_words, punctuated_words, cjk_words, emoji_words, combining_words)
# Short and long texts alike: hypothesis alone draws mostly short lists, which always fit.
titles = st.one_of(
    st.lists(words, min_size=1, max_size=8), st.lists(words, min_size=20, max_size=60)
).map(" ".join)
leads = st.one_of(st.lists(words, max_size=10), st.lists(words, min_size=40, max_size=200)).map(
    " ".join
)
tags = st.lists(st.lists(words, min_size=1, max_size=3).map(" ".join), max_size=8)
releases = st.builds(ReleaseForPost, title=titles, lead=leads, url=st.sampled_from(URLS), tags=tags)
networks = st.sampled_from(list(Network))
graphemes = regex.compile(r"\X").findall


def is_shortened_whole(kept: str, original: str) -> bool:
    """``kept`` is ``original``, or a prefix of it cut between words (or between CJK characters),
    never inside a grapheme, and ending in "…"."""
    if kept == original:
        return True
    if not kept.endswith("…"):
        return False
    body = kept[:-1]
    body_clusters, original_clusters = graphemes(body), graphemes(original)
    if body_clusters != original_clusters[: len(body_clusters)]:
        return False  # not a prefix, or a grapheme was broken
    rest = original[len(body) :].lstrip(DANGLING)
    cut_at_word_end = rest[:1].isspace()
    next_cluster = graphemes(rest)[:1]
    cut_in_cjk = breaks_without_space(body_clusters[-1]) or (
        bool(next_cluster) and breaks_without_space(next_cluster[0])
    )
    return cut_at_word_end or cut_in_cjk


def parts_around_link(text: str, url: str) -> tuple[list[str], list[str]]:
    before, after = text.split(url)
    return [p for p in before.split("\n\n") if p], [p for p in after.split("\n\n") if p]


@settings(max_examples=200, deadline=None)
@given(release=releases, network=networks)
def test_a_composed_post_always_fits_and_keeps_whole_words(
    release: ReleaseForPost, network: Network
) -> None:
    text = compose(release, network).text
    assert limit_for(network).fits(text)
    assert text.count(release.url) == 1
    title, lead = clean_text(release.title), clean_text(release.lead)
    before, after = parts_around_link(text, release.url)
    assert len(before) <= 2
    if before:
        assert is_shortened_whole(before[0], title)
    if len(before) == 2:
        assert before[0] == title  # the lead is shortened only once the title is whole
        assert is_shortened_whole(before[1], lead)
    if after:
        (hashtag_part,) = after
        assert before == [p for p in (title, lead) if p]  # hashtags go first
        all_hashtags = hashtags_for(release.tags)
        kept = hashtag_part.split(" ")
        assert kept == all_hashtags[: len(kept)]
    assert compose(release, network) == compose(release, network)


NUMBERING = re.compile(r" \(\d+/\d+\)$")


@settings(max_examples=100, deadline=None)
@given(release=releases, network=st.sampled_from(sorted(n for n in Network if supports_threads(n))))
def test_a_thread_always_fits_and_carries_the_whole_lead(
    release: ReleaseForPost, network: Network
) -> None:
    posts = split_thread(release, network)
    limit = limit_for(network)
    assert all(limit.fits(post.text) for post in posts)
    assert posts[0].text.count(release.url) == 1
    if len(posts) == 1:
        return
    assert all(release.url not in post.text for post in posts[1:])
    texts = [NUMBERING.sub("", post.text) for post in posts]
    title, lead = clean_text(release.title), clean_text(release.lead)
    before, _ = parts_around_link(texts[0], release.url)
    if before:
        assert is_shortened_whole(before[0], title)
    head = before[1:]
    if head:
        assert before[0] == title  # lead beside the whole title only
    tail = [p for p in texts[-1].split("\n\n") if not p.startswith("#")]
    chunks = [*head, *texts[1:-1], *tail]
    assert "".join(chunks).replace(" ", "") == lead.replace(" ", "")
    assert [post.reply_to_index for post in posts] == [None, *range(len(posts) - 1)]

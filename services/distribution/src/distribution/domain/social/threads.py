"""A release whose lead does not fit one post, as a thread: the link in the first post, the rest
of the lead in replies, split between sentences where possible, else between words."""

from __future__ import annotations

from itertools import count

import regex

from distribution.domain.social.compose import HASHTAG_SEPARATOR, assemble, compose
from distribution.domain.social.errors import PostDoesNotFitError
from distribution.domain.social.hashtags import hashtags_for
from distribution.domain.social.networks import Network, TextLimit, limit_for, supports_threads
from distribution.domain.social.posts import Post, make_post
from distribution.domain.social.release import ReleaseForPost, clean_text
from distribution.domain.social.shortening import (
    Fits,
    grapheme_breaks,
    longest_fitting,
    shorten_to_fit,
    word_breaks,
)

# A sentence ends after . ! ? (and closing quotes) before a space, or after CJK full stops.
_SENTENCE_END = regex.compile(r"[.!?\u2026][\"'\u00bb\u201d\u2019)]*(?=\s)|[\u3002\uff01\uff1f]")


def numbering(position: int, total: int) -> str:
    return f" ({position}/{total})"


def sentence_breaks(text: str) -> list[int]:
    return [match.end() for match in _SENTENCE_END.finditer(text) if match.end() < len(text)]


def _longest_prefix(text: str, breaks: list[int], fits: Fits) -> int | None:
    """The longest of ``text[:offset]`` (offsets from ``breaks`` and the whole text) that fits."""
    offsets = [*breaks, len(text)]
    best = longest_fitting([text[:offset].rstrip() for offset in offsets], fits)
    return None if best is None else offsets[best]


def take_chunk(text: str, fits: Fits, *, may_cut_words: bool) -> tuple[str, str]:
    """(the longest head of ``text`` that fits, the rest); sentences first, then words, and
    (``may_cut_words``) graphemes when one word is longer than a whole post."""
    tiers = [sentence_breaks, word_breaks, grapheme_breaks][: 3 if may_cut_words else 2]
    for breaks in tiers:  # computed only when the tier before found nothing
        offset = _longest_prefix(text, breaks(text), fits)
        if offset is not None:
            return text[:offset].rstrip(), text[offset:].lstrip()
    return "", text


def _first_post_title(title: str, url: str, fits: Fits) -> str:
    short_title = shorten_to_fit(title, lambda candidate: fits(assemble(candidate, url)))
    if short_title is None and not fits(url):
        raise PostDoesNotFitError(url)
    return short_title or ""


def _append_hashtags(text: str, hashtags: list[str], fits: Fits) -> str:
    for kept in range(len(hashtags), 0, -1):
        candidate = assemble(text, HASHTAG_SEPARATOR.join(hashtags[:kept]))
        if fits(candidate):
            return candidate
    return text


def thread_texts(title: str, lead: str, url: str, hashtags: list[str], fits: Fits) -> list[str]:
    """Texts of the thread's posts, each fitting (``fits`` reserves room for numbering)."""
    kept_title = _first_post_title(title, url, fits)
    head, rest = "", lead
    if kept_title == title:  # the title goes before the lead: no lead beside a shortened title
        head, rest = take_chunk(lead, lambda c: fits(assemble(title, c, url)), may_cut_words=False)
    texts = [assemble(kept_title, head, url)]
    while rest:
        chunk, rest = take_chunk(rest, fits, may_cut_words=True)
        if not chunk:
            raise PostDoesNotFitError(url)  # not one grapheme fits: no real limit is that small
        texts.append(chunk)
    texts[-1] = _append_hashtags(texts[-1], hashtags, fits)
    return texts


def _fits_with_suffix(limit: TextLimit, suffix: str) -> Fits:
    return lambda text: limit.fits(text + suffix)


def _numbered_texts(
    title: str, lead: str, url: str, hashtags: list[str], limit: TextLimit
) -> list[str]:
    # Reserve the room of the widest number of each width until the count has that many digits.
    for digits in count(1):
        widest = numbering(10**digits - 1, 10**digits - 1)
        texts = thread_texts(title, lead, url, hashtags, _fits_with_suffix(limit, widest))
        if len(str(len(texts))) <= digits:
            return [text + numbering(i, len(texts)) for i, text in enumerate(texts, start=1)]
    raise AssertionError("unreachable")  # pragma: no cover


def split_thread(
    release: ReleaseForPost,
    network: Network,
    *,
    limit: TextLimit | None = None,
    numbered: bool = True,
) -> list[Post]:
    """The release as a thread of posts, or one post when the whole lead fits in one (or the
    network has no threads); ``numbered`` ends each post of a longer thread with " (i/n)"."""
    limit = limit or limit_for(network)
    title, lead, url = clean_text(release.title), clean_text(release.lead), release.url
    if not supports_threads(network) or limit.fits(assemble(title, lead, url)):
        return [compose(release, network, limit=limit)]
    hashtags = hashtags_for(release.tags)
    if numbered:
        texts = _numbered_texts(title, lead, url, hashtags, limit)
    else:
        texts = thread_texts(title, lead, url, hashtags, limit.fits)
    if len(texts) == 1:
        return [compose(release, network, limit=limit)]
    return [make_post(release, network, text, index) for index, text in enumerate(texts)]

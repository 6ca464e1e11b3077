"""One post per release: title, lead, link and hashtags, shortened to fit the network.

What gives way, in order: hashtags (from the last), then the lead (at a word, with "…"), then the
title likewise. The link is never cut or dropped.
"""

from __future__ import annotations

from distribution.domain.social.errors import PostDoesNotFitError
from distribution.domain.social.hashtags import hashtags_for
from distribution.domain.social.networks import Network, TextLimit, limit_for
from distribution.domain.social.posts import Post, make_post
from distribution.domain.social.release import ReleaseForPost, clean_text
from distribution.domain.social.shortening import shorten_to_fit

PART_SEPARATOR = "\n\n"
HASHTAG_SEPARATOR = " "


def assemble(*parts: str) -> str:
    """A post's text from its parts in order, empty parts left out."""
    return PART_SEPARATOR.join(part for part in parts if part)


def fit_text(title: str, lead: str, url: str, hashtags: list[str], limit: TextLimit) -> str:
    """The longest text of the parts that fits ``limit`` (parts already cleaned)."""
    for kept in range(len(hashtags), -1, -1):
        text = assemble(title, lead, url, HASHTAG_SEPARATOR.join(hashtags[:kept]))
        if limit.fits(text):
            return text
    short_lead = shorten_to_fit(lead, lambda candidate: limit.fits(assemble(title, candidate, url)))
    if short_lead:
        return assemble(title, short_lead, url)
    short_title = shorten_to_fit(title, lambda candidate: limit.fits(assemble(candidate, url)))
    if short_title:
        return assemble(short_title, url)
    if limit.fits(url):
        return url
    raise PostDoesNotFitError(url)


def compose_text(release: ReleaseForPost, limit: TextLimit) -> str:
    return fit_text(
        clean_text(release.title),
        clean_text(release.lead),
        release.url,
        hashtags_for(release.tags),
        limit,
    )


def compose(release: ReleaseForPost, network: Network, *, limit: TextLimit | None = None) -> Post:
    """The release as one post on ``network`` (``limit``: e.g. a Mastodon instance's own)."""
    return make_post(release, network, compose_text(release, limit or limit_for(network)))

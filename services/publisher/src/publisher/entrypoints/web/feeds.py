"""RSS 2.0 and Atom (RFC 4287) feeds of a newsroom's latest published releases.

Built with ElementTree, which escapes every text and attribute: titles and bodies come from
staff, and a feed reader must always get well-formed XML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from xml.etree.ElementTree import Element, SubElement

from publisher.domain.release import Release
from publisher.entrypoints.web.rendering import xml_document, xml_text
from publisher.service.pages import Listing
from publisher.service.ports import Links

FEED_SIZE = 20
ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _text(parent: Element, tag: str, text: str, **attrs: str) -> Element:
    element = SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    element.text = xml_text(text)
    return element


def _published(release: Release) -> datetime:
    """When it went out (listed releases are published; ``updated_at`` only types the rest)."""
    return release.published_at or release.updated_at


@dataclass(frozen=True, slots=True)
class FeedPlace:
    """A feed's title and the page it follows; the feed itself is beside the page."""

    title: str
    page_url: str  # ends with "/": ``rss.xml`` and ``atom.xml`` are under it


def home_feed(home: Listing, links: Links) -> FeedPlace:
    newsroom = home.newsroom
    return FeedPlace(newsroom.name, links.newsroom_url(newsroom))


def feed_updated(home: Listing) -> datetime:
    return max([home.newsroom.updated_at, *(r.updated_at for r in home.releases.items)])


def rss(home: Listing, links: Links, place: FeedPlace | None = None) -> bytes:
    """The listing's releases (the newsroom's latest unless ``place`` says which page)."""
    newsroom = home.newsroom
    place = place or home_feed(home, links)
    home_url = place.page_url
    root = Element("rss", {"version": "2.0", "xmlns:atom": ATOM})
    channel = SubElement(root, "channel")
    _text(channel, "title", place.title)
    _text(channel, "link", home_url)
    _text(channel, "description", newsroom.description or newsroom.name)
    _text(channel, "language", newsroom.default_language)
    _text(channel, "lastBuildDate", format_datetime(feed_updated(home)))
    self_link = {"href": f"{home_url}rss.xml", "rel": "self", "type": "application/rss+xml"}
    SubElement(channel, "atom:link", self_link)
    for release in home.releases.items:
        url = links.release_url(newsroom, release.id)
        item = SubElement(channel, "item")
        _text(item, "title", release.content.title)
        _text(item, "link", url)
        _text(item, "guid", url, isPermaLink="true")
        _text(item, "pubDate", format_datetime(_published(release)))
        _text(item, "description", release.content.lead)
        for tag in release.content.tags:
            _text(item, "category", tag)
    return xml_document(root)


def atom(home: Listing, links: Links, place: FeedPlace | None = None) -> bytes:
    """The listing's releases with their bodies (``place`` as in :func:`rss`)."""
    newsroom = home.newsroom
    place = place or home_feed(home, links)
    home_url = place.page_url
    feed = Element("feed", {"xmlns": ATOM, XML_LANG: newsroom.default_language})
    _text(feed, "id", home_url)
    _text(feed, "title", place.title)
    _text(feed, "updated", feed_updated(home).isoformat())
    SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": home_url})
    self_link = {"rel": "self", "type": "application/atom+xml", "href": f"{home_url}atom.xml"}
    SubElement(feed, "link", self_link)
    author = SubElement(feed, "author")
    _text(author, "name", newsroom.name)
    for release in home.releases.items:
        url = links.release_url(newsroom, release.id)
        entry = SubElement(feed, "entry", {XML_LANG: release.content.language})
        _text(entry, "id", url)
        _text(entry, "title", release.content.title)
        SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": url})
        _text(entry, "published", _published(release).isoformat())
        _text(entry, "updated", release.updated_at.isoformat())
        _text(entry, "summary", release.content.lead)
        _text(entry, "content", release.content.body, type="html")
        for tag in release.content.tags:
            SubElement(entry, "category", {"term": xml_text(tag)})
    return xml_document(feed)

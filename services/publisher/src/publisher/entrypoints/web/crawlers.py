"""What crawlers read first: ``/robots.txt``, the sitemap index and each newsroom's sitemap."""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree.ElementTree import Element, SubElement

from publisher.domain.newsroom import Newsroom
from publisher.entrypoints.web.rendering import xml_document
from publisher.service.pages import Listing
from publisher.service.ports import Links

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_MAX_URLS = 50_000  # the protocol's limit per file


def robots_txt(links: Links) -> str:
    """Pages are for everyone; the APIs under /api/ are not for indexing."""
    return "\n".join(
        ["User-agent: *", "Disallow: /api/", f"Sitemap: {links.site_url('/sitemap.xml')}", ""]
    )


def sitemap_index(newsrooms: Sequence[Newsroom], links: Links) -> bytes:
    root = Element("sitemapindex", {"xmlns": SITEMAP})
    for newsroom in newsrooms:
        entry = SubElement(root, "sitemap")
        SubElement(entry, "loc").text = f"{links.newsroom_url(newsroom.slug)}sitemap.xml"
    return xml_document(root)


def newsroom_sitemap(home: Listing, links: Links) -> bytes:
    """The newsroom's home and every published release listed (newest first)."""
    newsroom = home.newsroom
    root = Element("urlset", {"xmlns": SITEMAP})
    first = SubElement(root, "url")
    SubElement(first, "loc").text = links.newsroom_url(newsroom.slug)
    for release in home.releases.items:
        url = SubElement(root, "url")
        SubElement(url, "loc").text = links.release_url(newsroom.slug, release.id)
        SubElement(url, "lastmod").text = release.updated_at.isoformat()
    return xml_document(root)

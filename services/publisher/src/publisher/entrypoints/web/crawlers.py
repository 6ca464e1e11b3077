"""What crawlers read first: ``/robots.txt``, the sitemap index and each newsroom's sitemap."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from xml.etree.ElementTree import Element, SubElement

from newsroom_shared.http.conditional import etag_of
from publisher.domain.newsroom import Newsroom
from publisher.domain.release import Release
from publisher.entrypoints.web.archive_pages import month_path, tag_path
from publisher.entrypoints.web.rendering import xml_document
from publisher.entrypoints.web.translations import alternates
from publisher.service.archive import Archive
from publisher.service.pages import GalleryImage, Listing
from publisher.service.ports import Links

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_IMAGE = "http://www.google.com/schemas/sitemap-image/1.1"
XHTML = "http://www.w3.org/1999/xhtml"  # hreflang alternates of a URL
IMAGES_PER_PAGE = 1_000  # the image extension's limit per URL
SITEMAP_MAX_URLS = 50_000  # the protocol's limit per file
# Tag pages in a newsroom's sitemap at most (the most used); the others are reached from their
# releases' pages, which are all in it.
SITEMAP_TAGS = 1_000


def robots_txt(sitemap_url: str) -> str:
    """Pages are for everyone; the APIs under /api/ are not for indexing. ``sitemap_url``: the
    platform's sitemap index, or on a newsroom's own domain that newsroom's sitemap."""
    return "\n".join(["User-agent: *", "Disallow: /api/", f"Sitemap: {sitemap_url}", ""])


def sitemap_index(newsrooms: Sequence[Newsroom], links: Links) -> bytes:
    """The sitemaps of the newsrooms on this site; one on its own domain is left out (a
    sitemap index names sitemaps of its own host only: that domain's robots.txt names it)."""
    root = Element("sitemapindex", {"xmlns": SITEMAP})
    for newsroom in newsrooms:
        if newsroom.domain:
            continue
        entry = SubElement(root, "sitemap")
        SubElement(entry, "loc").text = f"{links.newsroom_url(newsroom)}sitemap.xml"
    return xml_document(root)


def newsroom_sitemap(
    home: Listing,
    archive: Archive,
    links: Links,
    pictures: Mapping[str, tuple[GalleryImage, ...]],
    translations: Mapping[str, Sequence[Release]] | None = None,
) -> bytes:
    """The newsroom's home, its archive, month and tag pages, and every published release
    listed (newest first) with its pictures (Google's image extension) and its published
    translations as ``xhtml:link`` hreflang alternates (``translations``: by group)."""
    newsroom = home.newsroom
    home_url = links.newsroom_url(newsroom)  # on its own domain when it has one
    namespaces = {"xmlns": SITEMAP, "xmlns:image": SITEMAP_IMAGE, "xmlns:xhtml": XHTML}
    root = Element("urlset", namespaces)
    pages = [
        home_url,
        f"{home_url}archive/",
        *(month_path(home_url, entry.month) for entry in archive.months),
        *(tag_path(home_url, entry.tag) for entry in archive.tags),
    ]
    for page in pages:
        SubElement(SubElement(root, "url"), "loc").text = page
    for release in home.releases.items:
        url = SubElement(root, "url")
        SubElement(url, "loc").text = links.release_url(newsroom, release.id)
        SubElement(url, "lastmod").text = release.updated_at.isoformat()
        group = (translations or {}).get(release.translation_group or "", ())
        for alternate in alternates(group, newsroom, links):
            attributes = {"rel": "alternate", "hreflang": alternate.hreflang, "href": alternate.url}
            SubElement(url, "xhtml:link", attributes)
        for picture in pictures.get(release.id, ())[:IMAGES_PER_PAGE]:
            shown = picture.details.shown
            if shown is not None:
                SubElement(SubElement(url, "image:image"), "image:loc").text = shown.url
    return xml_document(root)


def sitemap_etag(
    home_etag: str,
    archive: Archive,
    pictures: Mapping[str, tuple[GalleryImage, ...]],
    translations: Mapping[str, Sequence[Release]] | None = None,
) -> str:
    months = [(m.month.path, m.count) for m in archive.months]
    # In each release's order (its gallery's): a reordered gallery lists its pictures anew.
    shown = [(r, [(p.media_id, p.happened_at) for p in ps]) for r, ps in sorted(pictures.items())]
    translated = sorted(
        (g, [(t.id, t.version) for t in ts]) for g, ts in (translations or {}).items()
    )
    return etag_of((home_etag, months, [t.tag for t in archive.tags], shown, translated))

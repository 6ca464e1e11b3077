"""The parser reads every feed format by its content (no network, no file): RSS 0.91, RSS 1.0
(RDF), RSS 2.0, Atom 0.3 and Atom 1.0; a body that is no feed is refused; a body that looks
like a file name is parsed, never opened."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from listening.adapters.feeds.parser import FeedparserParser
from listening.service.feed_ports import FeedParseError

RSS_091 = b"""<?xml version="1.0"?><rss version="0.91"><channel><title>C</title>
<language>en-us</language><item><title>Acme 091</title><link>https://ex.example/091</link>
<description>Old &lt;b&gt;school&lt;/b&gt;</description></item></channel></rss>"""

RSS_10 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://ex.example/"><title>C</title><link>https://ex.example/</link>
<description>d</description><dc:language>sv</dc:language></channel>
<item rdf:about="https://ex.example/10"><title>Acme 10</title><link>https://ex.example/10</link>
<description>RDF body</description><dc:date>2030-01-01T07:00:00Z</dc:date>
<dc:creator>Eva</dc:creator></item></rdf:RDF>"""

RSS_20 = b"""<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>C</title>
<item><guid>g-20</guid><title>Acme 20 \xe5\xe4\xf6</title><link>https://ex.example/20</link>
<description>&lt;p&gt;Two&lt;/p&gt;</description><pubDate>Tue, 01 Jan 2030 07:00:00 GMT</pubDate>
</item></channel></rss>"""

ATOM_03 = b"""<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#"
 xml:lang="en"><title>C</title><entry><title>Acme 03</title><id>urn:03</id>
<link rel="alternate" type="text/html" href="https://ex.example/03"/>
<issued>2030-01-01T07:00:00Z</issued><summary>Atom old</summary></entry></feed>"""

ATOM_10 = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>C</title>
<id>urn:c</id><updated>2030-01-01T07:00:00Z</updated><entry xml:lang="de"><id>urn:10</id>
<title type="text">Acme a&lt;b</title><updated>2030-01-01T07:00:00Z</updated>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>X<b>HTML</b></p></div></content>
<author><name>Ann</name></author><link href="https://ex.example/10a"/></entry></feed>"""


@pytest.mark.parametrize(
    ("body", "kind", "title", "link"),
    [
        (RSS_091, "rss", "Acme 091", "https://ex.example/091"),
        (RSS_10, "rss", "Acme 10", "https://ex.example/10"),
        (RSS_20, "rss", "Acme 20 åäö", "https://ex.example/20"),
        (ATOM_03, "atom", "Acme 03", "https://ex.example/03"),
        (ATOM_10, "atom", "Acme a&lt;b", "https://ex.example/10a"),
    ],
)
def test_every_format_is_read(body: bytes, kind: str, title: str, link: str) -> None:
    parsed = FeedparserParser().parse(body)
    [entry] = parsed.entries
    assert parsed.kind == kind
    assert entry.title == title
    assert entry.link == link


def test_what_an_entry_carries() -> None:
    [rdf] = FeedparserParser().parse(RSS_10).entries
    assert (rdf.author, rdf.published) == ("Eva", datetime(2030, 1, 1, 7, tzinfo=UTC))
    assert FeedparserParser().parse(RSS_10).language == "sv"
    [atom] = FeedparserParser().parse(ATOM_10).entries
    assert (atom.entry_id, atom.language, atom.author) == ("urn:10", "de", "Ann")
    assert "<b>HTML</b>" in atom.body


@pytest.mark.parametrize(
    "body", [b"<html><body>Not a feed</body></html>", b"", b"{}", b"/etc/passwd", b"~/.netrc"]
)
def test_a_body_that_is_no_feed_is_refused(body: bytes) -> None:
    with pytest.raises(FeedParseError, match="not an RSS or Atom feed"):
        FeedparserParser().parse(body)

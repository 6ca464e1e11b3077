"""Share links of a release page: plain links to each network's own share page, built here.

No third-party script, widget, pixel or counter: a reader's browser talks to a network only when
the reader follows its link. Mastodon has no one site: the reader names their instance in a
small form, and ``/<slug>/releases/<id>/share/mastodon`` sends them to that instance's share
page (a redirect this site builds from the release's own title and URL, to ``/share`` on a
host name and nothing else).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

# A DNS host name (letters, digits, hyphens; dots between labels), optionally with a port:
# no scheme, user, path or query can be smuggled into the redirect.
_HOST = re.compile(
    r"(?=.{1,253}(:|$))([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9](:[0-9]{1,5})?"
)


@dataclass(frozen=True, slots=True)
class ShareLink:
    network: str
    href: str


def share_links(title: str, url: str) -> list[ShareLink]:
    """Links that open each network's own page to share ``url`` (titled ``title``)."""
    text = f"{title} {url}"
    return [
        ShareLink("X", f"https://x.com/intent/post?{urlencode({'text': title, 'url': url})}"),
        ShareLink(
            "LinkedIn",
            f"https://www.linkedin.com/sharing/share-offsite/?{urlencode({'url': url})}",
        ),
        ShareLink(
            "Facebook", f"https://www.facebook.com/sharer/sharer.php?{urlencode({'u': url})}"
        ),
        # mailto wants %20 for spaces (RFC 6068), not the "+" of form encoding.
        ShareLink("Email", f"mailto:?subject={quote(title, safe='')}&body={quote(text, safe='')}"),
    ]


def mastodon_instance(value: str) -> str | None:
    """The host name a reader typed (``mastodon.social``, ``https://fosstodon.org/``), or
    ``None`` when it is not one."""
    host = value.strip().lower().removeprefix("https://").removeprefix("http://").rstrip("/")
    host = host.removeprefix("@").split("@")[-1]  # "@me@example.social" names its instance too
    return host if _HOST.fullmatch(host) else None


def mastodon_share_url(instance: str, title: str, url: str) -> str:
    return f"https://{instance}/share?{urlencode({'text': f'{title} {url}'})}"

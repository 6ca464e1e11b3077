"""Signed, expiring links to a tenant's media files that are not public yet (an embargoed
release's pictures, for its preview page).

The media service verifies them (``newsroom_shared.signed_urls``): the publisher holds the same
keys (``PUBLISHER_MEDIA_URL_SIGNING_KEYS``, set to ``MEDIA_URL_SIGNING_KEYS``' value; the newest
signs). The signature covers the path media routes, ``/files/<tenant>/<media>/<file>``, which
names the tenant: a link made for one tenant's file is no key to another's, and only URLs of the
release's own tenant are signed at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from newsroom_shared.signed_urls import UrlSigner


class SignedMediaLinks:
    def __init__(self, keys: Sequence[str]) -> None:
        self._signer = UrlSigner(keys)

    def signed(self, tenant_id: str, url: str, expires_at: datetime) -> str | None:
        """``url`` fetchable until ``expires_at``; None unless it is a file of the tenant."""
        parts = urlsplit(url)
        start = parts.path.find(f"/files/{tenant_id}/")
        if start < 0 or parts.query:
            return None
        routed = parts.path[start:]  # without the proxy's prefix (/api/media), as media routes
        query = self._signer.query(routed, expires_at)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))

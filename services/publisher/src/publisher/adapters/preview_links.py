"""Public URLs, and signed preview links for embargoed releases (itsdangerous).

A release's public URL is its web page, ``<web origin>/<newsroom slug>/releases/<release id>``
(the public pages serve it; the id, not the slug, so the URL survives a retitled draft). Events,
emails and social posts carry it, so it must not change: this is the one place that makes it
(a newsroom's own domain, when it has one, is chosen here: ``<scheme>://<domain>/releases/<id>``,
the scheme ``PUBLISHER_CUSTOM_DOMAIN_SCHEME``, https unless a test says otherwise).

A preview token carries the tenant, the release and the lift time, signed with
``PUBLISHER_SIGNING_SECRET``; it is valid until the lift (checked against our clock, so tests
can move time). It names a release, not a version: the page shows the release as it is now.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

from itsdangerous import BadData, URLSafeSerializer

from publisher.domain.newsroom import Newsroom
from publisher.domain.release import Release

SALT = "publisher.preview.v1"


class SignedLinks:
    def __init__(
        self,
        public_base_url: str,
        secret: str,
        *,
        web_origin: str,
        domain_scheme: str = "https",
    ) -> None:
        self._base = public_base_url.rstrip("/")
        self._web = web_origin.rstrip("/")
        self._domain_scheme = domain_scheme
        self._serializer = URLSafeSerializer(secret, salt=SALT)

    def release_url(self, newsroom: Newsroom, release_id: str) -> str:
        return f"{self.newsroom_url(newsroom)}releases/{quote(release_id)}"

    def newsroom_url(self, newsroom: Newsroom) -> str:
        if newsroom.domain:
            return self.domain_url(newsroom.domain, "/")
        return f"{self._web}/{quote(newsroom.slug)}/"

    def domain_url(self, domain: str, path: str) -> str:
        return f"{self._domain_scheme}://{domain}{path}"

    def site_url(self, path: str) -> str:
        return f"{self._web}{path}"

    def site_host(self) -> str:
        return (urlsplit(self._web).hostname or "").lower()

    def preview_token(self, release: Release, expires_at: datetime) -> str:
        payload = {"t": release.tenant_id, "r": release.id, "e": int(expires_at.timestamp() * 1000)}
        return self._serializer.dumps(payload)

    def preview_url(self, token: str) -> str:
        """The preview page (the release as readers will see it, marked embargoed)."""
        return f"{self._web}/preview/{token}"

    def read_preview_token(self, token: str, now: datetime) -> tuple[str, str] | None:
        found = self._read(token)
        if found is None or found[2] <= now:
            return None
        return found[0], found[1]

    def preview_expires_at(self, token: str) -> datetime | None:
        found = self._read(token)
        return None if found is None else found[2]

    def _read(self, token: str) -> tuple[str, str, datetime] | None:
        """(tenant id, release id, expiry) of a token we signed, expired or not."""
        try:
            payload = self._serializer.loads(token)
        except BadData:
            return None
        if not isinstance(payload, dict):
            return None
        tenant_id, release_id, expires_ms = payload.get("t"), payload.get("r"), payload.get("e")
        if not (isinstance(tenant_id, str) and isinstance(release_id, str)):
            return None
        if not isinstance(expires_ms, int):
            return None
        return tenant_id, release_id, datetime.fromtimestamp(expires_ms / 1000, UTC)

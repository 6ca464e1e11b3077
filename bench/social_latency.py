"""Benchmark P2's second figure: publication to the last social post, one channel on each of the
5 network fakes (the harness and the timing are in ``bench.email_fanout``)."""

from __future__ import annotations

from typing import Any

from fakes.bluesky import APP_PASSWORD, HANDLE
from fakes.facebook import PAGE_ID
from fakes.facebook import TOKEN as FACEBOOK_TOKEN
from fakes.linkedin import ORGANISATION
from fakes.linkedin import TOKEN as LINKEDIN_TOKEN
from fakes.mastodon import TOKEN as MASTODON_TOKEN
from fakes.x import TOKEN as X_TOKEN

from distribution.domain.channels import (
    BlueskyConfig,
    ChannelConfig,
    FacebookConfig,
    LinkedInConfig,
    MastodonConfig,
    XConfig,
)


def network_channels(fakes: dict[str, Any]) -> dict[str, ChannelConfig]:
    """One channel per network, pointing at its fake."""
    return {
        "mastodon": MastodonConfig(
            instance_url=fakes["mastodon"].base_url,
            access_token=MASTODON_TOKEN,
            allow_insecure_url=True,
        ),
        "bluesky": BlueskyConfig(
            service_url=fakes["bluesky"].base_url,
            handle=HANDLE,
            app_password=APP_PASSWORD,
            allow_insecure_url=True,
        ),
        "x": XConfig(account="acme", access_token=X_TOKEN, allow_insecure_url=True),
        "linkedin": LinkedInConfig(
            organization_urn=ORGANISATION, access_token=LINKEDIN_TOKEN, allow_insecure_url=True
        ),
        "facebook": FacebookConfig(
            page_id=PAGE_ID, page_access_token=FACEBOOK_TOKEN, allow_insecure_url=True
        ),
    }


def posts_created(fakes: dict[str, Any]) -> dict[str, int]:
    """Posts each fake has created so far (deleted ones too where the fake counts them)."""
    return {
        "mastodon": len(fakes["mastodon"].statuses),
        "bluesky": len(fakes["bluesky"].records),
        "x": fakes["x"].created,
        "linkedin": fakes["linkedin"].created,
        "facebook": fakes["facebook"].created,
    }

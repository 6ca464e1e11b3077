"""How X, LinkedIn and Facebook adapters report a far side that fails (Mastodon and Bluesky have
the same cases in their own files)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fakes import CLIENT_TIMEOUT, Failure, FakeServer
from fakes import facebook as fb
from fakes import linkedin as li
from fakes import x as fx
from fakes.releases import short_release

from distribution.adapters.networks.facebook import FacebookAdapter
from distribution.adapters.networks.http import OutcomeError, check_destination
from distribution.adapters.networks.linkedin import LinkedInAdapter
from distribution.adapters.networks.x import XAdapter
from distribution.domain.channels import FacebookConfig, LinkedInConfig, XConfig
from distribution.domain.outcomes import PermanentFailure, TransientFailure
from distribution.domain.social import Network, compose

KEY = "4f1c2a4e-0d7b-5b8e-9a0e-3e2d1c0b9a87"
Case = tuple[str, Callable[[httpx.AsyncClient, str], Any], Any, Network]

CASES: list[Case] = [
    (
        "fake_x",
        lambda client, url: XAdapter(client, CLIENT_TIMEOUT, base_url=url),
        XConfig(account="acme", access_token=fx.TOKEN, allow_insecure_url=True),
        Network.X,
    ),
    (
        "fake_linkedin",
        lambda client, url: LinkedInAdapter(client, CLIENT_TIMEOUT, base_url=url),
        LinkedInConfig(
            organization_urn=li.ORGANISATION,
            access_token=li.TOKEN,
            allow_insecure_url=True,
        ),
        Network.LINKEDIN,
    ),
    (
        "fake_facebook",
        lambda client, url: FacebookAdapter(client, CLIENT_TIMEOUT, url, api_version=fb.VERSION),
        FacebookConfig(page_id=fb.PAGE_ID, page_access_token=fb.TOKEN, allow_insecure_url=True),
        Network.FACEBOOK,
    ),
]


@pytest.fixture(params=CASES, ids=[case[3].value for case in CASES])
def failing(request, http_client) -> tuple[FakeServer, Any, Any, Network]:
    fixture, make, config, network = request.param
    fake: FakeServer = request.getfixturevalue(fixture)
    return fake, make(http_client, fake.base_url), config, network


async def publish(failing) -> Any:
    _, adapter, config, network = failing
    return await adapter.publish(config, [compose(short_release(), network)], KEY)


async def test_rate_limited_is_transient_with_retry_after(failing):
    failing[0].fail_next(Failure.RATE_LIMITED)

    outcome = await publish(failing)

    assert isinstance(outcome, TransientFailure)
    assert outcome.retry_after == timedelta(seconds=42)
    assert outcome.reason.startswith("HTTP 429")


async def test_server_error_is_transient(failing):
    failing[0].fail_next(Failure.SERVER_ERROR)

    outcome = await publish(failing)

    assert isinstance(outcome, TransientFailure)
    assert "Something went wrong on our side" in outcome.reason


async def test_unauthorised_is_permanent_with_the_message(failing):
    failing[0].fail_next(Failure.UNAUTHORIZED)

    outcome = await publish(failing)

    assert isinstance(outcome, PermanentFailure)
    assert outcome.reason.startswith("HTTP 401")
    assert "The access token is invalid" in outcome.reason


async def test_a_hang_times_out_as_transient(failing):
    failing[0].fail_next(Failure.HANG)

    outcome = await publish(failing)

    assert isinstance(outcome, TransientFailure)
    assert "timed out" in outcome.reason


async def test_it_works_again_once_the_failures_are_over(failing):
    failing[0].fail_next(Failure.SERVER_ERROR)
    assert isinstance(await publish(failing), TransientFailure)

    outcome = await publish(failing)

    assert not isinstance(outcome, TransientFailure | PermanentFailure)


async def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch):
    async def resolves_privately(host, port, *args, **kwargs):
        return [(2, 1, 6, "", ("10.0.0.5", port))]

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", resolves_privately)

    with pytest.raises(OutcomeError) as refused:
        await check_destination("https://hooks.example.com/in", allow_insecure=False)

    assert isinstance(refused.value.outcome, PermanentFailure)
    assert "internal address" in refused.value.outcome.reason

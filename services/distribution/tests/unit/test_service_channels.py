"""Channel use cases on in-memory ports: a channel names only its own tenant's newsroom, and a
tenant never sees or changes another tenant's channels."""

from __future__ import annotations

from typing import Any

import pytest

from distribution.domain.delivery import Delivery, DeliveryStatus
from distribution.service import channels
from distribution.service.errors import ConflictError, InvalidInputError, NotFoundError
from distribution.service.ports import UnitOfWork

TENANT, OTHER = "tenant-a", "tenant-b"
MASTODON = {"instance_url": "https://mastodon.example"}
TOKEN = {"access_token": "secret-token"}


async def create(uow: UnitOfWork, tenant: str, newsroom_id: str, **changes: Any) -> Any:
    arguments: dict[str, Any] = {
        "newsroom_id": newsroom_id,
        "kind": "mastodon",
        "name": "Acme on Mastodon",
        "settings": MASTODON,
        "credentials": TOKEN,
        "enabled": True,
        "allow_insecure": False,
    } | changes
    return await channels.create_channel(uow, tenant, **arguments)


async def test_a_channel_is_created_on_a_newsroom_of_the_callers_tenant(units, seed) -> None:
    seed.newsroom(TENANT, "n1")
    created = await units.transact(lambda uow: create(uow, TENANT, "n1"))
    stored = await channels.get_channel(units.reader(), TENANT, created.channel.id)
    assert (stored.tenant_id, stored.newsroom_id, stored.kind) == (TENANT, "n1", "mastodon")
    assert created.webhook_secret is None


async def test_another_tenants_newsroom_is_refused_like_an_unknown_one(units, seed) -> None:
    seed.newsroom(OTHER, "their-newsroom", slug="theirs")
    for newsroom_id in ("their-newsroom", "no-such-newsroom"):
        with pytest.raises(InvalidInputError) as refused:
            await units.transact(lambda uow, n=newsroom_id: create(uow, TENANT, n))
        assert refused.value.field == "newsroom_id"
    assert units.store.channels == {}


async def test_a_webhook_gets_a_generated_secret_shown_once(units, seed) -> None:
    seed.newsroom(TENANT, "n1")
    created = await units.transact(
        lambda uow: create(
            uow,
            TENANT,
            "n1",
            kind="webhook",
            settings={"url": "https://hooks.example/x"},
            credentials={},
        )
    )
    assert created.webhook_secret is not None
    assert created.webhook_secret.startswith("whsec_")
    with pytest.raises(InvalidInputError):
        await units.transact(
            lambda uow: create(
                uow,
                TENANT,
                "n1",
                kind="webhook",
                settings={"url": "https://hooks.example/y"},
                credentials={"secret": "whsec_chosen"},
            )
        )


async def test_changing_keeps_the_kind_and_validates_the_new_settings(units, seed) -> None:
    seed.newsroom(TENANT, "n1")
    channel = (await units.transact(lambda uow: create(uow, TENANT, "n1"))).channel

    def change(**fields: Any) -> Any:
        arguments: dict[str, Any] = {
            "name": None,
            "enabled": None,
            "settings": None,
            "credentials": None,
            "allow_insecure": False,
        } | fields
        return units.transact(
            lambda uow: channels.change_channel(uow, TENANT, channel.id, **arguments)
        )

    renamed = await change(name="Renamed", enabled=False)
    assert (renamed.name, renamed.enabled) == ("Renamed", False)
    with pytest.raises(ConflictError) as mismatch:
        await change(kind="bluesky", settings={"handle": "acme.example"})
    assert mismatch.value.code == "kind_mismatch"
    with pytest.raises(InvalidInputError) as private:
        await change(settings={"instance_url": "https://127.0.0.1"})
    assert private.value.field.startswith("settings.")
    stored = await channels.get_channel(units.reader(), TENANT, channel.id)
    assert stored.name == "Renamed"
    assert stored.config.instance_url == "https://mastodon.example"  # type: ignore[union-attr]


async def test_another_tenants_channel_is_not_found_for_any_command(units, seed) -> None:
    theirs = seed.mastodon_channel(tenant=OTHER)
    reader = units.reader()
    with pytest.raises(NotFoundError):
        await channels.get_channel(reader, TENANT, theirs.id)
    with pytest.raises(NotFoundError):
        await units.transact(
            lambda uow: channels.change_channel(
                uow,
                TENANT,
                theirs.id,
                name="Mine now",
                enabled=None,
                settings=None,
                credentials=None,
                allow_insecure=False,
            )
        )
    with pytest.raises(NotFoundError):
        await units.transact(
            lambda uow: channels.delete_channel(uow, TENANT, theirs.id, seed.clock.now())
        )
    assert units.store.channels[theirs.id] == theirs
    page = await channels.list_channels(
        reader, TENANT, newsroom_id=None, kind=None, after_id=None, limit=10
    )
    assert page == []


async def test_deleting_a_channel_cancels_its_pending_deliveries_only(units, seed) -> None:
    channel = seed.mastodon_channel()
    now = seed.clock.now()
    pending = Delivery.plan(
        tenant_id=TENANT,
        release_id="r1",
        newsroom_id="n1",
        channel_id=channel.id,
        channel_kind="mastodon",
        recipient="@acme",
        now=now,
    )
    other = Delivery.plan(
        tenant_id=TENANT,
        release_id="r1",
        newsroom_id="n1",
        channel_id="another-channel",
        channel_kind="mastodon",
        recipient="@acme",
        now=now,
    )
    units.store.deliveries |= {pending.id: pending, other.id: other}
    cancelled = await units.transact(
        lambda uow: channels.delete_channel(uow, TENANT, channel.id, now)
    )
    assert cancelled == 1
    assert channel.id not in units.store.channels
    assert units.store.deliveries[pending.id].status is DeliveryStatus.CANCELLED
    assert units.store.deliveries[other.id].status is DeliveryStatus.PENDING

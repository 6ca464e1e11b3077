"""The scheduler with a FakeClock: due releases publish on time, once, across restarts and with
two app instances racing."""

from datetime import timedelta

import pytest

from newsroom_shared.events.publisher import ReleasePublished
from newsroom_testing.consumer import eventually

from .conftest import PUBLIC_WEB_ORIGIN, Client, events_by_key, events_of, running

pytestmark = pytest.mark.connected
TOPIC = ReleasePublished.topic


async def scheduler_passes(client: Client, count: int = 2) -> None:
    """Wait until the background loop has made ``count`` more passes (it saw the clock as is)."""
    scheduler = client.app.state.scheduler
    target = scheduler.passes + count

    async def done() -> bool:
        return scheduler.passes >= target

    await eventually(done, timeout_s=30)


async def status_of(tenant, release_id: str) -> str:
    return (await tenant.ok("GET", f"/v1/releases/{release_id}"))["status"]


async def wait_for_status(tenant, release_id: str, status: str) -> None:
    async def reached() -> bool:
        return await status_of(tenant, release_id) == status

    await eventually(reached, timeout_s=30)


async def one_publication_each(client: Client, infra, tenant, release_ids: list[str]) -> None:
    """Every release has exactly one ReleasePublished on the topic and one publishing version."""
    await client.outbox_drained()
    events = await events_by_key(infra.kafka_bootstrap_servers, TOPIC, release_ids)
    for release_id in release_ids:
        assert len(events[release_id]) == 1, release_id
        versions = await tenant.ok("GET", f"/v1/releases/{release_id}/versions")
        actions = [v["action"] for v in versions["items"]]
        assert sum(a in ("publish_due", "lift_embargo") for a in actions) == 1, actions


async def test_scheduled_and_embargoed_releases_publish_on_time_once(
    client, clock, infra, unique
) -> None:
    acme = await client.new_tenant()
    room = await acme.newsroom(f"acme-{unique}")
    scheduled = await acme.release(room["id"], title="Scheduled")
    embargoed = await acme.release(room["id"], title="Embargoed")
    publish_at = clock.now() + timedelta(minutes=10)
    embargo_until = clock.now() + timedelta(minutes=20)
    await acme.ok(
        "POST",
        f"/v1/releases/{scheduled['id']}/schedule",
        json={"publish_at": publish_at.isoformat()},
    )
    await acme.ok(
        "POST",
        f"/v1/releases/{embargoed['id']}/publish",
        json={"embargo_until": embargo_until.isoformat()},
    )
    link = await acme.ok("POST", f"/v1/releases/{embargoed['id']}/preview-links", 201)
    public = f"/v1/public/newsrooms/{room['slug']}/releases"

    clock.set(publish_at - timedelta(seconds=1))
    await scheduler_passes(client)
    assert await status_of(acme, scheduled["id"]) == "scheduled"

    clock.set(publish_at)
    await wait_for_status(acme, scheduled["id"], "published")
    await scheduler_passes(client)
    assert await status_of(acme, embargoed["id"]) == "embargoed"
    listed = await client.http.get(public)
    assert [r["slug"] for r in listed.json()["items"]] == ["scheduled"]
    assert link["url"] == f"{PUBLIC_WEB_ORIGIN}/preview/{link['token']}"  # the page
    preview = await client.http.get(f"/v1/public/preview/{link['token']}")
    assert preview.status_code == 200
    assert preview.json()["embargo_until"] is not None
    page = await client.http.get(f"/preview/{link['token']}")
    assert page.status_code == 200
    assert "Embargoed: not for publication before" in page.text

    clock.set(embargo_until + timedelta(seconds=5))
    await wait_for_status(acme, embargoed["id"], "published")
    listed = await client.http.get(public)
    assert [r["slug"] for r in listed.json()["items"]] == ["embargoed", "scheduled"]
    lifted = await acme.ok("GET", f"/v1/releases/{embargoed['id']}")
    assert lifted["published_at"] == lifted["embargo_until"]
    expired = await client.http.get(f"/v1/public/preview/{link['token']}")
    assert expired.status_code == 404
    assert (await client.http.get(f"/preview/{link['token']}")).status_code == 404

    await scheduler_passes(client)
    await one_publication_each(client, infra, acme, [scheduled["id"], embargoed["id"]])
    [record] = await events_of(infra.kafka_bootstrap_servers, TOPIC, embargoed["id"])
    assert ReleasePublished.model_validate_json(record.value).embargo_until == embargo_until


async def test_due_work_survives_a_restart(settings, clock, infra, unique, drop_database) -> None:
    async with running(settings, clock) as first:
        acme = await first.new_tenant()
        room = await acme.newsroom(f"acme-{unique}")
        release = await acme.release(room["id"])
        due = clock.now() + timedelta(hours=1)
        await acme.ok(
            "POST", f"/v1/releases/{release['id']}/schedule", json={"publish_at": due.isoformat()}
        )
        token = acme.token

    clock.set(due + timedelta(minutes=5))  # the due time passes while no instance runs
    async with running(settings, clock) as second:
        acme = (await second.new_tenant("unused")).as_key(token)
        await wait_for_status(acme, release["id"], "published")
        await scheduler_passes(second)
        await one_publication_each(second, infra, acme, [release["id"]])


async def test_two_instances_racing_publish_each_release_once(
    settings, clock, infra, unique, drop_database
) -> None:
    async with running(settings, clock) as one, running(settings, clock) as two:
        acme = await one.new_tenant()
        room = await acme.newsroom(f"acme-{unique}")
        due = clock.now() + timedelta(minutes=1)
        ids = []
        for n in range(6):
            release = await acme.release(room["id"], title=f"Release {n}")
            if n % 2:
                body, action = {"embargo_until": due.isoformat()}, "publish"
            else:
                body, action = {"publish_at": due.isoformat()}, "schedule"
            await acme.ok("POST", f"/v1/releases/{release['id']}/{action}", json=body)
            ids.append(release["id"])

        clock.set(due)
        for release_id in ids:
            await wait_for_status(acme, release_id, "published")
        await scheduler_passes(one)
        await scheduler_passes(two)
        await two.outbox_drained()
        await one_publication_each(one, infra, acme, ids)

import pytest

pytestmark = pytest.mark.connected


async def test_health_and_a_release_through_the_api(client, unique) -> None:
    assert (await client.http.get("/healthz")).status_code == 200
    acme = await client.new_tenant()
    room = await acme.newsroom(f"acme-{unique}")
    release = await acme.release(room["id"], body="<p>Hi<script>x</script></p>")
    assert release["status"] == "draft"
    assert release["body"] == "<p>Hi</p>"
    published = await acme.ok("POST", f"/v1/releases/{release['id']}/publish")
    assert published["status"] == "published"

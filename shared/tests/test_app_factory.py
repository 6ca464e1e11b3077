"""The one app factory: subscriptions from the table, offline docs, the wired service on the app.

No server is contacted: the app is driven through ASGI without its lifespan, and the broker's
subscribers are inspected, not started.
"""

from __future__ import annotations

import httpx
import pytest
from pymongo.asynchronous.client_session import AsyncClientSession

from newsroom_shared.config import ServiceSettings
from newsroom_shared.consumer import EventHandler
from newsroom_shared.consumer.table import Subscription, register
from newsroom_shared.events.envelope import ReceivedEvent
from newsroom_shared.events.media import MediaDeleted, MediaProcessed
from newsroom_shared.runtime import ServiceRuntime


class Wired:
    """Stands for a service's wiring (``Publisher``, ``Distribution``)."""

    def __init__(self) -> None:
        self.built: list[str] = []

    def handler(self, name: str) -> EventHandler:
        self.built.append(name)

        async def apply(session: AsyncClientSession, received: ReceivedEvent) -> None:
            return None

        return apply


TABLE: list[Subscription[Wired]] = [
    Subscription("test.processed", MediaProcessed, lambda w: w.handler("p"), purpose="p"),
    Subscription(
        "test.deleted", MediaDeleted, lambda w: w.handler("d"), purpose="d", on_publish_path=True
    ),
]


def make_app(wired: Wired, **settings: object) -> tuple[ServiceRuntime, object]:
    runtime = ServiceRuntime(ServiceSettings(**settings))  # type: ignore[arg-type]
    app = runtime.create_app(
        title="test", version="1", description="d", routers=[], wired=wired, subscriptions=TABLE
    )
    return runtime, app


def test_every_row_becomes_a_subscriber_with_its_handler_built_from_the_wiring() -> None:
    wired = Wired()
    runtime, app = make_app(wired, kafka_fetch_max_wait_ms=100)
    assert wired.built == ["p", "d"]
    topics = sorted(name for s in runtime.broker.subscribers for name in s.topic_names)
    assert topics == sorted([MediaProcessed.topic, MediaDeleted.topic])
    assert app.state.service is wired  # type: ignore[attr-defined]


def test_fetch_wait_follows_the_row() -> None:
    settings = ServiceSettings(kafka_fetch_max_wait_ms=100, kafka_off_path_fetch_max_wait_ms=2000)
    assert TABLE[0].fetch_max_wait_ms(settings) == 2000
    assert TABLE[1].fetch_max_wait_ms(settings) == 100


def test_api_only_replicas_register_only_what_serves_the_api() -> None:
    wired = Wired()
    runtime = ServiceRuntime(ServiceSettings(consumers_enabled=False))
    keys = Subscription(
        "test.keys", MediaProcessed, lambda w: w.handler("k"), purpose="k", serves_the_api=True
    )
    register(runtime.broker, [*TABLE, keys], wired, db=runtime.db, settings=runtime.settings)
    assert wired.built == ["k"]
    assert len(list(runtime.broker.subscribers)) == 1


def test_names_must_be_unique_within_a_service() -> None:
    runtime = ServiceRuntime(ServiceSettings())
    with pytest.raises(ValueError, match="unique"):
        register(
            runtime.broker, [TABLE[0], TABLE[0]], Wired(), db=runtime.db, settings=runtime.settings
        )


async def test_api_docs_load_their_assets_from_the_service_itself() -> None:
    _, app = make_app(Wired())
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
        page = (await client.get("/docs")).text
        assert "cdn" not in page.lower()
        assert "/static-offline-docs/swagger-ui-bundle.js" in page
        script = await client.get("/static-offline-docs/swagger-ui-bundle.js")
        assert script.status_code == 200
        assert "SwaggerUIBundle" in script.text
        assert (await client.get("/static-offline-docs/swagger-ui.css")).status_code == 200


def test_rate_limits_learn_how_many_proxies_stand_in_front() -> None:
    _, app = make_app(Wired(), http_trusted_proxies=1)
    assert app.state.trusted_proxies == 1  # type: ignore[attr-defined]
    _, direct = make_app(Wired())
    assert direct.state.trusted_proxies == 0  # type: ignore[attr-defined]

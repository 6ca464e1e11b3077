"""Root conftest: the shared fixtures, and the fast layer.

Every test that needs no server (it neither asks for the ``infra`` fixture, directly or through
another fixture, nor carries the ``connected`` marker) is marked ``unit``: ``./dev unit`` runs
exactly those, without starting the local Kafka and MongoDB.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["newsroom_testing.fixtures", "newsroom_testing.browser_fixtures"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        needs_servers = "infra" in getattr(item, "fixturenames", ()) or item.get_closest_marker(
            "connected"
        )
        if not needs_servers:
            item.add_marker(pytest.mark.unit)
        elif item.get_closest_marker("unit"):
            raise pytest.UsageError(f"{item.nodeid} is marked unit but needs the servers")

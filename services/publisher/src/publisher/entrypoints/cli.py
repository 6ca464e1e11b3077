"""The ``publisher`` command: operator tasks that need no running server.

``publisher create-tenant --name "Acme"`` creates a tenant and prints its first admin API key
(shown once). ``publisher republish-api-keys`` emits ``ApiKeyIssued`` for every key (and
``ApiKeyRevoked`` for revoked ones) through the outbox, for keys made before those events
existed or a service that starts following keys later; a running publisher's relay sends them.
``publisher republish-newsrooms`` emits ``NewsroomUpdated`` for every newsroom the same way, for
newsrooms made before the newsroom events existed or a service that starts following them
later (distribution's read model of newsrooms). ``publisher index-search`` gives search terms to
releases stored before search existed (run it once after upgrading). ``publisher openapi``
prints the API's OpenAPI document (committed as ``services/publisher/openapi.json``, checked by
a test so it stays true).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable

from newsroom_shared.runtime import ServiceRuntime
from newsroom_shared.serve import openapi_json
from publisher.adapters.mongo.indexes import ensure_indexes
from publisher.adapters.mongo.search_terms import index_unsearchable
from publisher.bootstrap import bootstrap
from publisher.config import PublisherSettings
from publisher.service import api_keys, newsrooms, tenants
from publisher.service.ports import UnitOfWork


async def create_tenant(name: str, key_name: str, settings: PublisherSettings) -> int:
    runtime = ServiceRuntime(settings)
    try:
        await ensure_indexes(runtime.db)
        await runtime.outbox.ensure_indexes()
        publisher = bootstrap(settings, runtime)
        created = await tenants.create_tenant(
            publisher.uow(), publisher.deps, name=name, key_name=key_name
        )
    finally:
        await runtime.mongo.close()
    print(f"tenant id:     {created.tenant.id}")
    print(f"tenant name:   {created.tenant.name}")
    print(f"admin key id:  {created.admin_key.key.id}")
    print(f"admin API key: {created.admin_key.token}")
    print("Keep the key safe: it is shown only now (only its hash is stored).", file=sys.stderr)
    return 0


async def republish(
    settings: PublisherSettings,
    what: str,
    task: Callable[[UnitOfWork], Awaitable[int]],
) -> int:
    """Run an operator's republish task; the running publisher's relay sends its events."""
    runtime = ServiceRuntime(settings)
    try:
        await ensure_indexes(runtime.db)
        await runtime.outbox.ensure_indexes()
        publisher = bootstrap(settings, runtime)
        count = await task(publisher.uow())
    finally:
        await runtime.mongo.close()
    print(f"republished {count} {what} (the running publisher's outbox relay sends them)")
    return 0


async def republish_api_keys(settings: PublisherSettings) -> int:
    return await republish(settings, "API keys", api_keys.republish_keys)


async def republish_newsrooms(settings: PublisherSettings) -> int:
    return await republish(settings, "newsrooms", newsrooms.republish_newsrooms)


async def index_search(settings: PublisherSettings) -> int:
    runtime = ServiceRuntime(settings)
    try:
        await ensure_indexes(runtime.db)
        count = await index_unsearchable(runtime.db)
    finally:
        await runtime.mongo.close()
    print(f"gave search terms to {count} releases")
    return 0


def openapi_document() -> str:
    """The OpenAPI document as committed: stable key order, two-space indent, final newline."""
    from publisher.main import create_app  # the app only when asked for: it wires everything

    return openapi_json(create_app(PublisherSettings()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="publisher", description="Publisher operator tasks")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-tenant", help="create a tenant and its first admin key")
    create.add_argument("--name", required=True, help="the tenant's name")
    create.add_argument("--key-name", default="first admin key", help="name of the admin key")
    commands.add_parser(
        "republish-api-keys",
        help="emit ApiKeyIssued/ApiKeyRevoked for every key (services rebuild their replicas)",
    )
    commands.add_parser(
        "republish-newsrooms",
        help="emit NewsroomUpdated for every newsroom (services rebuild their read models)",
    )
    commands.add_parser(
        "index-search", help="give search terms to releases stored before search existed"
    )
    commands.add_parser("openapi", help="print the OpenAPI document of the API")
    args = parser.parse_args(argv)
    if args.command == "openapi":
        sys.stdout.write(openapi_document())
        return 0
    if args.command == "create-tenant":
        return asyncio.run(create_tenant(args.name, args.key_name, PublisherSettings()))
    if args.command == "republish-api-keys":
        return asyncio.run(republish_api_keys(PublisherSettings()))
    if args.command == "republish-newsrooms":
        return asyncio.run(republish_newsrooms(PublisherSettings()))
    if args.command == "index-search":
        return asyncio.run(index_search(PublisherSettings()))
    parser.error(f"unknown command {args.command}")
    return 2

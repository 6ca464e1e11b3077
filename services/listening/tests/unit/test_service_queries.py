"""Query use cases on in-memory fakes: tenant scope, limits, the version every change raises,
and the matcher of each replica following it."""

from __future__ import annotations

import pytest

from listening.domain.errors import LimitReachedError, NotFoundError, QuerySyntaxError
from listening.domain.text import Document
from listening.service import queries
from listening.service.ports import Deps
from listening.service.query_index import QueryIndex

from .conftest import FakeUnitOfWork


async def test_create_get_list_change_delete(uow: FakeUnitOfWork, deps: Deps) -> None:
    made = await queries.create_query(uow, deps, "t1", name=" Brand ", text="acme OR coyote")
    assert made.name == "Brand"
    assert (await queries.get_query(uow, "t1", made.id)).text == "acme OR coyote"
    changed = await queries.change_query(uow, deps, "t1", made.id, name=None, text="acme")
    assert (changed.name, changed.text, changed.version) == ("Brand", "acme", 2)
    page = await queries.list_queries(uow, "t1", after_id=None, limit=10)
    assert [q.id for q in page.items] == [made.id]
    await queries.delete_query(uow, "t1", made.id)
    with pytest.raises(NotFoundError):
        await queries.get_query(uow, "t1", made.id)


async def test_every_change_raises_the_version(uow: FakeUnitOfWork, deps: Deps) -> None:
    made = await queries.create_query(uow, deps, "t1", name="q", text="acme")
    await queries.change_query(uow, deps, "t1", made.id, name="r", text=None)
    await queries.delete_query(uow, "t1", made.id)
    assert uow.store.version == 3


async def test_a_query_that_does_not_parse_is_not_stored(uow: FakeUnitOfWork, deps: Deps) -> None:
    with pytest.raises(QuerySyntaxError):
        await queries.create_query(uow, deps, "t1", name="q", text="acme AND")
    made = await queries.create_query(uow, deps, "t1", name="q", text="acme")
    with pytest.raises(QuerySyntaxError):
        await queries.change_query(uow, deps, "t1", made.id, name=None, text="(acme")
    assert (await queries.get_query(uow, "t1", made.id)).text == "acme"
    assert uow.store.version == 1


async def test_another_tenants_query_is_not_found(uow: FakeUnitOfWork, deps: Deps) -> None:
    made = await queries.create_query(uow, deps, "t1", name="q", text="acme")
    with pytest.raises(NotFoundError):
        await queries.get_query(uow, "t2", made.id)
    with pytest.raises(NotFoundError):
        await queries.change_query(uow, deps, "t2", made.id, name="x", text=None)
    with pytest.raises(NotFoundError):
        await queries.delete_query(uow, "t2", made.id)
    assert (await queries.list_queries(uow, "t2", after_id=None, limit=10)).items == []


async def test_a_tenant_keeps_a_bounded_number(uow: FakeUnitOfWork, deps: Deps) -> None:
    for n in range(deps.max_queries_per_tenant):
        await queries.create_query(uow, deps, "t1", name=f"q{n}", text="acme")
    with pytest.raises(LimitReachedError):
        await queries.create_query(uow, deps, "t1", name="one more", text="acme")
    await queries.create_query(uow, deps, "t2", name="other tenant", text="acme")


async def test_listing_pages(uow: FakeUnitOfWork, deps: Deps) -> None:
    made = [await queries.create_query(uow, deps, "t1", name=f"q{n}", text="a") for n in range(3)]
    first = await queries.list_queries(uow, "t1", after_id=None, limit=2)
    assert first.more
    rest = await queries.list_queries(uow, "t1", after_id=first.items[-1].id, limit=2)
    assert not rest.more
    assert {q.id for q in first.items + rest.items} == {q.id for q in made}


async def test_the_index_rebuilds_only_when_the_version_moved(
    uow: FakeUnitOfWork, deps: Deps
) -> None:
    index = QueryIndex(lambda: uow)
    assert await index.refresh() == 1  # first build
    assert await index.refresh() == 0
    made = await queries.create_query(uow, deps, "t1", name="q", text="acme")
    assert await index.refresh() == 1
    assert [m.query.id for m in index.matcher.match(Document.of("Acme!"), "t1")] == [made.id]
    await queries.change_query(uow, deps, "t1", made.id, name=None, text="coyote")
    await index.refresh()
    assert index.matcher.match(Document.of("Acme!"), "t1") == []
    await queries.delete_query(uow, "t1", made.id)
    await index.refresh()
    assert index.matcher.match(Document.of("coyote"), "t1") == []

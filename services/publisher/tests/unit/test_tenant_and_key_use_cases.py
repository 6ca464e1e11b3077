import pytest

from publisher.domain.errors import (
    AlreadyExistsError,
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
)
from publisher.service import api_keys, newsrooms, tenants
from publisher.service.ports import Caller


async def test_a_new_tenant_gets_one_admin_key(uow, deps) -> None:
    created = await tenants.create_tenant(uow, deps, name="Acme")
    key = created.admin_key.key
    assert key.tenant_id == created.tenant.id
    assert key.scopes == ["admin"]
    assert created.admin_key.token.startswith(f"nrk_{key.id}_")
    assert key.secret_hash != created.admin_key.token  # only a hash is kept
    assert (await uow.api_keys.get(created.tenant.id, key.id)) is not None


async def test_keys_are_listed_per_tenant_and_revoked_once(uow, deps) -> None:
    acme = await tenants.create_tenant(uow, deps, name="Acme")
    other = await tenants.create_tenant(uow, deps, name="Other")
    admin = Caller(acme.tenant.id, acme.admin_key.key.id)
    editor = await api_keys.create_key(uow, deps, admin, name="ed", scopes=["editor", "viewer"])
    assert editor.key.scopes == ["viewer", "editor"]

    page = await api_keys.list_keys(uow, admin, after_id=None, limit=1)
    assert page.more
    assert [k.id for k in page.items] == [editor.key.id]

    revoked = await api_keys.revoke_key(uow, deps, admin, editor.key.id)
    assert revoked.revoked_at == deps.clock.now()
    again = await api_keys.revoke_key(uow, deps, admin, editor.key.id)
    assert again.revoked_at == revoked.revoked_at
    assert deps.revocations.forgotten[-1] == editor.key.id

    stranger = Caller(other.tenant.id, other.admin_key.key.id)
    with pytest.raises(NotFoundError):
        await api_keys.revoke_key(uow, deps, stranger, acme.admin_key.key.id)


async def test_the_last_admin_key_cannot_be_revoked(uow, deps) -> None:
    acme = await tenants.create_tenant(uow, deps, name="Acme")
    admin = Caller(acme.tenant.id, acme.admin_key.key.id)
    with pytest.raises(NotAllowedError, match="last active admin key"):
        await api_keys.revoke_key(uow, deps, admin, acme.admin_key.key.id)
    second = await api_keys.create_key(uow, deps, admin, name="second", scopes=["admin"])
    await api_keys.revoke_key(uow, deps, admin, acme.admin_key.key.id)
    assert (await uow.api_keys.count_active_admins(acme.tenant.id)) == 1
    assert second.key.active


async def test_unknown_scopes_are_refused(uow, deps, caller) -> None:
    with pytest.raises(InvalidInputError, match="unknown scopes"):
        await api_keys.create_key(uow, deps, caller, name="x", scopes=["root"])


async def test_newsroom_slugs_are_global(uow, deps) -> None:
    a = Caller("a" * 24, "k")
    b = Caller("b" * 24, "k")
    room = await newsrooms.create_newsroom(uow, deps, a, name="Acme News", default_language="en")
    assert room.slug == "acme-news"
    with pytest.raises(AlreadyExistsError):
        await newsrooms.create_newsroom(
            uow, deps, b, name="Other", default_language="en", slug="acme-news"
        )
    with pytest.raises(NotFoundError):
        await newsrooms.get_newsroom(uow, b, room.id)
    assert (await newsrooms.list_newsrooms(uow, b, after_id=None, limit=10)).items == []

"""Creating and revoking keys emit the events other services build their key replicas from."""

from newsroom_shared.events.publisher import ApiKeyIssued, ApiKeyRevoked
from publisher.service import api_keys, tenants
from publisher.service.ports import Caller


def key_events(uow) -> list[ApiKeyIssued | ApiKeyRevoked]:
    return [e for e in uow.events if isinstance(e, ApiKeyIssued | ApiKeyRevoked)]


async def test_a_new_tenant_emits_its_admin_key(uow, deps) -> None:
    created = await tenants.create_tenant(uow, deps, name="Acme")
    key = created.admin_key.key
    assert key_events(uow) == [
        ApiKeyIssued(
            tenant_id=created.tenant.id,
            key_id=key.id,
            scopes=["admin"],
            secret_hash=key.secret_hash,
            issued_at=key.created_at,
        )
    ]


async def test_each_key_is_issued_once_and_revoked_once(uow, deps) -> None:
    acme = await tenants.create_tenant(uow, deps, name="Acme")
    admin = Caller(acme.tenant.id, acme.admin_key.key.id)
    editor = await api_keys.create_key(uow, deps, admin, name="ed", scopes=["editor"])
    await api_keys.revoke_key(uow, deps, admin, editor.key.id)
    await api_keys.revoke_key(uow, deps, admin, editor.key.id)  # already revoked: no event

    emitted = key_events(uow)
    assert [type(e).__name__ for e in emitted] == ["ApiKeyIssued", "ApiKeyIssued", "ApiKeyRevoked"]
    revoked = emitted[-1]
    assert isinstance(revoked, ApiKeyRevoked)
    assert (revoked.tenant_id, revoked.key_id) == (acme.tenant.id, editor.key.id)
    assert revoked.revoked_at == deps.clock.now()


async def test_republish_emits_every_key_of_every_tenant_in_pages(uow, deps) -> None:
    acme = await tenants.create_tenant(uow, deps, name="Acme")
    other = await tenants.create_tenant(uow, deps, name="Other")
    admin = Caller(acme.tenant.id, acme.admin_key.key.id)
    editor = await api_keys.create_key(uow, deps, admin, name="ed", scopes=["editor"])
    await api_keys.revoke_key(uow, deps, admin, editor.key.id)
    uow.events.clear()

    assert await api_keys.republish_keys(uow, batch_size=2) == 3

    emitted = key_events(uow)
    issued = sorted(e.key_id for e in emitted if isinstance(e, ApiKeyIssued))
    revoked = [e.key_id for e in emitted if isinstance(e, ApiKeyRevoked)]
    assert issued == sorted([acme.admin_key.key.id, other.admin_key.key.id, editor.key.id])
    assert revoked == [editor.key.id]

"""Staff API keys of the caller's tenant (admin only)."""

from __future__ import annotations

from fastapi import APIRouter, status

from newsroom_shared.http.errors import error_responses
from newsroom_shared.http.pagination import Cursor, Limit, Page, encode_cursor
from publisher.entrypoints.http.dependencies import Admin, PublisherDep, cursor_str
from publisher.entrypoints.http.schemas.api_keys import ApiKeyCreate, ApiKeyCreated, ApiKeyOut
from publisher.service import api_keys

router = APIRouter(prefix="/v1/api-keys", tags=["api keys"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_api_key(
    body: ApiKeyCreate, caller: Admin, publisher: PublisherDep
) -> ApiKeyCreated:
    """Create an API key; its token is in this answer only."""
    created = await api_keys.create_key(
        publisher.uow(), publisher.deps, caller, name=body.name, scopes=body.scopes
    )
    return ApiKeyCreated.of(created)


@router.get("")
async def list_api_keys(
    caller: Admin, publisher: PublisherDep, limit: Limit, cursor: Cursor = None
) -> Page[ApiKeyOut]:
    """List the tenant's API keys (revoked ones too), newest first."""
    after = cursor_str(cursor, "id")
    page = await api_keys.list_keys(publisher.reader(), caller, after_id=after, limit=limit)
    next_cursor = encode_cursor({"id": page.items[-1].id}) if page.more else None
    return Page(items=[ApiKeyOut.of(k) for k in page.items], next_cursor=next_cursor)


@router.get("/{key_id}")
async def get_api_key(key_id: str, caller: Admin, publisher: PublisherDep) -> ApiKeyOut:
    """One API key."""
    return ApiKeyOut.of(await api_keys.get_key(publisher.reader(), caller, key_id))


# A POST, not DELETE: a revoked key stays readable (its record shows who could do what, and
# when that ended), and after a DELETE a client may rightly expect the key to be gone.
@router.post("/{key_id}/revoke", responses=error_responses(409))
async def revoke_api_key(key_id: str, caller: Admin, publisher: PublisherDep) -> ApiKeyOut:
    """Revoke an API key (at once here; other replicas within the key cache TTL); idempotent."""
    return ApiKeyOut.of(await api_keys.revoke_key(publisher.uow(), publisher.deps, caller, key_id))

"""Listening queries of the caller's tenant (editors change them, everyone reads them)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from listening.entrypoints.http.dependencies import (
    EditorTenant,
    ListeningDep,
    ViewerTenant,
    cursor_str,
)
from listening.entrypoints.http.schemas.queries import QueryCreate, QueryOut, QueryUpdate
from listening.service import queries
from newsroom_shared.http.errors import error_responses
from newsroom_shared.http.pagination import Cursor, Limit, Page, encode_cursor

router = APIRouter(prefix="/v1/queries", tags=["queries"])


@router.post("", status_code=status.HTTP_201_CREATED, responses=error_responses(409))
async def create_query(
    body: QueryCreate, tenant: EditorTenant, listening: ListeningDep
) -> QueryOut:
    """Create a query; it matches new posts within seconds (422 names where it does not parse)."""
    thresholds = body.spike_thresholds.chosen() if body.spike_thresholds else None
    query = await queries.create_query(
        listening.uow(),
        listening.deps,
        tenant,
        name=body.name,
        text=body.text,
        spike_thresholds=thresholds,
    )
    listening.queries_changed.ring()
    return QueryOut.of(query)


@router.get("")
async def list_queries(
    tenant: ViewerTenant, listening: ListeningDep, limit: Limit, cursor: Cursor = None
) -> Page[QueryOut]:
    """List the tenant's queries, newest first."""
    after = cursor_str(cursor, "id")
    page = await queries.list_queries(listening.reader(), tenant, after_id=after, limit=limit)
    next_cursor = encode_cursor({"id": page.items[-1].id}) if page.more else None
    return Page(items=[QueryOut.of(q) for q in page.items], next_cursor=next_cursor)


@router.get("/{query_id}")
async def get_query(query_id: str, tenant: ViewerTenant, listening: ListeningDep) -> QueryOut:
    """One query."""
    return QueryOut.of(await queries.get_query(listening.reader(), tenant, query_id))


@router.patch("/{query_id}", responses=error_responses(409))
async def update_query(
    query_id: str, body: QueryUpdate, tenant: EditorTenant, listening: ListeningDep
) -> QueryOut:
    """Change a query's name, text or spike thresholds (a new text applies within seconds)."""
    thresholds = body.spike_thresholds.chosen() if body.spike_thresholds else None
    query = await queries.change_query(
        listening.uow(),
        listening.deps,
        tenant,
        query_id,
        name=body.name,
        text=body.text,
        spike_thresholds=thresholds,
    )
    listening.queries_changed.ring()
    return QueryOut.of(query)


@router.delete(
    "/{query_id}", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(409)
)
async def delete_query(query_id: str, tenant: EditorTenant, listening: ListeningDep) -> Response:
    """Delete a query (its mentions stay)."""
    await queries.delete_query(listening.uow(), tenant, query_id)
    listening.queries_changed.ring()
    return Response(status_code=status.HTTP_204_NO_CONTENT)

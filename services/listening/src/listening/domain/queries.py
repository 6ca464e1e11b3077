"""A tenant's listening query: a name and a text in the query language, parsed whenever one
is made or changed, so a stored query always parses."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from listening.domain.ids import new_id
from listening.domain.query_ast import Node
from listening.domain.query_language import parse_query

MAX_NAME = 200


@dataclass(frozen=True, slots=True)
class ListeningQuery:
    id: str
    tenant_id: str
    name: str
    text: str
    tree: Node = field(compare=False, repr=False)
    created_at: datetime
    updated_at: datetime
    version: int = 1

    @classmethod
    def create(cls, *, tenant_id: str, name: str, text: str, now: datetime) -> ListeningQuery:
        """Raises :class:`~listening.domain.errors.QuerySyntaxError` for a text that does not
        parse."""
        return cls(new_id(), tenant_id, name.strip(), text, parse_query(text), now, now)

    @classmethod
    def restore(
        cls,
        *,
        id: str,
        tenant_id: str,
        name: str,
        text: str,
        created_at: datetime,
        updated_at: datetime,
        version: int,
    ) -> ListeningQuery:
        """A stored query (it parsed when it was stored; the grammar only ever grows)."""
        return cls(id, tenant_id, name, text, parse_query(text), created_at, updated_at, version)

    def changed(self, *, name: str | None, text: str | None, now: datetime) -> ListeningQuery:
        new_text = self.text if text is None else text
        return replace(
            self,
            name=self.name if name is None else name.strip(),
            text=new_text,
            tree=parse_query(new_text) if text is not None else self.tree,
            updated_at=now,
            version=self.version + 1,
        )

"""A tenant's listening query: a name and a text in the query language, parsed whenever one
is made or changed, so a stored query always parses."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from listening.domain.ids import new_id
from listening.domain.query_ast import Node
from listening.domain.query_language import parse_query
from listening.domain.spikes import SpikeRule

DEFAULT_RULE = SpikeRule()

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
    spike_rule: SpikeRule = DEFAULT_RULE
    """Its spike thresholds: the defaults unless the tenant chose its own."""

    @classmethod
    def create(
        cls,
        *,
        tenant_id: str,
        name: str,
        text: str,
        now: datetime,
        spike_rule: SpikeRule | None = None,
    ) -> ListeningQuery:
        """Raises :class:`~listening.domain.errors.QuerySyntaxError` for a text that does not
        parse, :class:`~listening.domain.errors.InvalidSpikeRuleError` for thresholds that make
        no sense."""
        rule = (spike_rule or SpikeRule()).checked()
        tree = parse_query(text)
        return cls(new_id(), tenant_id, name.strip(), text, tree, now, now, spike_rule=rule)

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
        spike_rule: SpikeRule = DEFAULT_RULE,
    ) -> ListeningQuery:
        """A stored query (it parsed when it was stored; the grammar only ever grows)."""
        tree = parse_query(text)
        return cls(
            id, tenant_id, name, text, tree, created_at, updated_at, version, spike_rule=spike_rule
        )

    def changed(
        self,
        *,
        name: str | None,
        text: str | None,
        now: datetime,
        spike_thresholds: dict[str, float | int] | None = None,
    ) -> ListeningQuery:
        """``spike_thresholds``: the thresholds to change (the others stay)."""
        new_text = self.text if text is None else text
        rule = self.spike_rule
        if spike_thresholds:
            rule = replace(rule, **spike_thresholds).checked()  # type: ignore[arg-type]
        return replace(
            self,
            name=self.name if name is None else name.strip(),
            text=new_text,
            tree=parse_query(new_text) if text is not None else self.tree,
            updated_at=now,
            version=self.version + 1,
            spike_rule=rule,
        )

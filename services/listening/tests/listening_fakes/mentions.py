"""Mentions as the tests store them: one builder, each test changing only what it is about."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from listening.domain.mentions import Mention, Sentiment, label_of


def a_mention(number: int, detected_at: datetime, *, score: float = 0.0, **changes: Any) -> Mention:
    """Mention ``m<number>`` of tenant ``t1``: a webhook post matching ``acme`` for query
    ``q1``, with ``score``'s sentiment; ``changes`` replace any field."""
    made = Mention(
        id=f"m{number:03d}",
        tenant_id="t1",
        post_key=f"k{number}",
        dedupe_key=f"k{number}",
        signature=(number,) * 64,
        source_kind="webhook",
        source_url="urn:x",
        text=f"post {number}",
        url=None,
        author=None,
        language="en",
        query_ids=("q1",),
        matched_terms=("acme",),
        sentiment=Sentiment(score, label_of(score)),
        detected_at=detected_at,
        published_at=None,
    )
    return replace(made, **changes)

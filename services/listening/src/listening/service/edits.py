"""A post changed at its source after its mention was stored: an edited comment or Mastodon
status (a ``PostFetched`` with ``edited_at``), or a deleted status.

An edit is matched, detected and scored again like a new post; the stored mention takes the
new text, language and sentiment, keeps its id, hour and triage, and moves between its
queries' counts: a query that no longer matches stops counting it, one that matches now counts
it (and may spike). A mention whose new text matches no query is *withdrawn* (marked, not
deleted: a later edit may bring it back, and a spike's sample keeps pointing at it). Each
change is announced once as ``MentionUpdated``; ``MentionDetected`` stays once per mention. A
post edited before any mention of it was stored is matched as a new post.

An edit no newer than the stored version (a redelivery, or one overtaken by a later edit)
changes nothing. Edits of one post share its partition key with the post itself, so they are
consumed in order; this check is what makes a replay harmless.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from listening.domain.dedupe import minhash
from listening.domain.matching import Match, Matcher, matches_among
from listening.domain.mentions import Mention
from listening.domain.text import Document
from listening.service.events import mention_updated
from listening.service.pipeline import match_post, moderation_of
from listening.service.ports import Deps, UnitOfWork
from listening.service.spikes import recount
from newsroom_shared.events.listening import PostFetched


async def apply_edit(uow: UnitOfWork, deps: Deps, matcher: Matcher, post: PostFetched) -> None:
    """``post``: the new version (``edited_at`` set) of a post of one tenant."""
    stored = await uow.mentions.of_post(post.tenant_id, post.post_key)
    if not stored:
        await match_post(uow, deps, matcher, post)
        return
    for mention in stored:
        if not mention.is_stale(post.edited_at):
            await _revise(uow, deps, matcher, mention, post)


async def withdraw(uow: UnitOfWork, tenant_id: str, source_item: str, at: datetime) -> int:
    """The source deleted the post it knows as ``source_item``: its mentions leave the inbox
    and their queries' counts. Returns how many were withdrawn (0: none stored, or withdrawn
    already)."""
    withdrawn = 0
    for mention in await uow.mentions.of_source_item(tenant_id, source_item):
        if mention.withdrawn == "deleted":
            continue
        after = replace(mention, withdrawn="deleted", edited_at=max(at, mention.edited_at or at))
        await _store(uow, mention, after, [], at)
        withdrawn += 1
    return withdrawn


async def _revise(
    uow: UnitOfWork, deps: Deps, matcher: Matcher, mention: Mention, post: PostFetched
) -> None:
    document = Document.of(post.text, source=post.source_kind)
    language = post.language or deps.language.detect(post.text)
    candidates = matcher.candidates(document, post.tenant_id)
    matches = matches_among(candidates, replace(document, language=language)) if candidates else []
    after = replace(
        mention,
        text=post.text,
        signature=minhash(document.words),
        language=language,
        query_ids=tuple(sorted(match.query.id for match in matches)),
        matched_terms=tuple(sorted({term for match in matches for term in match.terms})),
        sentiment=deps.sentiment.score(post.text, language),
        edited_at=post.edited_at,
        withdrawn=None if matches else "edited",
        moderated=await moderation_of(uow, post)
        if post.source_kind == "comment"
        else mention.moderated,
    )
    await _store(uow, mention, after, matches, deps.clock.now())


async def _store(
    uow: UnitOfWork, before: Mention, after: Mention, matches: list[Match], now: datetime
) -> None:
    await uow.mentions.revise(after)
    await recount(uow, before, after, (match.query for match in matches), now)
    event = mention_updated(before, after, now)
    if event is not None:
        uow.emit(event)

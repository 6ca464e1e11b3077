"""One fetched post through the pipeline: match, detect its language, drop copies, score,
store the mention and emit ``MentionDetected`` (through the outbox, in the consumer's
transaction), and count it towards its queries' spike watch (``MentionSpike``).

The order is chosen for cost. Nearly every post matches no query (1 % match in the P3
benchmark), so the automaton runs first and a post without a candidate query costs nothing
more. Only a candidate's language is detected (``lang:`` filters need it before the boolean
evaluation), and only a match is checked against the tenant's stored mentions for copies (an
indexed read) and scored.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from listening.domain.comments import moderation_mark
from listening.domain.dedupe import minhash, url_key
from listening.domain.ids import new_id
from listening.domain.matching import Match, Matcher, matches_among
from listening.domain.mentions import Mention
from listening.domain.releases import link_keys
from listening.domain.text import Document
from listening.service.comments import comment_id_of
from listening.service.events import mention_detected
from listening.service.ports import Deps, UnitOfWork
from listening.service.spikes import watch_for_spikes
from newsroom_shared.events.listening import PostFetched


async def match_post(
    uow: UnitOfWork, deps: Deps, matcher: Matcher, post: PostFetched
) -> Mention | None:
    """The mention the post became, or None (no query matched, or a copy of one stored)."""
    document = Document.of(post.text, source=post.source_kind)
    candidates = matcher.candidates(document, post.tenant_id)
    if not candidates:
        return None
    language = post.language or deps.language.detect(post.text)
    matches = matches_among(candidates, replace(document, language=language))
    if not matches:
        return None
    return await _store(uow, deps, post, document, language, matches)


async def match_shared_post(
    uow: UnitOfWork, deps: Deps, matcher: Matcher, post: PostFetched
) -> list[Mention]:
    """A post of a source shared by every tenant (``audience="all"``): one pass of the
    automaton finds every tenant's candidates (a post without any costs what a tenant's post
    costs), the language is detected once, and each tenant whose query matches gets its own
    mention, as if the post had come from a source of its own."""
    document = Document.of(post.text, source=post.source_kind)
    by_tenant = matcher.candidates_of_every_tenant(document)
    if not by_tenant:
        return []
    language = post.language or deps.language.detect(post.text)
    located = replace(document, language=language)
    mentions: list[Mention] = []
    for tenant_id, candidates in sorted(by_tenant.items()):
        matches = matches_among(candidates, located)
        if not matches:
            continue
        own = post.model_copy(update={"tenant_id": tenant_id, "audience": "tenant"})
        mention = await _store(uow, deps, own, document, language, matches)
        if mention is not None:
            mentions.append(mention)
    return mentions


async def _store(
    uow: UnitOfWork,
    deps: Deps,
    post: PostFetched,
    document: Document,
    language: str | None,
    matches: list[Match],
) -> Mention | None:
    mention = await _new_mention(uow, deps, post, document, language, matches)
    if mention is None or not await uow.mentions.add(mention):
        return None
    uow.emit(mention_detected(mention))
    await watch_for_spikes(uow, mention, (match.query for match in matches))
    return mention


async def _new_mention(
    uow: UnitOfWork,
    deps: Deps,
    post: PostFetched,
    document: Document,
    language: str | None,
    matches: list[Match],
) -> Mention | None:
    now = deps.clock.now()
    signature = minhash(document.words)
    since = now - timedelta(days=deps.near_copy_window_days)
    if await uow.mentions.near_copies(post.tenant_id, signature, since=since):
        return None
    return Mention(
        id=new_id(),
        tenant_id=post.tenant_id,
        post_key=post.post_key,
        dedupe_key=url_key(post.url) if post.url else post.post_key,
        signature=signature,
        source_kind=post.source_kind,
        source_url=post.source_url,
        text=post.text,
        url=post.url,
        author=post.author,
        language=language,
        query_ids=tuple(sorted(match.query.id for match in matches)),
        matched_terms=tuple(sorted({term for match in matches for term in match.terms})),
        sentiment=deps.sentiment.score(post.text, language),
        detected_at=now,
        published_at=post.published_at,
        release_id=post.release_id or await _named_release(uow, post),
        moderated=await moderation_of(uow, post),
        edited_at=post.edited_at,
        source_item=post.source_item,
    )


async def moderation_of(uow: UnitOfWork, post: PostFetched) -> str | None:
    """For a comment: the decision that took it down, when moderation came first."""
    if post.source_kind != "comment":
        return None
    known = await uow.comments.get(post.tenant_id, comment_id_of(post.post_key))
    return None if known is None else moderation_mark(known.status)


async def _named_release(uow: UnitOfWork, post: PostFetched) -> str | None:
    """The tenant's release the post links to, if any (its first by id)."""
    keys = link_keys(post.text, post.url)
    if not keys:
        return None
    found = await uow.releases.by_url_keys(post.tenant_id, keys)
    return min((release.release_id for release in found), default=None)

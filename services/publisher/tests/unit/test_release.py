from datetime import UTC, datetime, timedelta

import pytest

from publisher.domain.content import ContentChanges, MediaRef, MediaState
from publisher.domain.errors import IllegalTransitionError, InvalidInputError, VersionMismatchError
from publisher.domain.release import Release, slug_base, unique_slug
from publisher.domain.workflow import Status

NOW = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
ACTOR = "key1"


def a_release(**changes: object) -> Release:
    return Release.draft(
        tenant_id="t1",
        newsroom_id="n1",
        default_language="en",
        changes=ContentChanges(title="Big news", **changes),  # type: ignore[arg-type]
        known_media={},
        actor=ACTOR,
        now=NOW,
    )


def test_a_new_release_is_a_draft_at_version_one() -> None:
    release = a_release()
    assert (release.status, release.version, release.slug) == (Status.DRAFT, 1, "big-news")


def test_every_change_bumps_the_version_and_records_who() -> None:
    release = a_release()
    later = NOW + timedelta(minutes=5)
    assert release.edit(
        ContentChanges(lead="Lead"), known_media={}, requires_approval=False, actor="k2", now=later
    )
    release.submit(requires_approval=False, actor="k3", now=later)
    assert release.version == 3
    assert (release.last_action, release.updated_by, release.updated_at) == ("submit", "k3", later)


def test_an_edit_that_changes_nothing_is_not_a_new_version() -> None:
    release = a_release()
    same = ContentChanges(title="Big news")
    assert not release.edit(same, known_media={}, requires_approval=False, actor=ACTOR, now=NOW)
    assert release.version == 1


def test_editing_in_review_sends_back_to_draft_and_published_stays_published() -> None:
    release = a_release()
    release.submit(requires_approval=False, actor=ACTOR, now=NOW)
    release.edit(
        ContentChanges(lead="x"), known_media={}, requires_approval=False, actor=ACTOR, now=NOW
    )
    assert release.status is Status.DRAFT
    release.publish(requires_approval=False, actor=ACTOR, now=NOW)
    release.edit(
        ContentChanges(lead="y"), known_media={}, requires_approval=False, actor=ACTOR, now=NOW
    )
    assert release.status is Status.PUBLISHED


def test_schedule_needs_a_future_time() -> None:
    release = a_release()
    with pytest.raises(InvalidInputError, match="publish_at: must be in the future"):
        release.schedule(NOW, requires_approval=False, actor=ACTOR, now=NOW)
    with pytest.raises(InvalidInputError, match="timezone"):
        release.schedule(datetime(2031, 1, 1), requires_approval=False, actor=ACTOR, now=NOW)
    assert release.version == 1  # nothing changed


def test_the_scheduler_publishes_at_the_due_time_once() -> None:
    release = a_release()
    at = NOW + timedelta(hours=1)
    release.schedule(at, requires_approval=False, actor=ACTOR, now=NOW)
    assert release.due_at == at
    assert not release.publish_if_due(at - timedelta(seconds=1))
    assert release.publish_if_due(at + timedelta(seconds=3))
    assert (release.status, release.published_at, release.updated_by) == (
        Status.PUBLISHED, at, "scheduler",
    )  # fmt: skip
    assert not release.publish_if_due(at + timedelta(hours=1))


def test_an_embargo_lifts_into_publication_and_locks_the_slug() -> None:
    release = a_release()
    until = NOW + timedelta(days=1)
    release.embargo(until, requires_approval=False, actor=ACTOR, now=NOW)
    assert release.slug_locked
    assert release.check_previewable() == until
    assert release.publish_if_due(until)
    assert release.status is Status.PUBLISHED
    assert release.embargo_until == until
    with pytest.raises(IllegalTransitionError, match="preview links are for embargoed releases"):
        release.check_previewable()


def test_if_match_must_name_the_current_version() -> None:
    release = a_release()
    release.check_version(None)
    release.check_version(1)
    with pytest.raises(VersionMismatchError, match="names version 7 but the current version is 1"):
        release.check_version(7)


def test_withdraw_needs_published_or_embargoed() -> None:
    release = a_release()
    with pytest.raises(IllegalTransitionError, match="cannot withdraw a release in status 'draft'"):
        release.withdraw("oops", requires_approval=False, actor=ACTOR, now=NOW)
    release.publish(requires_approval=False, actor=ACTOR, now=NOW)
    release.withdraw("oops", requires_approval=False, actor=ACTOR, now=NOW)
    assert (release.status, release.withdraw_reason) == (Status.WITHDRAWN, "oops")


def test_media_refs_follow_the_media_ids_and_known_states() -> None:
    ready = MediaRef("m2", MediaState.READY, NOW)
    release = Release.draft(
        tenant_id="t1", newsroom_id="n1", default_language="en",
        changes=ContentChanges(title="t", media_ids=["m1", "m2"], social_card_media_id="m1"),
        known_media={"m2": ready}, actor=ACTOR, now=NOW,
    )  # fmt: skip
    assert [(r.media_id, r.state) for r in release.media] == [
        ("m1", MediaState.PENDING), ("m2", MediaState.READY),
    ]  # fmt: skip
    assert release.update_media(MediaRef("m1", MediaState.REJECTED, NOW))
    assert not release.update_media(MediaRef("other", MediaState.READY, NOW))
    assert release.drop_media("m1", NOW)
    assert release.content.media_ids == ["m2"]
    assert release.content.social_card_media_id is None
    assert release.version == 1  # media news is not an editorial change


def test_slugs() -> None:
    assert slug_base("Ünïcode & “quotes” — 2030!") == "unicode-quotes-2030"
    assert slug_base("!!!") == "release"
    assert unique_slug("news", set()) == "news"
    assert unique_slug("news", {"news", "news-2"}) == "news-3"

import pytest

from publisher.domain import limits
from publisher.domain.content import ContentChanges, ReleaseContent, apply_changes, new_content
from publisher.domain.errors import InvalidInputError
from publisher.domain.values import ContactPerson


def test_new_content_takes_the_newsroom_language_by_default() -> None:
    content = new_content(ContentChanges(title="  Hello  "), "de")
    assert content == ReleaseContent(title="Hello", language="de")


def test_title_is_required() -> None:
    with pytest.raises(InvalidInputError, match="title: is required"):
        new_content(ContentChanges(lead="x"), "en")
    with pytest.raises(InvalidInputError, match="title: must not be empty"):
        new_content(ContentChanges(title="   "), "en")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (ContentChanges(title="x" * (limits.TITLE_MAX + 1)), "title: must be at most 200"),
        (ContentChanges(lead="x" * (limits.LEAD_MAX + 1)), "lead: must be at most 1000"),
        (ContentChanges(body="x" * (limits.BODY_MAX_BYTES + 1)), "body: must be at most 204800"),
        (ContentChanges(tags=[f"t{i}" for i in range(21)]), "tags: at most 20 allowed"),
        (ContentChanges(tags=["x" * 51]), "tags: .* longer than 50"),
        (ContentChanges(language="english!"), "language: .* BCP 47"),
        (ContentChanges(media_ids=[str(i) for i in range(51)]), "media_ids: at most 50"),
        (ContentChanges(social_card_media_id="m1"), "social_card_media_id: .* one of media_ids"),
        (ContentChanges(contacts=[ContactPerson(name="A", email="nope")]), "not an email"),
    ],
)
def test_limits_give_clear_messages(changes: ContentChanges, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        apply_changes(ReleaseContent(title="t"), changes)


def test_body_limit_counts_bytes_not_characters() -> None:
    just_over = "é" * (limits.BODY_MAX_BYTES // 2 + 1)  # two bytes each in UTF-8
    with pytest.raises(InvalidInputError):
        apply_changes(ReleaseContent(title="t"), ContentChanges(body=just_over))


def test_tags_are_normalised_and_deduplicated_categories_keep_case() -> None:
    content = apply_changes(
        ReleaseContent(title="t"),
        ContentChanges(tags=[" Climate  Tech", "climate tech", "", "AI"], categories=["Q1", "q1"]),
    )
    assert content.tags == ["climate tech", "ai"]
    assert content.categories == ["Q1"]


def test_the_body_is_sanitised_on_the_way_in() -> None:
    content = apply_changes(
        ReleaseContent(title="t"),
        ContentChanges(body="<p onclick='x()'>Hi<script>x()</script></p>"),
    )
    assert content.body == "<p>Hi</p>"


def test_social_card_must_be_one_of_the_media() -> None:
    content = apply_changes(
        ReleaseContent(title="t"),
        ContentChanges(media_ids=["m1", "m2", "m1"], social_card_media_id="m2"),
    )
    assert content.media_ids == ["m1", "m2"]
    cleared = apply_changes(content, ContentChanges(clear_social_card=True))
    assert cleared.social_card_media_id is None

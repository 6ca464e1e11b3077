"""The press kit's plan: numbered, safe names in the order shown, and a manifest saying each
file's credit, licence, caption and alt text; its digest changes with any of them."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

from media.domain.fields import AssetFields
from media.domain.item import MediaItem, Status
from media.domain.kinds import Kind
from media.domain.press_kit import plan, safe_stem
from media.domain.releases import KnownRelease, ReleaseState
from media.domain.renditions import PUBLIC_ORIGINAL, StoredFile

AT = datetime(2026, 12, 3, tzinfo=UTC)
RELEASE = KnownRelease("tenant-a", "r1", ReleaseState.PUBLIC, ("m1", "m2"), 1, "launch", "Launch")


def item(media_id: str, filename: str, **fields: object) -> MediaItem:
    original = StoredFile("original", f"f-{media_id}", "image/jpeg", "jpg", "ab" * 32, 1234)
    cleaned = StoredFile(PUBLIC_ORIGINAL, f"p-{media_id}", "image/jpeg", "jpg", "cd" * 32, 1200)
    return MediaItem(
        tenant_id="tenant-a",
        media_id=media_id,
        kind=Kind.IMAGE,
        content_type="image/jpeg",
        filename=filename,
        original=original,
        created_at=AT,
        updated_at=AT,
        status=Status.PROCESSED,
        renditions=(cleaned,),
        fields=AssetFields(**fields),  # type: ignore[arg-type]
    )


def test_names_are_numbered_safe_and_in_order() -> None:
    kit = plan(RELEASE, [(item("m2", "../../Zoë pad.jpeg"), ""), (item("m1", "a.jpg"), "")])
    assert [e.arcname for e in kit.entries] == ["01-Zo_pad.jpg", "02-a.jpg"]
    assert kit.filename == "launch-press-kit.zip"
    assert safe_stem("...") == "file"


def test_the_manifest_says_who_made_it_and_how_it_may_be_used() -> None:
    described = item("m1", "pad.jpg", alt_text="A rocket", credit="Acme", licence="Editorial use")
    kit = plan(RELEASE, [(described, "On the pad")])
    manifest = json.loads(kit.manifest_json)
    assert manifest["release"] == {"id": "r1", "slug": "launch", "title": "Launch"}
    (file,) = manifest["files"]
    assert file["caption"] == "On the pad"
    assert (file["alt_text"], file["credit"], file["licence"]) == (
        "A rocket",
        "Acme",
        "Editorial use",
    )
    assert (file["bytes"], file["sha256"]) == (1200, "cd" * 32)  # the public original's
    text = kit.manifest_text.decode()
    assert "01-pad.jpg (image/jpeg, 1200 bytes)" in text
    assert "  Licence: Editorial use" in text

    assert plan(RELEASE, [(described, "On the pad")]).etag == kit.etag  # same kit, same tag
    recredited = replace(described, fields=replace(described.fields, credit="Acme Corp"))
    assert plan(RELEASE, [(recredited, "On the pad")]).etag != kit.etag


def test_an_item_without_a_public_original_is_left_out() -> None:
    """Processed before public originals were made: its upload is for staff only."""
    old = replace(item("m1", "old.jpg"), renditions=())
    kit = plan(RELEASE, [(old, ""), (item("m2", "new.jpg"), "")])
    assert [(e.arcname, e.file.name) for e in kit.entries] == [("01-new.jpg", PUBLIC_ORIGINAL)]

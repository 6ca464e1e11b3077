"""The domain's rules: limits, ranges, fields, the item's life."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from media.domain.errors import Refusal, UploadRefusedError
from media.domain.fields import AssetFields
from media.domain.item import MediaItem, Status
from media.domain.kinds import ACCEPTED, Kind
from media.domain.limits import UploadLimits
from media.domain.ranges import ByteRange, UnsatisfiableRangeError, parse_range
from media.domain.renditions import StoredFile

LIMITS = UploadLimits(100, 1000, 50, 500)
NOW = datetime(2030, 1, 1, tzinfo=UTC)


def test_size_limits_are_per_kind() -> None:
    LIMITS.check_size(ACCEPTED["application/pdf"], 1000)
    with pytest.raises(UploadRefusedError) as refused:
        LIMITS.check_size(ACCEPTED["image/png"], 101)
    assert refused.value.refusal is Refusal.TOO_LARGE
    assert "PNG upload may be at most 100 bytes" in refused.value.message


def test_pixels_count_every_frame() -> None:
    LIMITS.check_pixels(10, 5)
    with pytest.raises(UploadRefusedError) as refused:
        LIMITS.check_pixels(10, 5, frames=2)
    assert refused.value.refusal is Refusal.PIXEL_FLOOD
    with pytest.raises(UploadRefusedError):
        LIMITS.check_pixels(0, 5)


def test_the_quota() -> None:
    LIMITS.check_quota(400, 100)
    with pytest.raises(UploadRefusedError) as refused:
        LIMITS.check_quota(400, 101)
    assert refused.value.refusal is Refusal.QUOTA_EXCEEDED


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-9", ByteRange(0, 10)),
        ("bytes=90-", ByteRange(90, 100)),
        ("bytes=90-500", ByteRange(90, 100)),
        ("bytes=-10", ByteRange(90, 100)),
        ("bytes=-500", ByteRange(0, 100)),
        ("bytes=0-1,4-5", None),
        ("items=0-1", None),
        ("bytes=9-2", None),
        ("bytes=a-b", None),
        ("bytes=-", None),
    ],
)
def test_ranges(header: str | None, expected: ByteRange | None) -> None:
    assert parse_range(header, 100) == expected


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=-0", "bytes=150-200"])
def test_ranges_past_the_end_are_unsatisfiable(header: str) -> None:
    with pytest.raises(UnsatisfiableRangeError):
        parse_range(header, 100)


def test_content_range() -> None:
    assert ByteRange(10, 20).content_range(100) == "bytes 10-19/100"


def test_tags_stay_unique_in_order() -> None:
    assert AssetFields().changed(tags=["b", "a", "b"]).tags == ("b", "a")


def item() -> MediaItem:
    original = StoredFile("original", "f1", "image/png", "png", "d" * 64, 100, 10, 10)
    return MediaItem("t", "m", Kind.IMAGE, "image/png", "a.png", original, NOW, NOW)


def test_a_rejected_item_counts_nothing_against_the_quota_even_once_deleted() -> None:
    rejected = item().claimed("w", NOW, 10).rejected("broken", NOW)
    assert (rejected.status, rejected.claim, rejected.stored_bytes) == (Status.REJECTED, None, 0)
    assert rejected.deleted(NOW).stored_bytes == 0
    assert item().deleted(NOW).stored_bytes == 100


def test_each_change_is_a_new_version() -> None:
    first = item()
    claimed = first.claimed("w", NOW, 10)
    assert claimed.version == first.version + 1
    assert claimed.holds_claim("w")
    assert not claimed.holds_claim("other")


def test_a_files_path_names_its_content() -> None:
    original = item().original
    assert original.path("t", "m") == f"/files/t/m/original-{'d' * 64}.png"
    assert item().file("original", "d" * 64) == original
    assert item().file("original", "e" * 64) is None

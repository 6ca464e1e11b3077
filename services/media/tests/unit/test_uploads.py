"""The upload use case on in-memory fakes: what is stored, what is emitted, what is refused."""

from __future__ import annotations

import pytest
from media_support import corpus
from media_support.chunks import chunks_of

from media.domain.errors import Refusal, UploadRefusedError
from media.service.ports import Caller
from media.service.uploads import safe_filename, upload

A = Caller("tenant-a")


async def test_an_upload_is_stored_and_announced(uow, deps, storage) -> None:
    data = corpus.jpeg(640, 480)
    item = await upload(
        uow, deps, A, chunks_of(data), filename="a/b/Pic.JPEG", announced_bytes=None
    )
    assert (item.content_type, item.filename, item.width, item.height) == (
        "image/jpeg",
        "Pic.jpg",
        640,
        480,
    )
    assert bytes(storage.files[item.original.file_id].data) == data
    assert uow.topics() == ["newsroom.media.uploaded.v1"]
    assert uow.usage.bytes["tenant-a"] == len(data)
    assert await uow.media.get("tenant-a", item.media_id) == item
    assert await uow.media.get("tenant-b", item.media_id) is None


@pytest.mark.parametrize(
    ("data", "refusal"),
    [
        (corpus.svg(), Refusal.UNSUPPORTED_TYPE),
        (corpus.pixel_bomb(), Refusal.PIXEL_FLOOD),
        (corpus.polyglot_zip(), Refusal.POLYGLOT),
        (corpus.truncated_jpeg(), Refusal.TRUNCATED),
        (corpus.noise_png(1000, 1000), Refusal.TOO_LARGE),
        (b"", Refusal.EMPTY),
    ],
    ids=["svg", "pixel bomb", "polyglot", "truncated", "too large", "empty"],
)
async def test_a_refused_upload_leaves_nothing(uow, deps, storage, data, refusal) -> None:
    with pytest.raises(UploadRefusedError) as refused:
        await upload(uow, deps, A, chunks_of(data), filename="x.jpg", announced_bytes=None)
    assert refused.value.refusal is refusal
    assert storage.files == {}
    assert uow.events == []
    assert uow.media.items == {}


async def test_an_announced_size_over_the_limit_is_refused_before_storing(
    uow, deps, storage
) -> None:
    data = corpus.jpeg(64, 64)
    with pytest.raises(UploadRefusedError) as refused:
        await upload(uow, deps, A, chunks_of(data), filename=None, announced_bytes=3_000_000)
    assert refused.value.refusal is Refusal.TOO_LARGE
    assert storage.files == {}


async def test_the_quota_counts_what_the_tenant_stored(uow, deps, storage) -> None:
    uow.usage.bytes["tenant-a"] = 2_990_000
    with pytest.raises(UploadRefusedError) as refused:
        await upload(
            uow, deps, A, chunks_of(corpus.noise_png(100, 100)), filename=None, announced_bytes=None
        )
    assert refused.value.refusal is Refusal.QUOTA_EXCEEDED
    assert storage.files == {}
    other = await upload(
        uow,
        deps,
        Caller("tenant-b"),
        chunks_of(corpus.noise_png(100, 100)),
        filename=None,
        announced_bytes=None,
    )
    assert other.tenant_id == "tenant-b"


def test_safe_filenames() -> None:
    from media.domain.kinds import ACCEPTED

    png = ACCEPTED["image/png"]
    assert safe_filename('../../etc/"pass<wd>.exe', png) == "passwd.png"
    assert safe_filename(None, png) == "upload.png"
    assert safe_filename("C:\\photos\\Zoë.jpg", png) == "Zoë.png"


async def test_a_concurrent_upload_that_filled_the_quota_is_caught_at_the_commit(
    uow, deps, storage
) -> None:
    data = corpus.noise_png(100, 100)
    uow.usage.bytes["tenant-a"] = 2_990_000

    async def nothing_used_yet(tenant_id: str) -> int:  # read before the other upload committed
        return 0

    uow.usage.used = nothing_used_yet
    with pytest.raises(UploadRefusedError) as refused:
        await upload(uow, deps, A, chunks_of(data), filename=None, announced_bytes=None)
    assert refused.value.refusal is Refusal.QUOTA_EXCEEDED
    assert storage.files == {}
    assert uow.events == []

"""What a rendition job hands back from its process: the files it wrote and what it learnt."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from media.domain.video import VideoFacts


class UnusableFileError(Exception):
    """The file does not decode (truncated inside, corrupt, a bomb) or breaks a limit found
    only while decoding: the item is rejected."""


@dataclass(frozen=True, slots=True)
class RenderedFile:
    name: str
    path: str
    content_type: str
    extension: str
    digest: str
    bytes: int
    width: int | None
    height: int | None


@dataclass(frozen=True, slots=True)
class RenderOutput:
    width: int | None
    height: int | None
    blurhash: str | None
    files: tuple[RenderedFile, ...]
    video: VideoFacts | None = None


def rendered_file(
    name: str,
    path: Path,
    content_type: str,
    extension: str,
    width: int | None = None,
    height: int | None = None,
) -> RenderedFile:
    """A written file with its size and SHA-256, read in chunks (a video may be large)."""
    with path.open("rb") as written:
        digest = hashlib.file_digest(written, "sha256").hexdigest()
    return RenderedFile(
        name=name,
        path=str(path),
        content_type=content_type,
        extension=extension,
        digest=digest,
        bytes=path.stat().st_size,
        width=width,
        height=height,
    )

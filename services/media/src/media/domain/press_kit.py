"""A release's press kit: its media's public originals (without personal metadata) and a
manifest (credits, licences, captions, alt text) in one ZIP. Plain Python: which files,
under which names, and what the manifest says; the ZIP itself is made while it streams
(``media.adapters.zip_stream``).

Every byte of the ZIP follows from the manifest (which names each file with its SHA-256 and
size) and the files, so the manifest's digest is a strong ETag of the whole ZIP.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from media.domain.item import MediaItem
from media.domain.releases import KnownRelease
from media.domain.renditions import StoredFile

MANIFEST_JSON = "manifest.json"
MANIFEST_TEXT = "MANIFEST.txt"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
STEM_CHARS = 60


@dataclass(frozen=True, slots=True)
class KitEntry:
    """One item's public original in the kit, under ``arcname``."""

    arcname: str
    item: MediaItem
    file: StoredFile  # the item's public original: the upload itself is for staff
    caption: str  # the release's gallery caption, else the item's own

    @property
    def size(self) -> int:
        return self.file.bytes


@dataclass(frozen=True, slots=True)
class KitPlan:
    release: KnownRelease
    entries: tuple[KitEntry, ...]
    manifest_json: bytes
    manifest_text: bytes

    @property
    def etag(self) -> str:
        return hashlib.sha256(self.manifest_json + self.manifest_text).hexdigest()

    @property
    def filename(self) -> str:
        return f"{safe_stem(self.release.slug or self.release.release_id)}-press-kit.zip"


def safe_stem(name: str) -> str:
    """A name every unzip tool takes: ASCII letters, digits, ``._-``; no path."""
    return _UNSAFE.sub("_", name).strip("._")[:STEM_CHARS] or "file"


def entries_of(shown: Sequence[tuple[MediaItem, str]]) -> tuple[KitEntry, ...]:
    """Numbered in the order shown (so names are unique and sort as the release shows them).
    An item without a public original (processed before those were made) is left out."""
    cleaned = [(item, item.public_original, caption) for item, caption in shown]
    return tuple(
        KitEntry(
            f"{n:02d}-{safe_stem(item.filename.rsplit('.', 1)[0])}.{file.extension}",
            item,
            file,
            caption,
        )
        for n, (item, file, caption) in enumerate(
            [(i, f, c) for i, f, c in cleaned if f is not None], start=1
        )
    )


def plan(release: KnownRelease, shown: Sequence[tuple[MediaItem, str]]) -> KitPlan:
    entries = entries_of(shown)
    described = [_described(entry) for entry in entries]
    manifest = {
        "release": {"id": release.release_id, "title": release.title, "slug": release.slug},
        "files": described,
    }
    as_json = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return KitPlan(release, entries, as_json.encode(), _text(release, described).encode())


def _described(entry: KitEntry) -> dict[str, object]:
    item, fields = entry.item, entry.item.fields
    return {
        "file": entry.arcname,
        "media_id": item.media_id,
        "original_filename": item.filename,
        "content_type": item.content_type,
        "bytes": entry.size,
        "sha256": entry.file.digest,
        "width": item.width,
        "height": item.height,
        "title": fields.title,
        "caption": entry.caption,
        "alt_text": fields.alt_text,
        "decorative": fields.decorative,
        "credit": fields.credit,
        "licence": fields.licence,
    }


LABELS = (
    ("title", "Title"),
    ("caption", "Caption"),
    ("alt_text", "Alt text"),
    ("credit", "Credit"),
    ("licence", "Licence"),
)


def _text(release: KnownRelease, described: Sequence[dict[str, object]]) -> str:
    lines = [f"Press kit: {release.title or release.release_id}", ""]
    for file in described:
        lines.append(f"{file['file']} ({file['content_type']}, {file['bytes']} bytes)")
        lines += [f"  {label}: {file[key]}" for key, label in LABELS if file[key]]
        lines.append(f"  SHA-256: {file['sha256']}")
        lines.append("")
    return "\n".join(lines)

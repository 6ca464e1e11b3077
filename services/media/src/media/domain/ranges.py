"""HTTP Range (RFC 9110 section 14): one byte range of a file, or the whole file.

Several ranges in one request are answered with the whole file (a server may ignore Range),
which spares us multipart answers nobody here needs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ByteRange:
    start: int
    end: int  # exclusive

    @property
    def length(self) -> int:
        return self.end - self.start

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end - 1}/{size}"


class UnsatisfiableRangeError(Exception):
    """The range lies wholly past the end of the file (416)."""


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The one range asked for, or None to send the whole file (no header, several ranges,
    a unit other than bytes, or syntax we ignore as RFC 9110 lets us)."""
    if not header:
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    if not dash or not (first.isdigit() or last.isdigit()):
        return None
    if not first:  # the last N bytes
        suffix = int(last)
        if suffix == 0:
            raise UnsatisfiableRangeError
        return ByteRange(max(0, size - suffix), size)
    start = int(first)
    if last and not last.isdigit():
        return None
    end = min(int(last) + 1, size) if last else size
    if last and int(last) < start:
        return None
    if start >= size:
        raise UnsatisfiableRangeError
    return ByteRange(start, end)

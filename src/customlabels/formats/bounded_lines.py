"""Lines of a byte stream read in bounded pieces, so that a multi-gigabyte "line" (a file
that is not JSON Lines at all, or a hostile one) is never pulled into memory whole."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import BinaryIO


class OverlongLine:
    """A line read only in part because it is longer than any valid line can be."""

    __slots__ = ("head", "size")

    def __init__(self, head: bytes, size: int) -> None:
        self.head = head
        self.size = size


def bounded_lines(stream: Iterable[bytes] | BinaryIO, limit: int) -> Iterator[bytes | OverlongLine]:
    """Each line of ``stream`` (with its newline), or an :class:`OverlongLine` for one over
    ``limit`` bytes, of which only the first ``limit`` are kept. An iterable of lines that
    has no ``readline`` is passed through as it is."""
    readline = getattr(stream, "readline", None)
    if readline is None:
        yield from stream
        return
    while True:
        chunk = readline(limit)
        if not chunk:
            return
        if len(chunk) < limit or chunk.endswith(b"\n"):
            yield chunk
            continue
        size = len(chunk)
        while True:
            more = readline(limit)
            size += len(more)
            if not more or more.endswith(b"\n"):
                break
        yield OverlongLine(chunk, size)

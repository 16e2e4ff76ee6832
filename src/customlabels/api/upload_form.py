"""Reading an upload request's multipart body within the upload limits, as it arrives.

FastAPI's own form parsing reads a whole request before the route sees it and limits
neither a file's bytes nor the request's, so the upload route reads its body here with
Starlette's parser, which spools each file to a temporary file (on disk past 1 MB), and
counts bytes as they arrive:
- a request whose Content-Length is over ``max_upload_bytes`` is refused before a byte is
  read; one that sends more than that is refused when it passes the limit;
- more than ``max_upload_files`` files: refused when the first file too many begins;
- a file over ``max_image_bytes`` is not kept: its bytes are dropped as they arrive and
  it becomes an entry carrying the error, as a bad file of any import does.
Refusals are 413 PayloadTooLarge naming the setting, raised before anything is written.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass, field

from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from customlabels.errors import InvalidInput, TooLarge


@dataclass(frozen=True)
class UploadLimits:
    max_files: int
    max_file_bytes: int
    max_request_bytes: int


@dataclass
class UploadForm:
    """The parsed body: its form data, and the files dropped for their size (file -> bytes)."""

    form: FormData
    oversized: dict[int, int] = field(default_factory=dict)  # id(UploadFile) -> bytes sent

    def oversized_bytes(self, upload: UploadFile) -> int | None:
        return self.oversized.get(id(upload))


class _LimitedParser(MultiPartParser):
    """Starlette's parser, counting each file's bytes and the files of the request.

    Starlette checks neither (its ``max_part_size`` is for text fields); the hooks below are
    its parser callbacks, called as each chunk of the body is parsed.
    """

    def __init__(
        self, request: Request, stream: AsyncGenerator[bytes, None], limits: UploadLimits
    ) -> None:
        # max_files is checked below, to name our setting in the error.
        super().__init__(request.headers, stream, max_files=float("inf"))
        self.limits = limits
        self.files = 0
        self.part_bytes = 0
        self.oversized: dict[int, int] = {}

    def on_headers_finished(self) -> None:
        super().on_headers_finished()
        self.part_bytes = 0
        if self._current_part.file is not None:
            self.files += 1
            if self.files > self.limits.max_files:
                raise TooLarge(
                    f"an upload request may carry at most {self.limits.max_files:,} files "
                    "(max_upload_files); send the rest in another request",
                    {"limit": "max_upload_files", "value": self.limits.max_files},
                )

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        upload = self._current_part.file
        if upload is None:
            super().on_part_data(data, start, end)
            return
        self.part_bytes += end - start
        if self.part_bytes > self.limits.max_file_bytes:
            # Drop the bytes of a file over the limit as they come; only its size is kept.
            self.oversized[id(upload)] = self.part_bytes
            return
        super().on_part_data(data, start, end)


def _too_many_bytes(limit: int, sent: str) -> TooLarge:
    return TooLarge(
        f"an upload request may carry at most {limit:,} bytes (max_upload_bytes); "
        f"this one {sent}: send fewer files per request",
        {"limit": "max_upload_bytes", "value": limit},
    )


async def _counted(request: Request, limit: int) -> AsyncGenerator[bytes, None]:
    """The request body, refused as soon as it passes ``limit`` bytes."""
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise _too_many_bytes(limit, f"sent more than {limit:,}")
        yield chunk


async def read_upload_form(request: Request, limits: UploadLimits) -> UploadForm:
    """Parse a multipart upload body within ``limits``; TooLarge when over one of them."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limits.max_request_bytes:
        raise _too_many_bytes(limits.max_request_bytes, f"has {int(length):,}")
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise InvalidInput("an upload is a multipart/form-data request")
    async with aclosing(_counted(request, limits.max_request_bytes)) as stream:
        parser = _LimitedParser(request, stream, limits)
        try:
            form = await parser.parse()  # closes its spooled files when it fails
        except MultiPartException as exc:
            raise InvalidInput(f"invalid multipart body: {exc.message}") from exc
    return UploadForm(form, parser.oversized)

"""Exports downloaded as a zip, written while it is sent.

The zip holds exactly the files the folder export writes (:func:`exports.run_export` writes
them), with every image of a Ground Truth manifest beside it under ``images/`` and referred
to relatively, so the unpacked zip is a dataset our importer (or a peer) reads as it is.

Memory and disk stay flat whatever the dataset's size: the export is written in a worker
thread into a temporary folder, and before each entry the finished image files of the
entries before it are moved into the zip and deleted; the small annotation files (and the
files a format writes last, such as COCO's ``annotations.json``) follow at the end. The zip
goes out through a small bounded queue, so a slow client slows the export down rather than
filling memory, and a client that goes away stops it.
"""

from __future__ import annotations

import os
import queue
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

from customlabels.formats.groundtruth_images import ImagePlacement
from customlabels.formats.image_files import IMAGE_SUFFIXES
from customlabels.services.context import Context
from customlabels.services.datasets import get_dataset
from customlabels.services.exports import FORMATS, check_export, run_export

CHUNK_BYTES = 256 * 1024
QUEUE_CHUNKS = 8  # at most ~2 MiB waiting for the client
_SENT_CHECK_S = 1.0


class ClientGone(Exception):
    """The download was abandoned: the export stops."""


class _QueueWriter:
    """A write-only, unseekable file: zipfile then writes data descriptors (no seeking back),
    and every ``CHUNK_BYTES`` the bytes go to the queue the response reads."""

    def __init__(self, chunks: queue.Queue[bytes | BaseException | None], gone: threading.Event):
        self._chunks = chunks
        self._gone = gone
        self._buffer = bytearray()

    def write(self, data: bytes, /) -> int:
        self._buffer += data
        if len(self._buffer) >= CHUNK_BYTES:
            self._send()
        return len(data)

    def flush(self) -> None:
        if self._buffer:
            self._send()

    def close(self) -> None:
        self.flush()

    def _send(self) -> None:
        chunk = bytes(self._buffer)
        self._buffer.clear()
        put(self._chunks, chunk, self._gone)


def put(
    chunks: queue.Queue[bytes | BaseException | None],
    item: bytes | BaseException | None,
    gone: threading.Event,
) -> None:
    """Queue ``item`` for the client, waiting while the queue is full; ClientGone once the
    client has gone (nobody will ever take it)."""
    while True:
        if gone.is_set():
            raise ClientGone
        try:
            chunks.put(item, timeout=_SENT_CHECK_S)
            return
        except queue.Full:
            continue


class _Drain:
    """Moves an export folder's finished files into a zip, each once."""

    def __init__(self, root: Path, archive: zipfile.ZipFile) -> None:
        self.root = root
        self.archive = archive
        self.zipped: set[str] = set()

    def images(self) -> None:
        """Zip and delete the images written so far: an image is complete once the writer
        asks for the next entry. Annotation files stay, as writers look for them by name."""
        for path in self._files():
            if path.suffix.lower() in IMAGE_SUFFIXES:
                self._add(path)
                path.unlink()

    def rest(self) -> None:
        for path in sorted(self._files()):
            self._add(path)

    def _files(self) -> Iterator[Path]:
        for folder, _dirs, names in os.walk(self.root):
            for name in names:
                path = Path(folder, name)
                # Hidden names are a writer's parts and temporary files, renamed at its end.
                if (
                    not name.startswith(".")
                    and not name.endswith(".partial")
                    and path.relative_to(self.root).as_posix() not in self.zipped
                ):
                    yield path

    def _add(self, path: Path) -> None:
        name = path.relative_to(self.root).as_posix()
        # Images are compressed already: storing them costs no space and saves the CPU.
        stored = path.suffix.lower() in IMAGE_SUFFIXES
        self.archive.write(
            path, name, compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        )
        self.zipped.add(name)


def zip_name(project: str, type_name: str, fmt: str) -> str:
    """The file name offered to the browser, e.g. ``shoes-train-coco.zip``."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in project)
    return f"{safe}-{type_name.lower()}-{fmt}.zip"


def stream_export_zip(ctx: Context, project: str, type_name: str, fmt: str) -> Iterator[bytes]:
    """The zip of the export, in chunks. Checks the format and the dataset first (raising
    the usual errors), so only a failure during the export can cut a download short."""
    if fmt not in FORMATS:
        check_export(fmt, "zip")  # raises, naming the formats
    with ctx.db.read() as session:
        get_dataset(session, project, type_name)
    return _chunks(ctx, project, type_name, fmt)


def _chunks(ctx: Context, project: str, type_name: str, fmt: str) -> Iterator[bytes]:
    chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(QUEUE_CHUNKS)
    gone = threading.Event()
    worker = threading.Thread(
        target=_write_zip,
        args=(ctx, project, type_name, fmt, chunks, gone),
        name=f"export-zip-{project}",
        daemon=True,
    )
    worker.start()
    try:
        while True:
            item = chunks.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        gone.set()  # a client that went away closes this generator: stop the writer
        worker.join()


def _write_zip(
    ctx: Context,
    project: str,
    type_name: str,
    fmt: str,
    chunks: queue.Queue[bytes | BaseException | None],
    gone: threading.Event,
) -> None:
    folder = ctx.settings.data_dir / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(dir=folder, prefix="export-zip-") as tmp:
            root = Path(tmp)
            writer = _QueueWriter(chunks, gone)
            with zipfile.ZipFile(writer, "w") as archive:
                drain = _Drain(root, archive)
                out = root / "output.manifest" if fmt == "groundtruth" else root
                run_export(
                    ctx,
                    project,
                    type_name,
                    fmt,
                    str(out),
                    None,
                    placement=ImagePlacement(carry_all=True),
                    between_items=drain.images,
                )
                drain.images()
                drain.rest()
            writer.flush()
        put(chunks, None, gone)
    except ClientGone:
        return
    except BaseException as exc:  # handed to the response, which cuts the download short
        try:
            put(chunks, exc, gone)
        except ClientGone:
            return

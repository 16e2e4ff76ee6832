"""Reading a big manifest ahead in a child process: parse, validate, find the files.

Parsing and validating lines and finding the files they name needs no database, and in an
import of a million lines it is about half of the work. A child process
(``python -m customlabels.services.imports.readahead``) does it for the next lines while the
importing process stores the previous ones, so the two halves run on two cores (threads
would share one interpreter lock). The child sends the records in chunks over a pipe as
``marshal`` data (plain tuples: no classes to pickle), each with the file that
``SourceFiles.locate`` found for it, or why it found none.

The records are exactly those ``read_manifest`` yields in this process; manifests smaller
than ``MIN_BYTES`` are read in-process, where starting a child would cost more than it saves.
"""

from __future__ import annotations

import logging
import marshal
import os
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO

from customlabels.formats.groundtruth import read_manifest
from customlabels.formats.records import Box, EntryIssue, ImportRecord
from customlabels.services.imports.source_files import LocalFile, SourceFiles, UnresolvableSource

if TYPE_CHECKING:
    from customlabels.services.imports.candidates import Candidate

log = logging.getLogger(__name__)

#: Manifests at least this big (about 20,000 lines) are read ahead in a child process.
MIN_BYTES = 8 << 20
#: Records per message from the child.
CHUNK = 1024
#: Messages the child keeps ready beyond what the pipe holds.
QUEUED = 16
_END = b"\0\0\0\0"


class ReadAheadFailed(OSError):
    """The child process reading the manifest ended without finishing it (its last words
    say why: the manifest became unreadable, most likely)."""


def manifest_candidates(
    path: Path, root: Path | None, max_chars: int
) -> Iterator[ImportRecord | Candidate]:
    """The candidates of a manifest's lines, read and located by a child process.

    A child that can't start, or dies before its first records (a broken installation),
    costs only speed: the manifest is then read here, with a warning in the log.
    """
    from customlabels.services.imports.candidates import Candidate

    sent = False
    try:
        for chunk in _child_chunks(path, root, max_chars):
            sent = True
            yield from [Candidate(record, local=found) for record, found in map(_decode, chunk)]
    except ReadAheadFailed as exc:
        if sent:
            raise
        log.warning("%s; reading %s in this process instead", exc, path)
        with path.open("rb") as handle:
            yield from read_manifest(handle, max_chars=max_chars)


def _child_chunks(path: Path, root: Path | None, max_chars: int) -> Iterator[Any]:
    """The child's messages, each a list of encoded records; ReadAheadFailed if it fails."""
    # The child imports this package as this process does, wherever it was found.
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    command = [sys.executable, "-m", __name__, os.fspath(path), _root_arg(root), str(max_chars)]
    with tempfile.TemporaryFile() as errors:
        try:
            child = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors, env=env
            )
        except OSError as exc:
            raise ReadAheadFailed(f"the manifest reader could not start: {exc}") from exc
        assert child.stdout is not None
        try:
            _grow_pipe(child.stdout)
            yield from _chunks(child.stdout, child, errors)
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()
            child.stdout.close()


def _root_arg(root: Path | None) -> str:
    return "" if root is None else os.fspath(root)


def _chunks(stream: IO[bytes], child: subprocess.Popen[bytes], errors: Any) -> Iterator[Any]:
    while True:
        head = stream.read(4)
        if head == _END:
            return
        size = int.from_bytes(head, "little") if len(head) == 4 else 0
        body = stream.read(size) if size else b""
        if not size or len(body) != size:
            child.wait()
            errors.seek(0)
            text = errors.read().decode("utf-8", errors="replace").strip()
            raise ReadAheadFailed(
                f"reading the manifest failed (exit status {child.returncode}): "
                f"{text.splitlines()[-1] if text else 'no message'}"
            )
        yield marshal.loads(body)


def _grow_pipe(stream: IO[bytes]) -> None:
    """A 1 MiB pipe (Linux) lets the child run a few chunks ahead instead of one."""
    try:
        import fcntl

        fcntl.fcntl(stream.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass


# -- the wire format: a record and its file as nested tuples of plain values ---------------


def _encode(record: ImportRecord, found: LocalFile | UnresolvableSource | None) -> tuple[Any, ...]:
    if found is None:
        where: tuple[Any, ...] | None = None
    elif isinstance(found, UnresolvableSource):
        where = (found.code, str(found))
    else:
        where = (found.path, found.byte_size, found.fingerprint)
    return (
        record.source_ref,
        record.labels,
        [(b.label, b.left, b.top, b.width, b.height) for b in record.boxes],
        [(i.code, i.message, i.severity) for i in record.issues],
        record.image_size,
        record.frame,
        record.box_units,
        record.line_number,
        record.local_path,
        record.raw_line,
        record.is_labeled,
        where,
    )


def _decode(item: tuple[Any, ...]) -> tuple[ImportRecord, LocalFile | UnresolvableSource | None]:
    """The record and its file (Candidate's first and ``local`` arguments)."""
    (ref, labels, boxes, issues, size, frame, units, number, local, raw, labeled, where) = item
    record = ImportRecord(
        ref,
        labels,
        [Box(*b) for b in boxes] if boxes else [],
        [EntryIssue(*i) for i in issues] if issues else [],
        size,
        frame,
        units,
        number,
        local,
        raw,
        labeled,
    )
    found: LocalFile | UnresolvableSource | None = None
    if where is not None:
        found = LocalFile._make(where) if len(where) == 3 else UnresolvableSource(*where)
    return record, found


# -- the child ------------------------------------------------------------------------------


def _find(files: SourceFiles, record: ImportRecord) -> LocalFile | UnresolvableSource | None:
    """The file of a record, as the importer would find it (it ignores what it needn't)."""
    if record.local_path:
        return None
    try:
        return files.locate(record.source_ref)
    except UnresolvableSource as exc:
        return exc


def _writer(out: BinaryIO, messages: queue.Queue[bytes | None], gone: threading.Event) -> None:
    """Write the framed messages, blocking (without the GIL) while the import is busy.

    ``b""`` ends the stream (the end mark tells the import it is whole); None stops without
    the mark, so that the import reports a failure.
    """
    try:
        while body := messages.get():
            out.write(len(body).to_bytes(4, "little"))
            out.write(body)
        if body is not None:
            out.write(_END)
        out.flush()
    except (BrokenPipeError, ValueError):  # the import stopped reading (failed, cancelled)
        gone.set()
        while messages.get():  # let the reader finish without blocking
            pass


def main(argv: list[str]) -> int:
    path, root, max_chars = argv[0], argv[1], int(argv[2])
    files = SourceFiles(Path(root) if root else None)
    # Messages wait here while the import writes a batch and reads none: the pipe holds
    # about 3 messages, a batch takes 4, and this keeps the child reading ahead meanwhile.
    messages: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED)
    gone = threading.Event()
    writer = threading.Thread(target=_writer, args=(sys.stdout.buffer, messages, gone))
    writer.start()
    whole = False
    try:
        chunk: list[tuple[Any, ...]] = []
        with open(path, "rb") as handle:
            for record in read_manifest(handle, max_chars=max_chars):
                chunk.append(_encode(record, _find(files, record)))
                if len(chunk) >= CHUNK:
                    messages.put(marshal.dumps(chunk))
                    chunk = []
                    if gone.is_set():
                        return 0
        if chunk:
            messages.put(marshal.dumps(chunk))
        whole = True
    finally:
        messages.put(b"" if whole else None)
        writer.join()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

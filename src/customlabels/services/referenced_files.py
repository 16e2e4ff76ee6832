"""Reading the bytes of assets imported in place, from the server files they lie in.

An import in place (a folder source with ``in_place``) hashes each file and records where
it lies (``referenced_files``) instead of copying it into the image store. Each read checks
the file first: when its fingerprint (size, mtime, device, inode) is the one recorded, the
bytes are those that were hashed; when it differs the file is hashed again, and bytes that
no longer match the asset's SHA-256 are never returned. Every entry of such an asset then
shows the error (ERROR_SOURCE_CHANGED, or ERROR_SOURCE_MISSING for a file that is gone),
and :class:`~customlabels.errors.SourceFileChanged` is raised. A file put back as it was
is found again on the next read, which clears those errors.
"""

from __future__ import annotations

import os
from typing import NamedTuple, NoReturn

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from customlabels.db.tables import Asset, Entry, ReferencedFile
from customlabels.errors import SourceFileChanged
from customlabels.imaging import sha256_hex
from customlabels.services import stats
from customlabels.services.context import Context
from customlabels.services.imports.source_files import file_fingerprint

ERROR_SOURCE_CHANGED = "ERROR_SOURCE_CHANGED"
ERROR_SOURCE_MISSING = "ERROR_SOURCE_MISSING"
SOURCE_CODES = (ERROR_SOURCE_CHANGED, ERROR_SOURCE_MISSING)
# Recorded instead of a fingerprint once a file was found wrong: the next read hashes again.
_SUSPECT = ""


class Reference(NamedTuple):
    asset_id: int
    sha256: str
    path: str
    byte_size: int
    fingerprint: str


def find_reference(ctx: Context, sha256: str) -> Reference | None:
    """Where the asset's bytes lie when it was imported in place; None when they are in
    the store (or there is no such asset)."""
    with ctx.db.read() as session:
        row = session.execute(
            select(
                ReferencedFile.asset_id,
                Asset.sha256,
                ReferencedFile.path,
                ReferencedFile.byte_size,
                ReferencedFile.fingerprint,
            )
            .join(Asset, Asset.id == ReferencedFile.asset_id)
            .where(Asset.sha256 == sha256)
        ).first()
    return Reference(*row) if row is not None else None


def read_referenced(ctx: Context, ref: Reference) -> bytes:
    """The file's bytes when they are still the asset's; else SourceFileChanged, with the
    error recorded on the asset's entries."""
    try:
        with open(ref.path, "rb") as handle:
            st = os.fstat(handle.fileno())
            if st.st_size != ref.byte_size:
                _fail(ctx, ref, ERROR_SOURCE_CHANGED, "has changed since it was imported in place")
            data = handle.read(ref.byte_size + 1)
    except FileNotFoundError:
        _fail(ctx, ref, ERROR_SOURCE_MISSING, "no longer exists")
    except OSError as exc:
        _fail(ctx, ref, ERROR_SOURCE_MISSING, f"can no longer be read ({exc.strerror or exc})")
    fingerprint = file_fingerprint(st)
    if fingerprint == ref.fingerprint and len(data) == ref.byte_size:
        return data  # unchanged since it was hashed: the cheap check
    if len(data) != ref.byte_size or sha256_hex(data) != ref.sha256:
        _fail(ctx, ref, ERROR_SOURCE_CHANGED, "has changed since it was imported in place")
    _confirm(ctx, ref, st.st_mtime_ns, fingerprint)
    return data


def _fail(ctx: Context, ref: Reference, code: str, what: str) -> NoReturn:
    message = (
        f"the image file {ref.path!r} {what}: its image is not shown nor used until the "
        "file is put back or the entry is imported again"
    )
    with ctx.db.write() as session:
        session.execute(
            update(ReferencedFile)
            .where(ReferencedFile.asset_id == ref.asset_id)
            .values(fingerprint=_SUSPECT)
        )
        _set_issue(session, ref.asset_id, {"code": code, "message": message, "severity": "ERROR"})
    raise SourceFileChanged(message, {"issue": code})


def _confirm(ctx: Context, ref: Reference, mtime_ns: int, fingerprint: str) -> None:
    """The file holds the asset's bytes (touched, copied back): record its new fingerprint
    so the next read is cheap again, and clear the errors an earlier read recorded."""
    with ctx.db.write() as session:
        session.execute(
            update(ReferencedFile)
            .where(ReferencedFile.asset_id == ref.asset_id)
            .values(mtime_ns=mtime_ns, fingerprint=fingerprint)
        )
        if ref.fingerprint == _SUSPECT:
            _set_issue(session, ref.asset_id, None)


def _set_issue(session: Session, asset_id: int, issue: dict[str, str] | None) -> None:
    """Replace the source-file error of the asset's entries by ``issue`` (None: remove it),
    keeping the dataset counters in step."""
    entries = list(session.scalars(select(Entry).where(Entry.asset_id == asset_id)))
    if not entries:
        return
    ids = [e.id for e in entries]
    before = stats.contribution(session, ids)
    for entry in entries:
        issues = [i for i in entry.issues or [] if i.get("code") not in SOURCE_CODES]
        if issue is not None:
            issues.append(issue)
        entry.issues = issues
        entry.has_errors = any(i.get("severity") == "ERROR" for i in issues)
    session.flush()
    stats.apply_delta(session, before, stats.contribution(session, ids))

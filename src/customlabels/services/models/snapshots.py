"""Snapshots: the exact entries, labels and boxes a version was trained or tested on.

Taken when the training is asked for, so later edits of the datasets never change what a
version means. A snapshot is stored as one gzip'd JSON blob in the BlobStore (entries as
compact arrays, labels by index) and described by a ``model_snapshots`` row with counts.
Machine-made labels and boxes (pre-labelling) that nobody reviewed are left out: a model
is trained on what people said.
"""

from __future__ import annotations

import gzip
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from customlabels.db.tables import Asset, Box, Dataset, Entry, EntryLabel, Label
from customlabels.storage.protocol import BlobStore

FORMAT_VERSION = 1


@dataclass(frozen=True)
class SnapBox:
    label: str
    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class SnapEntry:
    """One entry as it was: its image (by hash, upright size), labels and boxes."""

    entry_id: int
    source_ref: str
    sha256: str
    width: int
    height: int
    labels: tuple[str, ...] = ()
    boxes: tuple[SnapBox, ...] = ()
    no_objects: bool = False


@dataclass
class Snapshot:
    entries: list[SnapEntry] = field(default_factory=list)

    @property
    def label_names(self) -> list[str]:
        """Every label used by an image-level label or a box, sorted."""
        names = {n for e in self.entries for n in e.labels}
        names |= {b.label for e in self.entries for b in e.boxes}
        return sorted(names)

    @property
    def box_count(self) -> int:
        return sum(len(e.boxes) for e in self.entries)

    def subset(self, entry_ids: set[int]) -> Snapshot:
        return Snapshot([e for e in self.entries if e.entry_id in entry_ids])

    def without(self, entry_ids: set[int]) -> Snapshot:
        return Snapshot([e for e in self.entries if e.entry_id not in entry_ids])


def read_dataset(session: Session, project_id: int, dataset_type: str) -> Snapshot | None:
    """The labelled, error-free entries of a dataset that have an image; None without one."""
    dataset = session.scalar(
        select(Dataset).where(
            Dataset.project_id == project_id, Dataset.dataset_type == dataset_type
        )
    )
    if dataset is None:
        return None
    names = dict(
        session.execute(select(Label.id, Label.name).where(Label.project_id == project_id)).all()
    )
    labels: dict[int, list[str]] = defaultdict(list)
    for entry_id, label_id in session.execute(
        select(EntryLabel.entry_id, EntryLabel.label_id).where(
            EntryLabel.dataset_id == dataset.id, EntryLabel.confidence.is_(None)
        )
    ):
        labels[entry_id].append(names[label_id])
    boxes: dict[int, list[SnapBox]] = defaultdict(list)
    for row in session.execute(
        select(Box.entry_id, Box.label_id, Box.left, Box.top, Box.width, Box.height)
        .where(Box.dataset_id == dataset.id, Box.confidence.is_(None))
        .order_by(Box.id)
    ):
        boxes[row.entry_id].append(SnapBox(names[row.label_id], *row[2:]))
    snapshot = Snapshot()
    for entry_id, ref, no_objects, sha, width, height in session.execute(
        select(
            Entry.id, Entry.source_ref, Entry.no_objects, Asset.sha256, Asset.width, Asset.height
        )
        .join(Asset, Asset.id == Entry.asset_id)
        .where(Entry.dataset_id == dataset.id, Entry.has_errors.is_(False))
        .order_by(Entry.id)
    ):
        entry_labels, entry_boxes = labels.get(entry_id, []), boxes.get(entry_id, [])
        if not (entry_labels or entry_boxes or no_objects):
            continue
        snapshot.entries.append(
            SnapEntry(
                entry_id,
                ref,
                sha,
                width,
                height,
                tuple(sorted(entry_labels)),
                tuple(entry_boxes),
                bool(no_objects),
            )
        )
    return snapshot


def encode(snapshot: Snapshot) -> bytes:
    """Compact JSON, gzip'd: labels by index, boxes and entries as arrays."""
    names = snapshot.label_names
    index = {n: i for i, n in enumerate(names)}
    rows = [
        [
            e.entry_id,
            e.source_ref,
            e.sha256,
            e.width,
            e.height,
            [index[n] for n in e.labels],
            [[index[b.label], b.left, b.top, b.width, b.height] for b in e.boxes],
            int(e.no_objects),
        ]
        for e in snapshot.entries
    ]
    body = {"format": FORMAT_VERSION, "labels": names, "entries": rows}
    return gzip.compress(orjson.dumps(body), compresslevel=6)


def decode(data: bytes) -> Snapshot:
    body = orjson.loads(gzip.decompress(data))
    names = body["labels"]
    return Snapshot(
        [
            SnapEntry(
                entry_id,
                ref,
                sha,
                width,
                height,
                tuple(names[i] for i in label_ids),
                tuple(SnapBox(names[b[0]], *b[1:]) for b in box_rows),
                bool(no_objects),
            )
            for entry_id, ref, sha, width, height, label_ids, box_rows, no_objects in body[
                "entries"
            ]
        ]
    )


def store(blobs: BlobStore, project_id: int, snapshot: Snapshot) -> str:
    """Put the snapshot in the store under a new key; returns the key."""
    key = f"models/{project_id}/snapshots/{uuid.uuid4().hex}.json.gz"
    blobs.put(key, encode(snapshot))
    return key


def load(blobs: BlobStore, key: str) -> Snapshot:
    return decode(blobs.get(key))

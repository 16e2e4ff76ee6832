"""Reading entries with their labels, boxes, issues and asset, in a few queries per page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from customlabels.db.tables import Asset, Box, Entry, EntryLabel, Label


@dataclass(frozen=True)
class AssetView:
    sha256: str
    image_format: str
    width: int
    height: int
    raw_width: int
    raw_height: int
    orientation: int
    byte_size: int


@dataclass(frozen=True)
class BoxView:
    id: int
    label: str
    left: float
    top: float
    width: float
    height: float
    # Set on a box a model predicted and nobody reviewed: its confidence, 0-100.
    confidence: float | None = None


@dataclass(frozen=True)
class EntryView:
    id: int
    dataset_id: int
    source_ref: str
    version: int
    is_labeled: bool
    has_errors: bool
    no_objects: bool
    labels: list[str]
    boxes: list[BoxView]
    issues: list[dict[str, Any]]
    asset_id: int | None
    asset: AssetView | None
    raw_line: str | None
    created_at: datetime
    updated_at: datetime
    # Image-level labels a model predicted and nobody reviewed, with their confidence.
    predicted_labels: dict[str, float] = field(default_factory=dict)
    has_predictions: bool = False


def load_entries(session: Session, ids: Sequence[int]) -> list[EntryView]:
    """Views of the entries ``ids``, in the order given."""
    if not ids:
        return []
    id_list = list(ids)
    rows = session.execute(
        select(Entry, Asset)
        .outerjoin(Asset, Asset.id == Entry.asset_id)
        .where(Entry.id.in_(id_list))
    ).all()
    labels: dict[int, list[str]] = defaultdict(list)
    predicted: dict[int, dict[str, float]] = defaultdict(dict)
    for entry_id, name, confidence in session.execute(
        select(EntryLabel.entry_id, Label.name, EntryLabel.confidence)
        .join(Label, Label.id == EntryLabel.label_id)
        .where(EntryLabel.entry_id.in_(id_list))
        .order_by(EntryLabel.entry_id, Label.name)
    ):
        labels[entry_id].append(name)
        if confidence is not None:
            predicted[entry_id][name] = confidence
    boxes: dict[int, list[BoxView]] = defaultdict(list)
    for box, name in session.execute(
        select(Box, Label.name)
        .join(Label, Label.id == Box.label_id)
        .where(Box.entry_id.in_(id_list))
        .order_by(Box.entry_id, Box.id)
    ):
        boxes[box.entry_id].append(
            BoxView(box.id, name, box.left, box.top, box.width, box.height, box.confidence)
        )
    by_id = {}
    for entry, asset in rows:
        by_id[entry.id] = EntryView(
            id=entry.id,
            dataset_id=entry.dataset_id,
            source_ref=entry.source_ref,
            version=entry.version,
            is_labeled=entry.is_labeled,
            has_errors=entry.has_errors,
            no_objects=entry.no_objects,
            labels=labels.get(entry.id, []),
            boxes=boxes.get(entry.id, []),
            issues=list(entry.issues or []),
            asset_id=entry.asset_id,
            asset=asset_view(asset) if asset is not None else None,
            raw_line=entry.raw_line,
            created_at=entry.created_at,
            updated_at=entry.updated_at,
            predicted_labels=predicted.get(entry.id, {}),
            has_predictions=entry.has_predictions,
        )
    return [by_id[i] for i in id_list if i in by_id]


def asset_view(asset: Asset) -> AssetView:
    return AssetView(
        sha256=asset.sha256,
        image_format=asset.image_format,
        width=asset.width,
        height=asset.height,
        raw_width=asset.raw_width,
        raw_height=asset.raw_height,
        orientation=asset.orientation,
        byte_size=asset.byte_size,
    )

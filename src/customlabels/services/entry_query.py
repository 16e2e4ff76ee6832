"""Finding entries: the hosted service's filters, stable id order, cursor pages.

A page is never an OFFSET and never counts the whole table: each filter is an index range
scan from the cursor, and a label filter merges, in Python, at most ``limit`` ids from each
of its per-label scans (image-level labels and boxes).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from customlabels.db.tables import Box, Entry, EntryLabel, Label
from customlabels.errors import InvalidInput

MAX_FILTER_LABELS = 10


@dataclass(frozen=True)
class EntryFilter:
    """The filters of ListDatasetEntries, plus ``has_boxes``."""

    contains_labels: tuple[str, ...] = ()
    labeled: bool | None = None
    source_ref_contains: str | None = None
    has_errors: bool | None = None
    has_boxes: bool | None = None
    entry_ids: tuple[int, ...] | None = field(default=None)

    def __post_init__(self) -> None:
        if len(self.contains_labels) > MAX_FILTER_LABELS:
            raise InvalidInput(
                f"at most {MAX_FILTER_LABELS} labels in a filter, got {len(self.contains_labels)}"
            )


def encode_cursor(last_id: int, descending: bool, dataset_id: int) -> str:
    # The dataset is part of the token so a token of another listing is refused, not
    # silently read as a position in this one.
    raw = f"{'d' if descending else 'a'}{dataset_id}:{last_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str | None, descending: bool, dataset_id: int) -> int | None:
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        direction, (scope, last) = raw[0], map(int, raw[1:].split(":"))
    except (binascii.Error, ValueError, UnicodeDecodeError, IndexError):
        raise InvalidInput(f"invalid page token {token!r}") from None
    if direction != ("d" if descending else "a"):
        raise InvalidInput("the page token belongs to a listing in the other order")
    if scope != dataset_id:
        raise InvalidInput("the page token belongs to a listing of another dataset")
    return last


def _entry_conditions(session: Session, dataset_id: int, flt: EntryFilter) -> list[Any]:
    conditions: list[Any] = [Entry.dataset_id == dataset_id]
    if flt.labeled is not None:
        conditions.append(Entry.is_labeled.is_(flt.labeled))
    if flt.has_errors is not None:
        conditions.append(Entry.has_errors.is_(flt.has_errors))
    if flt.has_boxes is not None:
        conditions.append(Entry.has_boxes.is_(flt.has_boxes))
    if flt.source_ref_contains:
        text = flt.source_ref_contains
        if session.get_bind().dialect.name == "sqlite":
            # instr() is case-sensitive like the hosted filter; SQLite's LIKE is not.
            conditions.append(func.instr(Entry.source_ref, text) > 0)
        else:
            conditions.append(Entry.source_ref.contains(text, autoescape=True))
    if flt.entry_ids is not None:
        conditions.append(Entry.id.in_(list(flt.entry_ids)))
    return conditions


def _after(column: Any, after_id: int | None, descending: bool) -> list[Any]:
    if after_id is None:
        return []
    return [column < after_id] if descending else [column > after_id]


def page_ids(
    session: Session,
    dataset_id: int,
    project_id: int,
    flt: EntryFilter,
    *,
    after_id: int | None,
    limit: int,
    descending: bool = False,
) -> list[int]:
    """The ids of the next ``limit`` entries matching ``flt`` after the cursor."""
    conditions = _entry_conditions(session, dataset_id, flt)
    if not flt.contains_labels:
        order = Entry.id.desc() if descending else Entry.id
        query = (
            select(Entry.id)
            .where(*conditions, *_after(Entry.id, after_id, descending))
            .order_by(order)
            .limit(limit)
        )
        return list(session.scalars(query).all())
    label_ids = list(
        session.scalars(
            select(Label.id).where(
                Label.project_id == project_id, Label.name.in_(list(flt.contains_labels))
            )
        ).all()
    )
    found: set[int] = set()
    only_dataset = len(conditions) == 1
    for label_id in label_ids:
        for table in (EntryLabel, Box):
            found.update(
                session.scalars(
                    _label_scan(
                        table,
                        dataset_id,
                        label_id,
                        conditions,
                        only_dataset,
                        after_id,
                        limit,
                        descending,
                    )
                ).all()
            )
    return sorted(found, reverse=descending)[:limit]


def _label_scan(
    table: type[EntryLabel] | type[Box],
    dataset_id: int,
    label_id: int,
    conditions: list[Any],
    only_dataset: bool,
    after_id: int | None,
    limit: int,
    descending: bool,
) -> Select[tuple[int]]:
    order = table.entry_id.desc() if descending else table.entry_id
    query = select(table.entry_id).where(
        table.dataset_id == dataset_id,
        table.label_id == label_id,
        *_after(table.entry_id, after_id, descending),
    )
    if not only_dataset:
        query = query.join(Entry, Entry.id == table.entry_id).where(*conditions)
    if table is Box:
        query = query.distinct()
    return query.order_by(order).limit(limit)


def all_matching_ids(
    session: Session, dataset_id: int, project_id: int, flt: EntryFilter, batch: int = 20000
) -> list[int]:
    """Every id matching ``flt``, in order (for bulk changes and exports)."""
    ids: list[int] = []
    after: int | None = None
    while True:
        part = page_ids(session, dataset_id, project_id, flt, after_id=after, limit=batch)
        ids.extend(part)
        if len(part) < batch:
            return ids
        after = part[-1]

"""An entry's history: the audit events that name it, and the bulk changes that covered it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from customlabels.db.tables import AuditEvent, Dataset, Entry
from customlabels.errors import InvalidInput
from customlabels.services.audit import RUNS_KEY
from customlabels.services.context import Context
from customlabels.services.datasets import get_dataset

HISTORY_MAX = 500
# Bulk candidates are read this many at a time: most events of a dataset cover an entry's
# neighbours too, so the few whose runs miss it cost little.
_BULK_BATCH = 200


@dataclass(frozen=True)
class HistoryItem:
    at: datetime
    actor: str
    action: str
    detail: dict[str, Any]


def _covers(event: AuditEvent, entry_id: int) -> bool:
    runs = (event.detail or {}).get(RUNS_KEY) or []
    return any(first <= entry_id <= last for first, last in runs)


def _item(event: AuditEvent) -> HistoryItem:
    # An entry's history needn't repeat the other entries a bulk change touched.
    detail = {k: v for k, v in (event.detail or {}).items() if k != RUNS_KEY}
    return HistoryItem(at=event.at, actor=event.actor, action=event.action, detail=detail)


def entry_history(
    ctx: Context, project: str, dataset_type: str, entry_id: int, limit: int = 100
) -> list[HistoryItem]:
    """The changes of one entry, newest first, bulk changes that covered it included.

    A deleted entry keeps its history. When the entry exists, events from before it was
    created are left out: SQLite may give a new entry the id of a deleted one.
    """
    if not 1 <= limit <= HISTORY_MAX:
        raise InvalidInput(f"limit must be 1..{HISTORY_MAX}, got {limit}")
    with ctx.db.read() as session:
        dataset = get_dataset(session, project, dataset_type)
        entry = session.get(Entry, entry_id)
        since = entry.created_at if entry is not None and entry.dataset_id == dataset.id else None
        # By project, not dataset: a split moves entries from TRAIN to TEST, ids unchanged.
        own = list(
            session.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.entry_id == entry_id,
                    AuditEvent.project_id == dataset.project_id,
                )
                .order_by(AuditEvent.id.desc())
                .limit(limit)
            )
        )
        dataset_ids = list(
            session.scalars(select(Dataset.id).where(Dataset.project_id == dataset.project_id))
        )
        bulk = _bulk_events(session, dataset_ids, entry_id, limit)
        events = sorted([*own, *bulk], key=lambda e: e.id, reverse=True)
        if since is not None:
            events = [e for e in events if e.at >= since]
        return [_item(e) for e in events[:limit]]


def _bulk_events(
    session: Session, dataset_ids: list[int], entry_id: int, limit: int
) -> list[AuditEvent]:
    """The newest ``limit`` many-entry events whose runs include ``entry_id``."""
    found: list[AuditEvent] = []
    before: int | None = None
    while len(found) < limit:
        query = (
            select(AuditEvent)
            .where(
                AuditEvent.dataset_id.in_(dataset_ids),
                AuditEvent.entry_min <= entry_id,
                AuditEvent.entry_max >= entry_id,
            )
            .order_by(AuditEvent.id.desc())
            .limit(_BULK_BATCH)
        )
        if before is not None:
            query = query.where(AuditEvent.id < before)
        batch = list(session.scalars(query))
        found.extend(e for e in batch if _covers(e, entry_id))
        if len(batch) < _BULK_BATCH:
            break
        before = batch[-1].id
    return found[:limit]

"""The audit log: an entry's history (who changed it, when, and how)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from customlabels.api.deps import Ctx
from customlabels.api.schemas_audit import HistoryItemPublic, HistoryPublic
from customlabels.services.audit_history import HISTORY_MAX, entry_history

router = APIRouter(tags=["audit"])
ENTRY = "/projects/{project}/datasets/{dataset_type}/entries/{entry_id}"


@router.get(ENTRY + "/history", response_model=HistoryPublic)
def get_entry_history(
    project: str,
    dataset_type: str,
    entry_id: int,
    ctx: Ctx,
    limit: Annotated[int, Query(ge=1, le=HISTORY_MAX)] = 100,
) -> HistoryPublic:
    """The entry's changes, newest first, bulk changes that covered it included.

    A deleted entry keeps its history.
    """
    items = entry_history(ctx, project, dataset_type, entry_id, limit)
    return HistoryPublic(items=[HistoryItemPublic.of(i) for i in items])

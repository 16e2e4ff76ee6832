"""Response bodies of the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from customlabels.services.audit_history import HistoryItem


class HistoryItemPublic(BaseModel):
    """One change: when, by whom ("cli:<os user>" for the CLI, "system" for jobs), what."""

    at: datetime
    actor: str
    action: str
    detail: dict[str, Any]

    @classmethod
    def of(cls, item: HistoryItem) -> HistoryItemPublic:
        return cls(at=item.at, actor=item.actor, action=item.action, detail=item.detail)


class HistoryPublic(BaseModel):
    """Changes newest first."""

    items: list[HistoryItemPublic]

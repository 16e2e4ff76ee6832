"""The audit log: who changed which entry, label, dataset, project or model version, and when.

``record`` adds an event to the session of the change itself, so a change that is refused
(its transaction rolled back) records nothing, and a recorded change did happen. The actor
comes from ``services.actor``. A change of many entries (a bulk labelling, a delete by
filter) is ONE event whatever it touched: its entry ids are kept as ``[first, last]`` runs,
bounded by ``entry_min``/``entry_max`` columns so an entry's history (``audit_history``)
finds the candidates by an index range and checks the runs in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from customlabels.db.tables import AuditEvent, Dataset, Project
from customlabels.services import actor

Runs = list[tuple[int, int]]

# A bulk event keeps at most this many id runs. A scattered selection of a million
# entries could need half a million; past the cap neighbouring runs are joined (closing
# the smallest gaps first), so the runs cover every changed entry and perhaps a few
# untouched ones between them, and the event says so ("runs_approximate").
MAX_RUNS = 1000
RUNS_KEY = "entry_runs"


def to_runs(ids: Iterable[int]) -> Runs:
    runs: Runs = []
    for i in sorted(set(ids)):
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def merge_runs(runs: Iterable[Sequence[int]]) -> Runs:
    """Runs sorted, with overlapping and touching ones joined."""
    merged: Runs = []
    for first, last in sorted((int(r[0]), int(r[1])) for r in runs):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def cap_runs(runs: Runs, limit: int = MAX_RUNS) -> tuple[Runs, bool]:
    if len(runs) <= limit:
        return runs, False
    gaps = sorted(range(len(runs) - 1), key=lambda i: runs[i + 1][0] - runs[i][1])
    keep = set(gaps[len(gaps) - (limit - 1) :])  # the widest gaps stay gaps
    capped: Runs = [runs[0]]
    for i in range(1, len(runs)):
        if i - 1 in keep:
            capped.append(runs[i])
        else:
            capped[-1] = (capped[-1][0], runs[i][1])
    return capped, True


def record(
    session: Session,
    action: str,
    *,
    project: Project | None = None,
    dataset: Dataset | None = None,
    entry_id: int | None = None,
    entry_ids: Iterable[int] | None = None,
    entry_runs: Iterable[Sequence[int]] | None = None,
    label: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add an event for ``action`` by the current actor to ``session`` (the change's own).

    One entry is named by ``entry_id``; many by ``entry_ids`` or ``entry_runs``, which
    become one event with the runs in its detail, never a row per entry.
    """
    if project is None and dataset is not None:
        project = session.get(Project, dataset.project_id)
    body = dict(detail or {})
    entry_min = entry_max = None
    runs: Runs = []
    if entry_runs is not None:
        runs = merge_runs(entry_runs)
    if entry_ids is not None:
        runs = merge_runs([*runs, *to_runs(entry_ids)])
    if runs and entry_id is None and len(runs) == 1 and runs[0][0] == runs[0][1]:
        entry_id = runs[0][0]  # a bulk change that touched one entry reads as that entry's
    elif runs:
        runs, approximate = cap_runs(runs)
        body[RUNS_KEY] = [list(r) for r in runs]
        if approximate:
            body["runs_approximate"] = True
        entry_min, entry_max = runs[0][0], runs[-1][1]
    session.add(
        AuditEvent(
            actor=actor.current(),
            action=action,
            project_id=project.id if project is not None else None,
            project_name=project.name if project is not None else None,
            dataset_type=dataset.dataset_type if dataset is not None else None,
            dataset_id=dataset.id if dataset is not None else None,
            entry_id=entry_id,
            entry_min=entry_min,
            entry_max=entry_max,
            label=label,
            detail=body,
        )
    )

"""The audit log: who changed an entry, a label, a dataset, and when."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from customlabels.db.tables import AuditEvent
from customlabels.errors import InvalidInput, VersionConflict
from customlabels.services import actor, audit, datasets, entries, labels, projects
from customlabels.services.audit_history import entry_history
from customlabels.services.bulk_changes import bulk_labels_recorded, revert_bulk
from customlabels.services.entries import BoxInput
from customlabels.services.entry_query import EntryFilter
from customlabels.services.jobs import create_job

from .builders import project_with, ref


@pytest.fixture
def as_alice():
    with actor.acting_as("alice"):
        yield


def _events(ctx) -> list[SimpleNamespace]:
    """Every event, oldest first, read into plain objects (the session closes)."""
    with ctx.db.read() as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [
            SimpleNamespace(**{c.key: getattr(e, c.key) for c in AuditEvent.__mapper__.columns})
            for e in rows
        ]


def _count(ctx) -> int:
    with ctx.db.read() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def test_label_edit_and_box_save_are_in_the_entry_history_newest_first(ctx, as_alice):
    entry = project_with(ctx, ["cat/a.jpg"])[ref("cat/a.jpg")]
    once = entries.edit_entry(
        ctx, "pets", "train", entry.id, expected_version=entry.version, add_labels=["fluffy"]
    )
    entries.edit_entry(
        ctx,
        "pets",
        "train",
        entry.id,
        expected_version=once.version,
        remove_labels=["cat"],
        add_boxes=[BoxInput("eye", 1, 1, 5, 5)],
    )
    history = entry_history(ctx, "pets", "train", entry.id)
    assert [(h.actor, h.action) for h in history] == [
        ("alice", "entry.boxes"),
        ("alice", "entry.labels"),
        ("alice", "entry.labels"),
    ]
    assert history[0].detail == {"boxes_before": 0, "boxes_after": 1}
    assert history[1].detail["removed"] == ["cat"]
    assert history[2].detail["added"] == ["fluffy"]
    assert history[0].at >= history[2].at and history[0].at.tzinfo is not None


def test_a_refused_change_records_nothing(ctx, as_alice):
    entry = project_with(ctx, ["cat/a.jpg"])[ref("cat/a.jpg")]
    before = _count(ctx)
    with pytest.raises(VersionConflict):
        entries.edit_entry(
            ctx, "pets", "train", entry.id, expected_version=entry.version + 5, add_labels=["x"]
        )
    with pytest.raises(InvalidInput):
        entries.edit_entry(
            ctx,
            "pets",
            "train",
            entry.id,
            expected_version=entry.version,
            add_boxes=[BoxInput("eye", 0, 0, 999, 5)],
        )
    assert _count(ctx) == before
    assert entry_history(ctx, "pets", "train", entry.id) == []


def test_a_bulk_change_is_one_event_found_in_the_history_of_each_entry_it_changed(ctx, as_alice):
    found = project_with(ctx, [f"cat/{n}.jpg" for n in range(6)] + ["dog/x.jpg"])
    cats = sorted(v.id for k, v in found.items() if "/cat/" in k)
    dog = found[ref("dog/x.jpg")].id
    before = _count(ctx)
    change = bulk_labels_recorded(
        ctx, "pets", "train", EntryFilter(contains_labels=("cat",)), add=["animal"]
    )
    assert change.matched == 6
    assert _count(ctx) == before + 1
    event = _events(ctx)[-1]
    assert event.action == "entry.bulk_labels" and event.actor == "alice"
    assert (event.entry_min, event.entry_max) == (cats[0], cats[-1])
    assert event.detail["added"] == {"animal": 6}
    for cat in cats:
        [item] = entry_history(ctx, "pets", "train", cat)
        assert item.action == "entry.bulk_labels" and "entry_runs" not in item.detail
    assert entry_history(ctx, "pets", "train", dog) == []


def test_an_undo_of_a_bulk_change_is_recorded_as_such(ctx, as_alice):
    found = project_with(ctx, ["cat/a.jpg", "cat/b.jpg"])
    change = bulk_labels_recorded(
        ctx, "pets", "train", EntryFilter(contains_labels=("cat",)), add=["animal"]
    )
    revert_bulk(ctx, "pets", "train", change.added, change.removed)
    history = entry_history(ctx, "pets", "train", found[ref("cat/a.jpg")].id)
    assert [h.action for h in history] == ["entry.bulk_labels", "entry.bulk_labels"]
    assert history[0].detail["undo"] is True and history[0].detail["removed"] == {"animal": 2}


def test_a_deleted_entry_keeps_its_history(ctx, as_alice):
    entry = project_with(ctx, ["cat/a.jpg"])[ref("cat/a.jpg")]
    entries.edit_entry(
        ctx, "pets", "train", entry.id, expected_version=entry.version, add_labels=["x"]
    )
    entries.delete_entries(ctx, "pets", "train", EntryFilter(entry_ids=(entry.id,)))
    history = entry_history(ctx, "pets", "train", entry.id)
    assert [h.action for h in history] == ["entry.delete", "entry.labels"]


def test_label_dataset_and_project_changes_name_the_actor_and_outlive_the_project(ctx, as_alice):
    projects.create_project(ctx, "pets")
    datasets.create_empty_dataset(ctx, "pets", "test")
    labels.create_label(ctx, "pets", "cat")
    labels.create_label(ctx, "pets", "kitten")
    labels.update_label(ctx, "pets", "cat", new_name="feline", color="#112233")
    labels.merge_labels(ctx, "pets", "kitten", "feline")
    labels.delete_label(ctx, "pets", "feline")
    datasets.delete_dataset(ctx, "pets", "test")
    projects.delete_project(ctx, "pets")
    events = _events(ctx)
    assert [e.action for e in events] == [
        "project.create",
        "dataset.create",
        "label.create",
        "label.create",
        "label.rename",
        "label.recolor",
        "label.merge",
        "label.delete",
        "dataset.delete",
        "project.delete",
    ]
    assert {e.actor for e in events} == {"alice"}
    assert {e.project_name for e in events} == {"pets"}
    assert {e.project_id for e in events} == {None}  # SET NULL: the project is gone
    assert events[4].label == "feline" and events[4].detail == {"from": "cat"}
    assert events[6].detail["source"] == "kitten"


def test_nobody_acting_is_recorded_as_system(ctx):
    projects.create_project(ctx, "pets")
    assert _events(ctx)[-1].actor == actor.SYSTEM


def test_a_job_remembers_who_queued_it(ctx, as_alice):
    projects.create_project(ctx, "pets")
    with ctx.db.write() as session:
        job = create_job(session, "dataset.export", {"type": "TRAIN"}, title="Export TRAIN")
    assert job.params[actor.REQUESTED_BY] == "alice"


def test_scattered_ids_are_capped_to_runs_that_cover_them_all():
    runs = [(i, i) for i in range(0, 10 * audit.MAX_RUNS, 5)] + [(10**6, 10**6)]
    capped, approximate = audit.cap_runs(runs)
    assert approximate and len(capped) == audit.MAX_RUNS
    assert all(any(a <= i <= b for a, b in capped) for i, _ in runs)
    assert capped[-1] == (10**6, 10**6)  # the widest gap stays a gap

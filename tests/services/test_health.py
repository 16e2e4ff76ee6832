"""The project page's dataset health: label counts, training flags and histograms."""

from __future__ import annotations

import pytest
from tests.services.builders import by_ref, project_with, ref, upload

from customlabels.errors import ProjectNotFound
from customlabels.services import entries, health, projects
from customlabels.services.context import Context
from customlabels.services.entries import BoxInput
from customlabels.services.models import rules, snapshots
from customlabels.services.projects import get_project


def _training_verdict(ctx: Context, project: str) -> rules.RuleBroken:
    """What a training started now would fail with."""
    with ctx.db.read() as session:
        project_id = get_project(session, project).id
        train = snapshots.read_dataset(session, project_id, "TRAIN")
        test = snapshots.read_dataset(session, project_id, "TEST")
    with pytest.raises(rules.RuleBroken) as broken:
        rules.plan_training(train, test, max_labels=250)
    return broken.value


def _box(label: str) -> BoxInput:
    return BoxInput(label, 1, 1, 4, 4)


def _add_boxes(ctx: Context, project: str, type_name: str, path: str, labels: list[str]) -> None:
    entry = by_ref(ctx, project, type_name)[ref(path)]
    entries.edit_entry(
        ctx,
        project,
        type_name,
        entry.id,
        expected_version=entry.version,
        add_boxes=[_box(label) for label in labels],
    )


def test_classification_counts_images_per_label_and_flags_the_one_autosplit_cannot_split(
    ctx: Context,
) -> None:
    project_with(ctx, ["cat/1.jpg", "cat/2.jpg", "cat/3.jpg"])
    upload(ctx, "pets", ["dog/1.jpg"], width=600, height=400)

    found = health.project_health(ctx, "pets")

    assert found.task == rules.CLASSIFICATION
    assert (found.has_train, found.has_test) == (True, False)
    by_name = {label.name: label for label in found.labels}
    assert by_name["cat"].train == health.SideCounts(images=3, boxes=0)
    assert by_name["dog"].train == health.SideCounts(images=1, boxes=0)
    assert by_name["cat"].test == health.SideCounts(images=0, boxes=0)
    assert by_name["cat"].flag is None
    flag = by_name["dog"].flag
    assert flag is not None and flag.blocks_training
    # The same code and words as the training that these datasets would fail.
    verdict = _training_verdict(ctx, "pets")
    assert (flag.code, flag.message) == (verdict.code, verdict.message)
    assert found.min_images_per_label == rules.MIN_IMAGES_PER_LABEL_FOR_AUTOSPLIT == 2
    sizes = {b.name: (b.train, b.test) for b in found.image_sizes}
    assert sizes == {
        "≤ 256 px": (3, 0),
        "257–512 px": (0, 0),
        "513–1024 px": (1, 0),
        "1025–2048 px": (0, 0),
        "2049–4096 px": (0, 0),
        "> 4096 px": (0, 0),
    }
    assert [(b.name, b.train) for b in found.boxes_per_image] == [
        ("0", 4),
        ("1", 0),
        ("2", 0),
        ("3", 0),
        ("4", 0),
        ("5–9", 0),
        ("10+", 0),
    ]


def test_detection_counts_images_with_boxes_and_buckets_boxes_per_image(ctx: Context) -> None:
    project_with(ctx, ["a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg"], folder_labels=False)
    _add_boxes(ctx, "pets", "train", "a.jpg", ["cat"])
    _add_boxes(ctx, "pets", "train", "b.jpg", ["cat", "cat", "dog"])
    _add_boxes(ctx, "pets", "train", "c.jpg", ["dog"] * 6)
    _add_boxes(ctx, "pets", "train", "d.jpg", ["cat"] * 12)
    upload(ctx, "pets", ["t1.jpg", "t2.jpg"], type_name="test", folder_labels=False)
    _add_boxes(ctx, "pets", "test", "t1.jpg", ["cat", "bird"])
    _add_boxes(ctx, "pets", "test", "t2.jpg", ["bird"])

    found = health.project_health(ctx, "pets")

    assert found.task == rules.DETECTION
    assert found.has_test
    by_name = {label.name: label for label in found.labels}
    assert by_name["cat"].train == health.SideCounts(images=3, boxes=15)
    assert by_name["dog"].train == health.SideCounts(images=2, boxes=7)
    assert by_name["cat"].test == health.SideCounts(images=1, boxes=1)
    assert by_name["bird"].test == health.SideCounts(images=2, boxes=2)
    # With a TEST dataset nothing is split off TRAIN: a label with one image is trainable,
    # but one in TEST alone is never learnt.
    assert by_name["cat"].flag is None and by_name["dog"].flag is None
    bird = by_name["bird"].flag
    assert bird is not None and bird.code == health.NOT_IN_TRAIN and not bird.blocks_training
    assert "TEST only" in bird.message
    per_image = {b.name: (b.train, b.test) for b in found.boxes_per_image}
    assert per_image == {
        "0": (1, 0),
        "1": (1, 1),
        "2": (0, 1),
        "3": (1, 0),
        "4": (0, 0),
        "5–9": (1, 0),
        "10+": (1, 0),
    }
    assert {b.name: b.test for b in found.image_sizes}["≤ 256 px"] == 2


def test_a_project_without_datasets_has_labels_and_empty_histograms(ctx: Context) -> None:
    projects.create_project(ctx, "empty")

    found = health.project_health(ctx, "empty")

    assert (found.has_train, found.has_test, found.labels) == (False, False, [])
    assert all(b.train == b.test == 0 for b in found.image_sizes + found.boxes_per_image)


def test_an_unknown_project_is_named_in_the_error(ctx: Context) -> None:
    with pytest.raises(ProjectNotFound, match="'nowhere'"):
        health.project_health(ctx, "nowhere")

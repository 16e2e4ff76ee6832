"""The stored counters (DescribeDataset, ListDatasetLabels) always equal a fresh recount."""

from __future__ import annotations

import contextlib
import random
from collections import Counter

import pytest

from customlabels.errors import DatasetNotFound
from customlabels.services import datasets, entries, labels, projects, split
from customlabels.services.entries import BoxInput
from customlabels.services.entry_query import EntryFilter
from customlabels.services.imports import uploads

from .builders import all_entries, jpeg

SIDES = ("train", "test")
NAMES = ["cat", "dog", "bird", "Cat", "fox", "owl"]


def stored(ctx, side):
    stats = datasets.describe_dataset(ctx, "pets", side).stats
    per_label = {
        i.name: (i.entry_count, i.box_count) for i in labels.dataset_labels(ctx, "pets", side)
    }
    return stats, per_label


def recount(ctx, side):
    views = all_entries(ctx, "pets", side, limit=7)
    image_level = Counter(name for v in views for name in v.labels)
    boxes = Counter(b.label for v in views for b in v.boxes)
    vocabulary = [lab.name for lab in labels.list_labels(ctx, "pets")]
    stats = datasets.DatasetStats(
        labeled_entries=sum(bool(v.labels or v.boxes or v.no_objects) for v in views),
        total_entries=len(views),
        total_labels=len(set(image_level) | set(boxes)),
        error_entries=sum(
            bool(v.issues and any(i["severity"] == "ERROR" for i in v.issues)) for v in views
        ),
    )
    return stats, {name: (image_level[name], boxes[name]) for name in vocabulary}


def check(ctx, step):
    for side in SIDES:
        try:
            datasets.describe_dataset(ctx, "pets", side)
        except DatasetNotFound:
            continue
        assert stored(ctx, side) == recount(ctx, side), (step, side)
        views = all_entries(ctx, "pets", side)
        boxed = {e.id for e in all_entries(ctx, "pets", side, EntryFilter(has_boxes=True))}
        assert boxed == {v.id for v in views if v.boxes}, (step, side)
        flagged = {e.id for e in all_entries(ctx, "pets", side, EntryFilter(labeled=True))}
        assert flagged == {v.id for v in views if v.labels or v.boxes or v.no_objects}, (step, side)


class Scenario:
    """Random user actions, each through a public service function."""

    def __init__(self, ctx, seed):
        self.ctx = ctx
        self.rng = random.Random(seed)
        self.uploaded = 0

    def entries_of(self, side):
        try:
            return all_entries(self.ctx, "pets", side)
        except DatasetNotFound:
            return []

    def box(self):
        r = self.rng
        left, top = r.randrange(0, 20), r.randrange(0, 14)
        return BoxInput(r.choice(NAMES), left, top, r.randrange(1, 12), r.randrange(1, 10))

    def upload(self):
        r = self.rng
        files = []
        for _ in range(r.randrange(1, 5)):
            self.uploaded += 1
            folder = r.choice([*NAMES, "", ""])
            # reuse a few paths so some uploads replace entries (upsert by source-ref)
            name = f"{r.randrange(0, 12)}.jpg"
            path = f"{folder}/{name}" if folder else name
            data = b"not an image" if r.random() < 0.15 else jpeg(color=(self.uploaded % 256, 9, 9))
            files.append(uploads.UploadedFile(path, data))
        side = "train" if r.random() < 0.8 else "test"
        uploads.upload_files(self.ctx, "pets", side, files, folder_labels=True)

    def edit(self):
        r = self.rng
        side = r.choice(SIDES)
        views = self.entries_of(side)
        if not views:
            return
        view = r.choice(views)
        change = r.choice(["add", "remove", "add_box", "delete_box", "replace", "no_objects"])
        kwargs: dict = {}
        if change == "add":
            kwargs["add_labels"] = r.sample(NAMES, r.randrange(1, 3))
        elif change == "remove" and view.labels:
            kwargs["remove_labels"] = [r.choice(view.labels)]
        elif change == "add_box" and view.asset:
            kwargs["add_boxes"] = [self.box() for _ in range(r.randrange(1, 3))]
        elif change == "delete_box" and view.boxes:
            kwargs["delete_box_ids"] = [r.choice(view.boxes).id]
        elif change == "replace" and view.asset:
            kwargs["boxes"] = [self.box() for _ in range(r.randrange(0, 3))]
        elif change == "no_objects":
            kwargs["no_objects"] = r.random() < 0.5
        else:
            kwargs["add_labels"] = [r.choice(NAMES)]
        entries.edit_entry(self.ctx, "pets", side, view.id, expected_version=view.version, **kwargs)

    def bulk(self):
        r = self.rng
        flt = r.choice(
            [
                EntryFilter(),
                EntryFilter(labeled=False),
                EntryFilter(contains_labels=tuple(r.sample(NAMES, 2))),
                EntryFilter(has_boxes=True),
                EntryFilter(source_ref_contains=str(r.randrange(0, 10))),
            ]
        )
        add = r.sample(NAMES, r.randrange(0, 2))
        remove = r.sample(NAMES, r.randrange(0 if add else 1, 3))
        side = r.choice(SIDES)
        with contextlib.suppress(DatasetNotFound):  # the dataset may not exist yet
            entries.bulk_labels(self.ctx, "pets", side, flt, add=add, remove=remove)

    def merge(self):
        names = [lab.name for lab in labels.list_labels(self.ctx, "pets")]
        if len(names) >= 2:
            source, target = self.rng.sample(names, 2)
            labels.merge_labels(self.ctx, "pets", source, target)

    def delete_label(self):
        names = [lab.name for lab in labels.list_labels(self.ctx, "pets")]
        if names:
            labels.delete_label(self.ctx, "pets", self.rng.choice(names))

    def delete_entries(self):
        side = self.rng.choice(SIDES)
        views = self.entries_of(side)
        if views:
            ids = tuple(v.id for v in self.rng.sample(views, min(len(views), 2)))
            entries.delete_entries(self.ctx, "pets", side, EntryFilter(entry_ids=ids))

    def distribute(self):
        if self.entries_of("test"):
            entries.delete_entries(self.ctx, "pets", "test", EntryFilter())
        if len(self.entries_of("train")) >= 2:
            split.distribute(self.ctx, "pets", self.rng.randrange(1000), None)

    def step(self):
        action = self.rng.choices(
            [
                self.upload,
                self.edit,
                self.bulk,
                self.merge,
                self.delete_label,
                self.delete_entries,
                self.distribute,
            ],
            weights=[4, 6, 2, 1, 1, 1, 1],
        )[0]
        action()
        return action.__name__


@pytest.mark.parametrize("seed", [1, 2])
def test_counters_equal_a_recount_after_any_sequence_of_changes(ctx, seed):
    projects.create_project(ctx, "pets")
    scenario = Scenario(ctx, seed)
    scenario.upload()
    done = []
    for number in range(30):
        done.append(scenario.step())
        check(ctx, (number, done[-1]))
    assert {"upload", "edit", "bulk"} <= set(done)


def test_an_upload_replacing_an_entry_moves_its_counts_to_the_new_labels(ctx):
    projects.create_project(ctx, "pets")
    uploads.upload_files(ctx, "pets", "train", [uploads.UploadedFile("a.jpg", jpeg())])
    first = all_entries(ctx, "pets")[0]
    entries.edit_entry(
        ctx,
        "pets",
        "train",
        first.id,
        expected_version=first.version,
        add_labels=["cat"],
        add_boxes=[BoxInput("dog", 0, 0, 2, 2)],
    )
    uploads.upload_files(ctx, "pets", "train", [uploads.UploadedFile("a.jpg", b"broken")])
    (view,) = all_entries(ctx, "pets")
    assert (view.labels, view.boxes, view.has_errors) == ([], [], True)
    assert stored(ctx, "train") == recount(ctx, "train")
    stats = datasets.describe_dataset(ctx, "pets", "train").stats
    assert (stats.total_entries, stats.labeled_entries, stats.error_entries) == (1, 0, 1)

"""The hosted service's training checks, and which task a version trains.

Pure functions over snapshots: a broken rule raises :class:`RuleBroken` with the hosted
service's error code and status message (its "terminal manifest content errors"), followed
by what exactly is wrong here, and the version fails at once as TRAINING_FAILED.

The task is inferred as the hosted service does: boxes (or images labelled as holding no
objects) train object detection; image-level labels train classification, multi-label
when an entry has several. A project with both trains detection and says so, leaving the
image-level labels out (the hosted service likewise keeps one kind of line).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from customlabels.services.models.snapshots import SnapEntry, Snapshot
from customlabels.services.split import TEST_FRACTION, choose_test_entries

CLASSIFICATION = "CLASSIFICATION"
MULTI_LABEL = "MULTI_LABEL_CLASSIFICATION"
DETECTION = "OBJECT_DETECTION"

# The hosted service's codes and messages (its guide, "Terminal manifest content errors").
TOO_FEW_LABELS = ("ERROR_MANIFEST_TOO_FEW_LABELS", "The manifest file has too few labels.")
TOO_MANY_LABELS = ("ERROR_MANIFEST_TOO_MANY_LABELS", "The manifest file has too many labels.")
TOO_FEW_USABLE_LABELS = (
    "ERROR_MANIFEST_TOO_FEW_USABLE_LABELS",
    "The manifest file has too few usable labels.",
)
INSUFFICIENT_OVERLAP = (
    "ERROR_INSUFFICIENT_LABEL_OVERLAP",
    "Less than 50% label overlap between the training and testing manifest files.",
)
TOO_FEW_FOR_AUTOSPLIT = (
    "ERROR_INSUFFICIENT_IMAGES_PER_LABEL_FOR_AUTOSPLIT",
    "The manifest file contains insufficient labeled images per label to perform auto-split.",
)
INVALID_IMAGES = ("ERROR_INVALID_IMAGE", "The manifest file contains images that are invalid.")

# Minimum labels per dataset, from the hosted service's quotas.
MIN_LABELS = {CLASSIFICATION: 2, MULTI_LABEL: 2, DETECTION: 1}
MIN_OVERLAP = 0.5
# With no TEST dataset, 20% of TRAIN is held out per label, so a label needs an image on
# each side (the project page's dataset health flags the labels below it).
MIN_IMAGES_PER_LABEL_FOR_AUTOSPLIT = 2


class RuleBroken(Exception):
    """A training check failed; ``message`` is the version's status message."""

    def __init__(self, rule: tuple[str, str], detail: str) -> None:
        self.code, hosted = rule
        self.message = f"{hosted} {detail}"
        super().__init__(self.message)


@dataclass(frozen=True)
class Plan:
    """What a version trains on: its task, labels, and the TRAIN and TEST snapshots."""

    task: str
    label_names: list[str]
    train: Snapshot
    test: Snapshot
    held_out: bool
    note: str = ""


def _names(labels: list[str] | set[str], most: int = 5) -> str:
    shown = sorted(labels)[:most]
    more = f" and {len(labels) - most} more" if len(labels) > most else ""
    return ", ".join(repr(n) for n in shown) + more


def _uses_boxes(entry: SnapEntry) -> bool:
    return bool(entry.boxes) or entry.no_objects


def infer_task(train: Snapshot) -> tuple[str, str]:
    """The task TRAIN's labels call for, and a note when some labels are left unused."""
    with_boxes = any(_uses_boxes(e) for e in train.entries)
    with_labels = any(e.labels for e in train.entries)
    if with_boxes:
        note = (
            "The project has both bounding boxes and image-level labels: trained for object "
            "detection on the boxes; the image-level labels were not used."
            if with_labels
            else ""
        )
        return DETECTION, note
    if any(len(e.labels) > 1 for e in train.entries):
        return MULTI_LABEL, ""
    return CLASSIFICATION, ""


def usable(snapshot: Snapshot, task: str) -> Snapshot:
    """The entries that carry labels of the task's kind, with only those labels."""
    kept: list[SnapEntry] = []
    for e in snapshot.entries:
        if task == DETECTION:
            if _uses_boxes(e):
                kept.append(
                    SnapEntry(
                        e.entry_id,
                        e.source_ref,
                        e.sha256,
                        e.width,
                        e.height,
                        (),
                        e.boxes,
                        e.no_objects,
                    )
                )
        elif e.labels:
            kept.append(SnapEntry(e.entry_id, e.source_ref, e.sha256, e.width, e.height, e.labels))
    return Snapshot(kept)


def _label_sets(snapshot: Snapshot) -> dict[int, set[str]]:
    return {e.entry_id: set(e.labels) | {b.label for b in e.boxes} for e in snapshot.entries}


def plan_training(
    train: Snapshot | None,
    test: Snapshot | None,
    *,
    max_labels: int,
    seed: int = 0,
) -> Plan:
    """Check the hosted service's rules and decide the task and the TRAIN/TEST split."""
    train_all = train or Snapshot()
    test_all = test or Snapshot()
    if not train_all.entries:
        where = (
            "The labels are only in the TEST dataset; the TRAIN dataset has no labelled images."
            if test_all.entries
            else "The TRAIN dataset has no labelled images."
            if train is not None
            else "The project has no TRAIN dataset."
        )
        raise RuleBroken(TOO_FEW_LABELS, where)
    task, note = infer_task(train_all)
    train_set = usable(train_all, task)
    kind = "object detection" if task == DETECTION else "classification"
    names = train_set.label_names
    if len(names) > max_labels:
        raise RuleBroken(
            TOO_MANY_LABELS, f"TRAIN has {len(names)} labels; at most {max_labels} are allowed."
        )
    if len(names) < MIN_LABELS[task]:
        rule = TOO_FEW_USABLE_LABELS if note else TOO_FEW_LABELS
        found = f"only {_names(names)}" if names else "none"
        raise RuleBroken(
            rule,
            f"Training {kind} needs at least {MIN_LABELS[task]} label(s) in TRAIN; it has {found}.",
        )
    if test is None:
        return _hold_out(train_set, task, names, seed, note)
    if not test_all.entries:
        raise RuleBroken(TOO_FEW_LABELS, "The TEST dataset has no labelled images.")
    test_set = usable(test_all, task)
    test_names = set(test_set.label_names)
    if not test_names:
        raise RuleBroken(
            TOO_FEW_USABLE_LABELS if note or test_all.label_names else TOO_FEW_LABELS,
            f"The TEST dataset has no images labelled for {kind}.",
        )
    shared = test_names & set(names)
    if len(shared) < MIN_OVERLAP * len(test_names):
        raise RuleBroken(
            INSUFFICIENT_OVERLAP,
            f"{len(shared)} of the {len(test_names)} TEST labels are in TRAIN"
            + (
                f" (TEST only: {_names(test_names - set(names))})."
                if test_names - set(names)
                else "."
            ),
        )
    return Plan(task, names, train_set, test_set, held_out=False, note=note)


def autosplit_shortfall(scarce: list[str], images: int) -> str:
    """Why ``scarce`` labels, with ``images`` images each, stop a training with no TEST."""
    return (
        f"With no TEST dataset, 20% of TRAIN is held out for testing, so each label needs "
        f"at least {MIN_IMAGES_PER_LABEL_FOR_AUTOSPLIT} images; {_names(scarce)} "
        f"{'has' if len(scarce) == 1 else 'have'} {images}."
    )


def _hold_out(train: Snapshot, task: str, names: list[str], seed: int, note: str) -> Plan:
    """No TEST dataset: hold out 20% of TRAIN, stratified by label (as the hosted service)."""
    label_sets = _label_sets(train)
    counts = Counter(n for labels in label_sets.values() for n in labels)
    scarce = sorted(n for n in names if counts[n] < MIN_IMAGES_PER_LABEL_FOR_AUTOSPLIT)
    if scarce:
        raise RuleBroken(TOO_FEW_FOR_AUTOSPLIT, autosplit_shortfall(scarce, 1))
    index = {n: i for i, n in enumerate(names)}
    chosen = set(
        choose_test_entries(
            {e: {index[n] for n in labels} for e, labels in label_sets.items()},
            TEST_FRACTION,
            seed,
        )
    )
    return Plan(task, names, train.without(chosen), train.subset(chosen), held_out=True, note=note)

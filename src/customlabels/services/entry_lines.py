"""Entries as Ground Truth JSON lines, as the hosted ListDatasetEntries returns them.

Lines carry boxes and ``image_size`` in the original file's raw frame (the manifest
boundary of the coordinate rule), so a line read here and sent back through an update
lands on the same pixels.
"""

from __future__ import annotations

from customlabels.formats.groundtruth_write import manifest_line
from customlabels.formats.records import Box, EntryIssue
from customlabels.imaging.orientation import upright_to_raw_box
from customlabels.services.entry_views import EntryView


def entry_line(view: EntryView) -> str:
    asset = view.asset
    boxes: list[Box] = []
    size: tuple[int, int] | None = None
    if asset is not None:
        raw = (asset.raw_width, asset.raw_height)
        boxes = [
            Box(
                b.label,
                *upright_to_raw_box(b.left, b.top, b.width, b.height, asset.orientation, *raw),
            )
            for b in view.boxes
        ]
        if boxes or view.no_objects:
            size = raw
    else:
        boxes = [Box(b.label, b.left, b.top, b.width, b.height) for b in view.boxes]
    issues = [EntryIssue(i["code"], i["message"], i["severity"]) for i in view.issues]
    return manifest_line(
        view.source_ref,
        view.labels,
        boxes,
        size,
        creation_date=view.created_at.strftime("%Y-%m-%dT%H:%M:%S.%f"),
        issues=issues or None,
        is_labeled=view.is_labeled,
    )

"""Copying a dataset's entries, labels and boxes: the copies share the stored image bytes."""

from __future__ import annotations

from collections.abc import Iterator

from customlabels.formats.records import Box as RecordBox
from customlabels.formats.records import EntryIssue, ImportRecord
from customlabels.services.context import Context
from customlabels.services.entries import iter_entries
from customlabels.services.imports.candidates import AssetDims, Candidate


def copy_candidates(ctx: Context, project: str, type_name: str) -> Iterator[Candidate]:
    """Candidates for every entry of a dataset, its asset known so no image is read again."""
    for view in iter_entries(ctx, project, type_name):
        record = ImportRecord(
            source_ref=view.source_ref,
            labels=list(view.labels),
            boxes=[RecordBox(b.label, b.left, b.top, b.width, b.height) for b in view.boxes],
            issues=[EntryIssue(i["code"], i["message"], i["severity"]) for i in view.issues],
            raw_line=view.raw_line,
        )
        if view.no_objects and not any(i.code == "WARNING_NO_ANNOTATIONS" for i in record.issues):
            record.issues.append(
                EntryIssue("WARNING_NO_ANNOTATIONS", "labelled with no objects", "WARNING")
            )
        asset = None
        if view.asset is not None and view.asset_id is not None:
            a = view.asset
            asset = AssetDims(
                view.asset_id,
                a.width,
                a.height,
                a.raw_width,
                a.raw_height,
                a.orientation,
            )
        yield Candidate(record, asset=asset)

"""Request and response bodies (XCreate / XUpdate / XPublic / XPage)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from customlabels.services.datasets import DatasetInfo
from customlabels.services.entry_views import EntryView
from customlabels.services.jobs import JobInfo
from customlabels.services.projects import ProjectInfo


class ErrorBody(BaseModel):
    code: str
    message: str
    details: dict[str, Any] = {}


class ErrorPublic(BaseModel):
    error: ErrorBody


class ProjectCreate(BaseModel):
    name: str


class DatasetSummaryPublic(BaseModel):
    dataset_type: str
    status: str
    status_message: str
    status_message_code: str
    created_at: datetime
    updated_at: datetime


class ProjectPublic(BaseModel):
    name: str
    created_at: datetime
    datasets: list[DatasetSummaryPublic]

    @classmethod
    def of(cls, info: ProjectInfo) -> ProjectPublic:
        return cls(
            name=info.name,
            created_at=info.created_at,
            datasets=[DatasetSummaryPublic(**d.__dict__) for d in info.datasets],
        )


class ProjectPage(BaseModel):
    items: list[ProjectPublic]


class DatasetStatsPublic(BaseModel):
    labeled_entries: int
    total_entries: int
    total_labels: int
    error_entries: int


class DatasetPublic(BaseModel):
    project: str
    dataset_type: str
    status: str
    status_message: str
    status_message_code: str
    created_at: datetime
    updated_at: datetime
    stats: DatasetStatsPublic
    source: dict[str, Any]

    @classmethod
    def of(cls, info: DatasetInfo) -> DatasetPublic:
        return cls(
            project=info.project,
            dataset_type=info.dataset_type,
            status=info.status,
            status_message=info.status_message,
            status_message_code=info.status_message_code,
            created_at=info.created_at,
            updated_at=info.updated_at,
            stats=DatasetStatsPublic(**info.stats.__dict__),
            source=info.source,
        )


class SourceSpec(BaseModel):
    """Where a dataset's entries come from."""

    kind: Literal["folder", "manifest", "coco", "yolo", "voc", "dataset", "s3"]
    # A path on the server (path, root) must lie inside the import_roots setting's folders;
    # a relative one is taken relative to the first of them.
    path: str | None = None
    # kind "s3": s3://bucket/prefix/ (the folder options apply as for folders).
    # A manifest's path may be s3://bucket/key.manifest: its s3:// images are read from S3.
    uri: str | None = None
    root: str | None = None
    folder_labels: bool = Field(
        False,
        description="Folder and s3 sources: label each image by the name of the first folder "
        "below the source however deep the image lies, as the hosted service does; images "
        "directly in the source get no label.",
    )
    label_level: int = Field(
        1,
        ge=1,
        description="With folder_labels: which folder level below the source names the label "
        "(1: the first folder; 2: the folder inside it). Images with fewer folders above them "
        "get no label.",
    )
    folder_depth: int | None = Field(
        None,
        ge=1,
        description="With folder_labels: skip images more than this many folders below the "
        "source; null (the default) reads every depth. The job's result counts what was "
        "skipped and why (skipped_count, skipped_by_reason, skipped_files).",
    )
    in_place: bool = Field(
        False,
        description="Folder sources: reference the images where they lie instead of copying "
        "them into the image store (only their hashes, sizes and thumbnails are kept). A file "
        "that later changes or disappears is never served: its entries show "
        "ERROR_SOURCE_CHANGED or ERROR_SOURCE_MISSING, and its image answers 409 "
        "SourceFileChanged.",
    )
    project: str | None = None
    type: str | None = None


class ManifestSent(BaseModel):
    """A Ground Truth manifest sent from the user's computer: its lines, and its name."""

    lines: list[str]
    name: str | None = Field(None, description="The file's name, shown in the job's title.")
    root: str | None = Field(None, description="Where relative source-refs lie (a server path).")


class DatasetCreate(BaseModel):
    """Empty (neither field), from a source, or from a manifest sent with the request."""

    source: SourceSpec | None = None
    manifest: ManifestSent | None = None


class JobPublic(BaseModel):
    id: int
    kind: str
    title: str = Field(description="What the user did, e.g. 'Upload of 60 files to TRAIN'.")
    status: str
    done: int
    total: int | None
    error_count: int
    message: str
    result: dict[str, Any]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, job: JobInfo) -> JobPublic:
        return cls(
            id=job.id,
            kind=job.kind,
            title=job.title,
            status=job.status,
            done=job.done,
            total=job.total,
            error_count=job.error_count,
            message=job.message,
            result=job.result,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
        )


class LabelCreate(BaseModel):
    name: str
    color: str | None = None


class LabelUpdate(BaseModel):
    name: str | None = None
    color: str | None = None


class LabelOrder(BaseModel):
    names: list[str] = Field(
        description="Label names in their new order; labels not named follow, as they were."
    )


class LabelPublic(BaseModel):
    name: str
    color: str


class LabelMerge(BaseModel):
    into: str


class LabelUsagePublic(BaseModel):
    name: str
    image_labels: int
    boxes: int


class DatasetLabelPublic(BaseModel):
    name: str
    color: str
    entry_count: int
    box_count: int


class AssetPublic(BaseModel):
    sha256: str
    format: str
    width: int
    height: int
    raw_width: int
    raw_height: int
    orientation: int
    bytes: int


class BoxPublic(BaseModel):
    id: int
    label: str
    left: float
    top: float
    width: float
    height: float
    confidence: float | None = Field(
        default=None, description="Set on a model's prediction nobody reviewed yet (0-100)."
    )


class BoxIn(BaseModel):
    label: str
    left: float
    top: float
    width: float
    height: float


class IssuePublic(BaseModel):
    code: str
    message: str
    severity: str


class EntryPublic(BaseModel):
    id: int
    source_ref: str
    version: int
    is_labeled: bool
    has_errors: bool
    no_objects: bool
    labels: list[str]
    boxes: list[BoxPublic]
    issues: list[IssuePublic]
    asset: AssetPublic | None
    raw_line: str | None
    created_at: datetime
    updated_at: datetime
    predicted_labels: dict[str, float] = Field(
        default_factory=dict,
        description="Image-level labels a model predicted, not reviewed yet, by confidence.",
    )
    has_predictions: bool = False

    @classmethod
    def of(cls, view: EntryView) -> EntryPublic:
        a = view.asset
        return cls(
            id=view.id,
            source_ref=view.source_ref,
            version=view.version,
            is_labeled=view.is_labeled,
            has_errors=view.has_errors,
            no_objects=view.no_objects,
            labels=view.labels,
            boxes=[BoxPublic(**b.__dict__) for b in view.boxes],
            issues=[IssuePublic(**i) for i in view.issues],
            asset=AssetPublic(
                sha256=a.sha256,
                format=a.image_format,
                width=a.width,
                height=a.height,
                raw_width=a.raw_width,
                raw_height=a.raw_height,
                orientation=a.orientation,
                bytes=a.byte_size,
            )
            if a
            else None,
            raw_line=view.raw_line,
            predicted_labels=view.predicted_labels,
            has_predictions=view.has_predictions,
            created_at=view.created_at,
            updated_at=view.updated_at,
        )


class EntryPage(BaseModel):
    items: list[EntryPublic]
    next_token: str | None


class EntryUpdate(BaseModel):
    """One versioned change of an entry: labels and boxes."""

    version: int
    add_labels: list[str] = []
    remove_labels: list[str] = []
    boxes: list[BoxIn] | None = None
    add_boxes: list[BoxIn] = []
    update_boxes: dict[int, BoxIn] = {}
    delete_box_ids: list[int] = []
    no_objects: bool | None = None


class BoxesReplace(BaseModel):
    version: int
    boxes: list[BoxIn]


class EntryFilterIn(BaseModel):
    contains_labels: list[str] = Field(default_factory=list, max_length=10)
    labeled: bool | None = None
    source_ref_contains: str | None = None
    has_errors: bool | None = None
    has_boxes: bool | None = None
    predicted: bool | None = None


class BulkLabels(BaseModel):
    """Add/remove labels on entries named by ``ids`` or matched by ``filter``."""

    add: list[str] = []
    remove: list[str] = []
    ids: list[int] | None = None
    filter: EntryFilterIn | None = None


class EntrySelection(BaseModel):
    ids: list[int] | None = None
    filter: EntryFilterIn | None = None


class CountPublic(BaseModel):
    count: int


class DistributeIn(BaseModel):
    seed: int | None = None


class ExportIn(BaseModel):
    format: Literal["groundtruth", "coco", "yolo", "voc", "folders"]
    out: str = Field(
        description="Folder (or .manifest file) under the server's export root, absolute or "
        "relative to it; or s3://bucket/prefix/."
    )
    overwrite: bool = Field(
        False,
        description="Replace an existing manifest, or write into a folder that is not empty; "
        "without it such an export is refused.",
    )


class ManifestUpdateIn(BaseModel):
    """Ground Truth JSON lines to add or replace (UpdateDatasetEntries), and where images are.

    Give ``lines`` (the JSON lines themselves), ``path`` (a manifest on the server) or
    ``source`` (any import source).
    Lines that only relabel entries the dataset holds need no ``root``. Server paths must
    lie inside the ``import_roots`` setting's folders.
    """

    lines: list[str] | None = None
    path: str | None = None
    root: str | None = None
    source: SourceSpec | None = Field(
        None,
        description="Instead of lines or path: any import source (a folder, an S3 prefix, "
        "COCO, YOLO, VOC, another dataset), whose entries are added to the dataset or "
        "replace those with the same source-ref.",
    )


class UploadSessionOpen(BaseModel):
    files: int | None = Field(
        None,
        ge=0,
        description="How many files the upload will send: the job's total and its title's "
        "count ('Upload of 60 files to TRAIN').",
    )


class UploadPublic(BaseModel):
    job: JobPublic
    skipped: list[dict[str, str]]


class ReclaimRequest(BaseModel):
    dry_run: bool = Field(False, description="Count what would be removed; remove nothing.")
    sweep: bool = Field(
        False,
        description="Also remove stored files no image names, older than an hour (left by "
        "imports killed before they wrote their rows).",
    )


class ReclaimPublic(BaseModel):
    unused_images: int = Field(description="Images no entry uses (removed unless a dry run).")
    bytes: int = Field(description="Their original bytes.")
    kept_in_use: int = Field(description="Blobs an import wrote again meanwhile: kept.")
    dry_run: bool
    orphan_files: int = Field(description="Stored files no image names (a sweep).")

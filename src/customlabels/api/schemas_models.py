"""Request and response bodies of model versions (kept apart from the dataset schemas)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from customlabels.services.models.results import ImageResult, ScoredLabel, VersionResults
from customlabels.services.models.serving import CustomLabel
from customlabels.services.models.versions import VersionInfo


class VersionCreate(BaseModel):
    name: str | None = Field(default=None, description="Version name; v1, v2, ... when empty.")
    config: dict[str, Any] = Field(
        default_factory=dict,
        description="Training settings overriding the defaults (backbone, image_size, "
        "epochs, learning_rate, augment, fine_tune, seed, device).",
    )


class VersionCopy(BaseModel):
    to_project: str
    name: str | None = None


class PrelabelIn(BaseModel):
    dataset_type: str = Field(description="train or test")


class VersionPublic(BaseModel):
    name: str
    arn: str
    status: str
    status_message: str
    status_code: str | None
    task: str | None
    config: dict[str, Any]
    label_names: list[str]
    thresholds: list[float]
    job_id: int | None
    progress: dict[str, Any] | None
    training_entries: int | None
    testing_entries: int | None
    test_held_out: bool
    source_version_arn: str | None
    created_at: datetime
    training_started_at: datetime | None
    finished_at: datetime | None
    evaluation_summary: dict[str, Any] | None = Field(
        default=None, description="The hosted evaluation summary file (describe only)."
    )

    @classmethod
    def of(cls, v: VersionInfo, with_evaluation: bool = False) -> VersionPublic:
        train, test = v.snapshots.get("TRAIN"), v.snapshots.get("TEST")
        return cls(
            name=v.name,
            arn=v.arn,
            status=v.status,
            status_message=v.status_message,
            status_code=v.status_code,
            task=v.task,
            config=v.config,
            label_names=v.label_names,
            thresholds=v.thresholds,
            job_id=v.job_id,
            progress=v.progress,
            training_entries=train.entry_count if train else None,
            testing_entries=test.entry_count if test else None,
            test_held_out=bool(test and test.held_out),
            source_version_arn=v.source_version_arn,
            created_at=v.created_at,
            training_started_at=v.training_started_at,
            finished_at=v.finished_at,
            evaluation_summary=v.evaluation if with_evaluation else None,
        )


class VersionPage(BaseModel):
    items: list[VersionPublic]


class BoxRatios(BaseModel):
    left: float
    top: float
    width: float
    height: float


class CustomLabelPublic(BaseModel):
    name: str
    confidence: float = Field(description="0-100")
    box: BoxRatios | None = Field(
        description="Ratios of the upright image; None when the model classifies whole images."
    )

    @classmethod
    def of(cls, label: CustomLabel) -> CustomLabelPublic:
        box = None
        if label.box is not None:
            left, top, width, height = label.box
            box = BoxRatios(left=left, top=top, width=width, height=height)
        return cls(name=label.name, confidence=label.confidence, box=box)


class DetectPublic(BaseModel):
    custom_labels: list[CustomLabelPublic]


class ScoredBoxPublic(BaseModel):
    label: str
    confidence: float | None = Field(description="0..1 (the thresholds' scale); None when true")
    box: BoxRatios | None = Field(description="Ratios of the upright image; None for labels.")

    @classmethod
    def of(cls, item: ScoredLabel) -> ScoredBoxPublic:
        box = None
        if item.box is not None:
            left, top, width, height = item.box
            box = BoxRatios(left=left, top=top, width=width, height=height)
        return cls(label=item.label, confidence=item.confidence, box=box)


class EvaluatedImagePublic(BaseModel):
    sha256: str = Field(description="The image's asset hash (for its thumbnail).")
    entry_id: int | None = Field(description="The TEST snapshot's entry of this image.")
    source_ref: str | None
    width: int
    height: int
    true_labels: list[str]
    true_boxes: list[ScoredBoxPublic]
    predictions: list[ScoredBoxPublic] = Field(
        description="Every prediction the evaluation kept, whatever its confidence."
    )

    @classmethod
    def of(cls, image: ImageResult) -> EvaluatedImagePublic:
        return cls(
            sha256=image.sha256,
            entry_id=image.entry_id,
            source_ref=image.source_ref,
            width=image.width,
            height=image.height,
            true_labels=image.true_labels,
            true_boxes=[ScoredBoxPublic.of(b) for b in image.true_boxes],
            predictions=[ScoredBoxPublic.of(p) for p in image.predictions],
        )


class ResultsPublic(BaseModel):
    """The raw scores of a version's evaluation, to explore other thresholds."""

    task: str
    label_names: list[str]
    thresholds: list[float] = Field(description="The labels' assumed thresholds (0..1).")
    iou_threshold: float | None = Field(description="Detection: the IoU a match needs.")
    images: list[EvaluatedImagePublic]

    @classmethod
    def of(cls, results: VersionResults) -> ResultsPublic:
        return cls(
            task=results.task,
            label_names=results.label_names,
            thresholds=results.thresholds,
            iou_threshold=results.iou_threshold,
            images=[EvaluatedImagePublic.of(i) for i in results.images],
        )

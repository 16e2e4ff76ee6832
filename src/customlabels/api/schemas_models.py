"""Request and response bodies of model versions (kept apart from the dataset schemas)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

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

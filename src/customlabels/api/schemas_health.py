"""The body of a project's dataset health (the project page's charts)."""

from __future__ import annotations

from dataclasses import asdict

from pydantic import BaseModel, Field

from customlabels.services.health import ProjectHealth


class SideCountsPublic(BaseModel):
    images: int = Field(
        description="Images that teach the label: labelled with it (classification), "
        "or holding a box of it (object detection)."
    )
    boxes: int


class LabelFlagPublic(BaseModel):
    code: str = Field(description="The training check's error code, or LABEL_NOT_IN_TRAIN.")
    message: str
    blocks_training: bool = Field(description="True when a training would fail on it.")


class LabelHealthPublic(BaseModel):
    name: str
    color: str
    train: SideCountsPublic
    test: SideCountsPublic
    flag: LabelFlagPublic | None


class BucketPublic(BaseModel):
    name: str
    train: int
    test: int


class ProjectHealthPublic(BaseModel):
    project: str
    task: str = Field(
        description="OBJECT_DETECTION when the project has boxes, else CLASSIFICATION."
    )
    has_train: bool
    has_test: bool
    min_images_per_label: int = Field(
        description="Images a label needs in TRAIN when TEST is split off it at training."
    )
    labels: list[LabelHealthPublic]
    image_sizes: list[BucketPublic] = Field(description="Images by their upright long side.")
    boxes_per_image: list[BucketPublic]

    @classmethod
    def of(cls, health: ProjectHealth) -> ProjectHealthPublic:
        return cls.model_validate(asdict(health))

"""Ground Truth manifest lines and waiting for a dataset, for the compatible API's tests."""

from __future__ import annotations

import time
from typing import Any

IN_PROGRESS = ("CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS")


def classified(ref: str, label: str) -> dict[str, Any]:
    return {
        "source-ref": ref,
        "cls": 0,
        "cls-metadata": {
            "class-name": label,
            "type": "groundtruth/image-classification",
            "confidence": 1,
            "human-annotated": "yes",
            "creation-date": "2024-01-01T00:00:00",
            "job-name": "labeling-job/cls",
        },
    }


def settled(rekognition: Any, arn: str) -> dict[str, Any]:
    """The dataset's description once its job has finished."""
    deadline = time.monotonic() + 60
    while True:
        found: dict[str, Any] = rekognition.describe_dataset(DatasetArn=arn)["DatasetDescription"]
        if found["Status"] not in IN_PROGRESS:
            return found
        assert time.monotonic() < deadline, f"still {found['Status']}"
        time.sleep(0.1)

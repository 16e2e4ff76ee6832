"""DetectCustomLabels, with the image as bytes (base64 in the JSON, as botocore sends
blobs) or as an S3 object read with the server's S3 settings."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from customlabels.compat.errors import invalid_parameter
from customlabels.compat.registry import CompatRequest, Operation
from customlabels.compat.shapes import project_in, required, version_of_arn
from customlabels.services.models import serving
from customlabels.services.models.detection_images import image_from_s3
from customlabels.services.models.shapes import custom_label
from customlabels.services.roles import Role


def _image_bytes(req: CompatRequest, image: Any) -> bytes:
    if not isinstance(image, dict) or ("Bytes" in image) == ("S3Object" in image):
        raise invalid_parameter("Image needs exactly one of Bytes and S3Object")
    if "Bytes" in image:
        try:
            return base64.b64decode(image["Bytes"], validate=True)
        except (binascii.Error, TypeError, ValueError):
            raise invalid_parameter("Image.Bytes is not base64") from None
    where = image["S3Object"]
    if not isinstance(where, dict):
        raise invalid_parameter("Image.S3Object needs Bucket and Name")
    return image_from_s3(req.ctx.settings, required(where, "Bucket"), required(where, "Name"))


def detect_custom_labels(req: CompatRequest, params: dict[str, Any]) -> dict[str, Any]:
    project, name = version_of_arn(req.ctx, required(params, "ProjectVersionArn"))
    data = _image_bytes(req, required(params, "Image"))
    min_confidence = params.get("MinConfidence")
    max_results = params.get("MaxResults")
    if min_confidence is not None and not isinstance(min_confidence, int | float):
        raise invalid_parameter("MinConfidence must be a number")
    if max_results is not None and not isinstance(max_results, int):
        raise invalid_parameter("MaxResults must be an integer")
    # The service checks their ranges, and that the version is RUNNING.
    found = serving.detect(
        req.ctx,
        project,
        name,
        data,
        min_confidence=float(min_confidence) if min_confidence is not None else None,
        max_results=max_results,
    )
    return {"CustomLabels": [custom_label(c) for c in found]}


OPERATIONS = {
    "DetectCustomLabels": Operation(
        detect_custom_labels, Role.VIEWER, project_in("ProjectVersionArn")
    ),
}

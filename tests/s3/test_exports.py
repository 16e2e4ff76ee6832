"""Exports written to s3://bucket/prefix/, in every format."""

from __future__ import annotations

import io

import numpy as np
import orjson
import pytest
from PIL import Image

from customlabels.services import exports, projects, runner
from customlabels.services.imports import uploads

from .helpers import create, jpeg, png, put


def _listing(s3, bucket: str, prefix: str) -> dict[str, bytes]:
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])]
    return {k[len(prefix) :]: s3.get_object(Bucket=bucket, Key=k)["Body"].read() for k in keys}


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_an_export_to_s3_uploads_what_a_local_export_writes(s3ctx, s3, new_bucket, fmt):
    source, out = new_bucket(), new_bucket("out")
    put(s3, source, {"in/cat/a.jpg": jpeg(), "in/dog/b.png": png()})
    create(s3ctx, {"kind": "s3", "uri": f"s3://{source}/in/", "folder_labels": True})

    job = runner.run_job(
        s3ctx, exports.start_export(s3ctx, "p", "train", fmt, f"s3://{out}/exports/{fmt}")
    )

    assert job.status == "SUCCEEDED", job.message
    written = _listing(s3, out, f"exports/{fmt}/")
    assert job.result["out"] == f"s3://{out}/exports/{fmt}/"
    assert job.result["report"] == f"s3://{out}/exports/{fmt}/hosted_service_report.json"
    assert job.result["files_uploaded"] == len(written)
    assert "hosted_service_report.json" in written
    if fmt == "groundtruth":
        lines = [orjson.loads(x) for x in written["output.manifest"].splitlines()]
        assert sorted(x["source-ref"] for x in lines) == [
            f"s3://{source}/in/cat/a.jpg",
            f"s3://{source}/in/dog/b.png",
        ]
    else:
        images = [k for k in written if k.endswith((".jpg", ".png"))]
        assert len(images) == 2
    assert not list((s3ctx.settings.data_dir / "tmp").iterdir())  # the temporary copy is gone


def test_a_groundtruth_export_may_name_the_manifest_object(s3ctx, s3, new_bucket):
    source, out = new_bucket(), new_bucket("out")
    put(s3, source, {"a.jpg": jpeg()})
    create(s3ctx, {"kind": "s3", "uri": f"s3://{source}/"})
    target = f"s3://{out}/manifests/train.manifest"
    job = runner.run_job(s3ctx, exports.start_export(s3ctx, "p", "train", "groundtruth", target))
    assert job.status == "SUCCEEDED", job.message
    assert set(_listing(s3, out, "manifests/")) == {"train.manifest", "hosted_service_report.json"}
    assert job.result["out"] == target


def test_an_export_to_a_bucket_that_does_not_exist_fails_before_writing(s3ctx, s3, new_bucket):
    source = new_bucket()
    put(s3, source, {"a.jpg": jpeg()})
    create(s3ctx, {"kind": "s3", "uri": f"s3://{source}/"})
    job = runner.run_job(
        s3ctx, exports.start_export(s3ctx, "p", "train", "coco", "s3://no-such-out-bucket/x/")
    )
    assert job.status == "FAILED" and "no-such-out-bucket" in job.message


def test_an_export_file_over_the_multipart_threshold_is_uploaded_in_parts_intact(
    s3ctx, s3, new_bucket, monkeypatch
):
    monkeypatch.setattr(s3ctx.settings, "s3_multipart_threshold_mb", 5)  # S3's smallest part
    source, out = new_bucket(), new_bucket("out")
    noise = np.random.default_rng(3).integers(0, 256, size=(1500, 1400, 3), dtype=np.uint8)
    big = io.BytesIO()
    Image.fromarray(noise).save(big, "PNG")  # noise does not compress: about 6 MiB
    assert big.tell() > 5 << 20
    put(s3, source, {"big/noise.png": big.getvalue(), "small/a.jpg": jpeg()})
    create(s3ctx, {"kind": "s3", "uri": f"s3://{source}/", "folder_labels": True})

    job = runner.run_job(
        s3ctx, exports.start_export(s3ctx, "p", "train", "folders", f"s3://{out}/tree")
    )

    assert job.status == "SUCCEEDED", job.message
    [key] = [k for k in _listing(s3, out, "tree/") if k.endswith(".png")]
    head = s3.head_object(Bucket=out, Key=f"tree/{key}")
    assert head["ETag"].strip('"').endswith("-2")  # two parts: a multipart upload
    sent = Image.open(io.BytesIO(s3.get_object(Bucket=out, Key=f"tree/{key}")["Body"].read()))
    assert np.array_equal(np.asarray(sent.convert("RGB")), noise)


def test_a_groundtruth_export_to_s3_uploads_the_images_that_were_not_in_s3(s3ctx, s3, new_bucket):
    out = new_bucket("out")
    projects.create_project(s3ctx, "p")
    uploaded = {"cat/a.jpg": jpeg(size=(96, 80)), "dog/b.png": png(size=(80, 80))}
    files = [uploads.UploadedFile(path, data) for path, data in uploaded.items()]
    uploads.upload_files(s3ctx, "p", "train", files, folder_labels=True)

    job = runner.run_job(
        s3ctx, exports.start_export(s3ctx, "p", "train", "groundtruth", f"s3://{out}/gt/")
    )

    assert job.status == "SUCCEEDED", job.message
    written = _listing(s3, out, "gt/")
    lines = [orjson.loads(x) for x in written["output.manifest"].splitlines()]
    by_label = {line["image-label-metadata"]["class-name"]: line["source-ref"] for line in lines}
    for label, path in (("cat", "cat/a.jpg"), ("dog", "dog/b.png")):
        ref = by_label[label]
        assert ref.startswith(f"s3://{out}/gt/images/") and ref.endswith(path[-4:])
        # The object the manifest names holds the uploaded bytes, unchanged.
        assert written[ref.removeprefix(f"s3://{out}/gt/")] == uploaded[path]
    report = orjson.loads(written["hosted_service_report.json"])
    assert report["entries"] == []  # every image is where the hosted service can read it

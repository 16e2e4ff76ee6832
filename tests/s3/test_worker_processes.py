"""Big S3 imports download and analyse in worker processes: same results as on threads."""

from __future__ import annotations

import pytest

from customlabels.services.imports.analysis_pool import process_pool
from customlabels.storage.protocol import asset_key

from .helpers import by_ref, create, jpeg, png, put
from .test_faults import restricted  # noqa: F401  (the fixture, shared)


@pytest.fixture
def on_processes(s3ctx, monkeypatch):
    """``s3ctx`` importing on the process pool whatever the import's size."""
    monkeypatch.setattr(s3ctx.settings, "import_pool", "processes")
    return s3ctx


def test_objects_are_stored_once_per_content_and_broken_ones_become_entry_errors(
    on_processes, s3, new_bucket
):
    bucket = new_bucket()
    same = jpeg((10, 200, 10))
    put(
        s3,
        bucket,
        {
            "a/one.jpg": same,
            "a/two.jpg": same,
            "b/three.jpg": same,
            "b/red.png": png((200, 0, 0)),
            "b/broken.jpg": b"\xff\xd8\xff\xe0 not really a JPEG",
        },
    )
    job = create(on_processes, {"kind": "s3", "uri": f"s3://{bucket}/", "folder_labels": True})

    assert job.status == "SUCCEEDED", job.message
    assert job.result["downloaded"] == 3  # the three copies of one object share a download
    found = by_ref(on_processes)
    copies = [found[f"s3://{bucket}/{k}"] for k in ("a/one.jpg", "a/two.jpg", "b/three.jpg")]
    assert all(v.asset is not None and not v.has_errors for v in copies)
    assert len({v.asset.sha256 for v in copies}) == 1
    assert [v.labels for v in copies] == [["a"], ["a"], ["b"]]
    red = found[f"s3://{bucket}/b/red.png"]
    assert red.asset.image_format == "PNG" and (red.asset.width, red.asset.height) == (72, 64)
    assert on_processes.blobs.get(asset_key(red.asset.sha256)) == png((200, 0, 0))
    broken = found[f"s3://{bucket}/b/broken.jpg"]
    assert broken.asset is None and broken.issues[0]["code"] == "ERROR_INVALID_IMAGE"


def test_workers_sign_with_the_credentials_of_the_importing_process(
    on_processes,
    restricted,  # noqa: F811
    monkeypatch,
):
    open_bucket, _, _ = restricted
    # Start the workers' fork server, if no earlier test did, under other credentials: the
    # workers must not take theirs from the environment they were born in.
    with monkeypatch.context() as other:
        other.setenv("AWS_ACCESS_KEY_ID", "someone-else")
        other.setenv("AWS_SECRET_ACCESS_KEY", "someone-elses-secret")
        pool = process_pool(max(1, on_processes.settings.import_workers))
        pool.submit(abs, -1).result()

    job = create(on_processes, {"kind": "s3", "uri": f"s3://{open_bucket}/"})

    assert job.status == "SUCCEEDED", job.message
    found = by_ref(on_processes)
    allowed = found[f"s3://{open_bucket}/pub/a.jpg"]
    assert allowed.asset is not None and not allowed.has_errors, allowed.issues
    denied = found[f"s3://{open_bucket}/secret/b.jpg"]
    assert denied.asset is None and "AccessDenied" in denied.issues[0]["message"]

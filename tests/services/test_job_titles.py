"""Job titles: each job says what the user did, in words, from the moment it is created."""

from __future__ import annotations

import json

import pytest

from customlabels.services import exports, jobs, projects, split
from customlabels.services.imports import upload_sessions, uploads
from customlabels.services.imports.start import start_dataset_create, start_dataset_update

from .builders import jpeg


@pytest.fixture
def pets(ctx):
    projects.create_project(ctx, "pets")
    return ctx


def test_an_upload_session_announcing_its_files_is_titled_with_their_count(pets):
    opened = upload_sessions.open_session(pets, "pets", "train", files=60)
    assert opened.title == "Upload of 60 files to TRAIN"
    assert opened.total == 60  # the console's progress bar counts towards it
    one = upload_sessions.open_session(pets, "pets", "test", files=1)
    assert one.title == "Upload of 1 file to TEST"


def test_a_one_request_upload_is_one_job_titled_with_its_files(pets):
    files = [uploads.UploadedFile(f"{i}.jpg", jpeg(color=(i, 2, 3))) for i in range(3)]
    job = uploads.upload_files(pets, "pets", "train", files)["job"]
    assert job.title == "Upload of 3 files to TRAIN"
    assert job.done == 3


def test_a_dataset_created_from_a_manifest_says_create_not_update(pets, tmp_path):
    image = tmp_path / "a.jpg"
    image.write_bytes(jpeg())
    manifest = tmp_path / "train.manifest"
    manifest.write_text(json.dumps({"source-ref": str(image)}) + "\n")
    created = start_dataset_create(
        pets, "pets", "train", {"kind": "manifest", "path": str(manifest)}
    )
    assert jobs.get_job(pets, created).title == f"Create TRAIN from manifest {manifest}"
    # A manifest the server saved under a name of its own is named as the user sent it.
    sent = start_dataset_create(
        pets, "pets", "test", {"kind": "manifest", "path": str(manifest)}, shown_as="mine.jsonl"
    )
    assert jobs.get_job(pets, sent).title == "Create TEST from manifest mine.jsonl"


def test_updates_exports_and_splits_are_titled(pets, tmp_path):
    upload_sessions.finish_session(
        pets, "pets", "train", upload_sessions.open_session(pets, "pets", "train", 0).id
    )
    folder = tmp_path / "more"
    folder.mkdir()
    updated = start_dataset_update(pets, "pets", "train", {"kind": "folder", "path": str(folder)})
    assert jobs.get_job(pets, updated).title == f"Update TRAIN from folder {folder}"
    jobs.mark_finished(pets, updated, ok=True, message="")
    out = str(tmp_path / "coco-out")
    exported = exports.start_export(pets, "pets", "train", "coco", out)
    assert jobs.get_job(pets, exported).title == f"Export TRAIN as COCO to {out}"
    assert jobs.get_job(pets, split.start_distribute(pets, "pets", 1)).title == (
        "Split 20% of TRAIN into TEST"
    )

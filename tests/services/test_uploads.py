"""Uploads from the user's computer: folder labels from relative paths, bad files kept."""

from __future__ import annotations

import pytest

from customlabels.errors import DatasetNotFound, InvalidInput
from customlabels.services import datasets, jobs, projects
from customlabels.services.entry_query import EntryFilter
from customlabels.services.imports import uploads

from .builders import all_entries, by_ref, jpeg, png, ref

UploadedFile = uploads.UploadedFile


@pytest.fixture
def pets(ctx):
    projects.create_project(ctx, "pets")
    return ctx


def labels_by_path(ctx, type_name="train"):
    return {
        k.removeprefix("upload://"): v.labels for k, v in by_ref(ctx, "pets", type_name).items()
    }


def test_the_first_folder_of_a_relative_path_becomes_the_label(pets):
    files = [
        UploadedFile("cat/a.jpg", jpeg(color=(1, 2, 3))),
        UploadedFile("dog/b.jpg", jpeg(color=(4, 5, 6))),
        UploadedFile("c.jpg", jpeg(color=(7, 8, 9))),
        UploadedFile("dog\\windows.jpg", jpeg(color=(9, 9, 9))),
    ]
    uploads.upload_files(pets, "pets", "train", files, folder_labels=True)
    assert labels_by_path(pets) == {
        "cat/a.jpg": ["cat"],
        "dog/b.jpg": ["dog"],
        "c.jpg": [],
        "dog/windows.jpg": ["dog"],
    }


def test_without_folder_labels_every_upload_is_unlabelled(pets):
    files = [UploadedFile("cat/a.jpg", jpeg()), UploadedFile("cat/deep/er/b.jpg", png())]
    uploads.upload_files(pets, "pets", "train", files)
    assert labels_by_path(pets) == {"cat/a.jpg": [], "cat/deep/er/b.jpg": []}


def test_files_deeper_than_the_folder_depth_are_skipped_and_reported(pets):
    files = [
        UploadedFile("cat/a.jpg", jpeg(color=(1, 1, 1))),
        UploadedFile("cat/kitten/b.jpg", jpeg(color=(2, 2, 2))),
        UploadedFile("cat/kitten/tiny/c.jpg", jpeg(color=(3, 3, 3))),
    ]
    outcome = uploads.upload_files(pets, "pets", "train", files, folder_labels=True)
    assert labels_by_path(pets) == {"cat/a.jpg": ["cat"]}
    assert sorted(s["path"] for s in outcome["skipped"]) == [
        "cat/kitten/b.jpg",
        "cat/kitten/tiny/c.jpg",
    ]
    assert all("folder_depth=1" in s["reason"] for s in outcome["skipped"])


def test_a_deeper_folder_depth_labels_deeper_files_with_their_first_folder(pets):
    files = [
        UploadedFile("cat/kitten/b.jpg", jpeg(color=(2, 2, 2))),
        UploadedFile("cat/kitten/tiny/c.jpg", jpeg(color=(3, 3, 3))),
    ]
    outcome = uploads.upload_files(pets, "pets", "train", files, folder_labels=True, folder_depth=2)
    assert labels_by_path(pets) == {"cat/kitten/b.jpg": ["cat"]}
    assert [s["path"] for s in outcome["skipped"]] == ["cat/kitten/tiny/c.jpg"]


def test_bad_files_become_entries_with_errors_and_the_good_ones_import(pets):
    good = jpeg(64, 48)
    files = [
        UploadedFile("cat/good.jpg", good),
        UploadedFile("cat/empty.jpg", b""),
        UploadedFile("cat/notes.jpg", b"these are my notes, not a picture\n"),
        UploadedFile("cat/truncated.jpg", good[: len(good) // 2]),
        UploadedFile("fine.png", png()),
    ]
    outcome = uploads.upload_files(pets, "pets", "train", files, folder_labels=True)

    found = by_ref(pets, "pets")
    assert set(found) == {ref(f.relative_path) for f in files}
    for name in ("cat/empty.jpg", "cat/notes.jpg", "cat/truncated.jpg"):
        view = found[ref(name)]
        assert view.has_errors, name
        assert [i["code"] for i in view.issues] == ["ERROR_INVALID_IMAGE"], name
        assert view.issues[0]["message"], name
        assert view.asset is None, name
    for name in ("cat/good.jpg", "fine.png"):
        view = found[ref(name)]
        assert not view.has_errors and view.issues == []
        assert view.asset is not None
    assert (found[ref("cat/good.jpg")].asset.width, found[ref("cat/good.jpg")].asset.height) == (
        64,
        48,
    )
    job = outcome["job"]
    assert job.status == "SUCCEEDED"
    assert (job.result["entries"], job.result["with_errors"]) == (5, 3)
    assert (job.done, job.error_count) == (5, 3)
    stats = datasets.describe_dataset(pets, "pets", "train").stats
    assert (stats.total_entries, stats.error_entries) == (5, 3)
    errors = all_entries(pets, "pets", flt=EntryFilter(has_errors=True))
    assert len(errors) == 3


def test_an_upload_path_that_escapes_or_names_nothing_is_refused(pets):
    for path in ["../x.jpg", "cat/../../x.jpg", "cat/..", "..", "", "/", "./"]:
        with pytest.raises(InvalidInput, match="invalid upload path"):
            uploads.upload_files(
                pets, "pets", "train", [UploadedFile("ok.jpg", jpeg()), UploadedFile(path, jpeg())]
            )
    with pytest.raises(DatasetNotFound):  # nothing was stored, not even the dataset
        all_entries(pets, "pets")


def test_a_refused_upload_leaves_no_running_job_behind(pets):
    with pytest.raises(InvalidInput):
        uploads.upload_files(pets, "pets", "train", [UploadedFile("../x.jpg", jpeg())])
    projects.delete_project(pets, "pets")
    assert projects.list_projects(pets) == []


def test_a_folder_name_too_long_for_a_label_is_refused_before_anything_is_stored(pets):
    files = [UploadedFile("cat/a.jpg", jpeg()), UploadedFile("x" * 256 + "/b.jpg", jpeg())]
    with pytest.raises(InvalidInput, match="1 to 255"):
        uploads.upload_files(pets, "pets", "train", files, folder_labels=True)
    with pytest.raises(DatasetNotFound):
        all_entries(pets, "pets")
    projects.delete_project(pets, "pets")


def test_an_upload_with_no_files_is_refused(pets):
    with pytest.raises(InvalidInput, match="no files"):
        uploads.upload_files(pets, "pets", "train", [])


def test_an_upload_creates_the_dataset_and_records_a_finished_job(pets):
    outcome = uploads.upload_files(pets, "pets", "test", [UploadedFile("a.jpg", jpeg())])
    info = datasets.describe_dataset(pets, "pets", "test")
    assert info.status == "CREATE_COMPLETE"
    assert info.stats.total_entries == 1
    job = jobs.get_job(pets, outcome["job"].id)
    assert job.kind == "dataset.upload" and job.finished
    projects.delete_project(pets, "pets")  # nothing left running


def test_uploading_a_path_again_replaces_its_entry(pets):
    uploads.upload_files(
        pets,
        "pets",
        "train",
        [UploadedFile("cat/a.jpg", jpeg(color=(1, 1, 1)))],
        folder_labels=True,
    )
    first = by_ref(pets, "pets")[ref("cat/a.jpg")]
    uploads.upload_files(
        pets, "pets", "train", [UploadedFile("cat/a.jpg", png(color=(2, 2, 2)))], folder_labels=True
    )
    (again,) = all_entries(pets, "pets")
    assert again.id == first.id
    assert again.asset.image_format == "PNG"
    assert again.version == first.version + 1
    assert datasets.describe_dataset(pets, "pets", "train").stats.total_entries == 1


def test_the_same_bytes_under_two_paths_share_one_stored_image(pets):
    data = jpeg(color=(5, 5, 5))
    uploads.upload_files(
        pets, "pets", "train", [UploadedFile("a.jpg", data), UploadedFile("b/a.jpg", data)]
    )
    views = all_entries(pets, "pets")
    assert len(views) == 2
    assert views[0].asset_id == views[1].asset_id


def test_a_prefix_is_put_in_front_of_the_source_ref(pets):
    uploads.upload_files(
        pets,
        "pets",
        "train",
        [UploadedFile("cat/a.jpg", jpeg())],
        folder_labels=True,
        prefix="/batch-1/",
    )
    (view,) = all_entries(pets, "pets")
    assert view.source_ref == "upload://batch-1/cat/a.jpg"
    assert view.labels == ["cat"]

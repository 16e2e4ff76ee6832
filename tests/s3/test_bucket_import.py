"""Importing s3://bucket/prefix/: folder labels, depth, skipped keys, names, sizes, faults."""

from __future__ import annotations

from customlabels.services import datasets, labels

from .helpers import all_entries, by_ref, codes, create, jpeg, png, put


def _tree(s3, bucket: str) -> None:
    put(
        s3,
        bucket,
        {
            "photos/cats/a.jpg": jpeg((200, 0, 0)),
            "photos/cats/b.png": png((0, 200, 0)),
            "photos/cats/": b"",  # the folder object a console makes
            "photos/dogs/c.JPG": jpeg((0, 0, 200)),
            "photos/dogs/puppies/d.jpg": jpeg((9, 9, 9)),
            "photos/at the root.jpg": jpeg((50, 50, 50)),
            "photos/notes.txt": b"not an image",
            "photos/.DS_Store": b"\0\0",
            "photos/with space/été ünï 猫.png": png((1, 2, 3)),
            "elsewhere/e.jpg": jpeg((60, 60, 60)),
        },
    )


def test_folder_labels_label_each_image_by_the_first_folder_below_the_prefix(s3ctx, s3, new_bucket):
    bucket = new_bucket()
    _tree(s3, bucket)
    job = create(s3ctx, {"kind": "s3", "uri": f"s3://{bucket}/photos", "folder_labels": True})
    assert job.status == "SUCCEEDED", job.message
    found = by_ref(s3ctx)
    base = f"s3://{bucket}/photos/"
    assert {ref: v.labels for ref, v in found.items()} == {
        base + "cats/a.jpg": ["cats"],
        base + "cats/b.png": ["cats"],
        base + "dogs/c.JPG": ["dogs"],
        base + "dogs/puppies/d.jpg": ["dogs"],  # as deep as it lies, the first folder
        base + "at the root.jpg": [],
        base + "with space/été ünï 猫.png": ["with space"],
    }
    assert all(v.asset is not None and not v.has_errors for v in found.values())
    assert job.result["downloaded"] == 6
    assert job.result["without_folder_label"] == 1
    per_label = {d.name: d.entry_count for d in labels.dataset_labels(s3ctx, "p", "train")}
    assert per_label == {"cats": 2, "dogs": 2, "with space": 1}
    info = datasets.describe_dataset(s3ctx, "p", "train")
    assert (info.status, info.source["uri"]) == ("CREATE_COMPLETE", base)


def test_every_key_not_imported_is_counted_by_reason_in_the_result(s3ctx, s3, new_bucket):
    bucket = new_bucket()
    _tree(s3, bucket)
    put(
        s3,
        bucket,
        {
            "photos/cats/labels.manifest": b"{}\n",
            "photos/.git/objects/x.jpg": jpeg((7, 7, 7)),
        },
    )
    job = create(s3ctx, {"kind": "s3", "uri": f"s3://{bucket}/photos", "folder_labels": True})
    skipped = {s["path"]: (s["code"], s["reason"]) for s in job.result["skipped_files"]}
    assert skipped == {
        ".DS_Store": ("hidden", "hidden name (starts with '.')"),
        ".git/objects/x.jpg": ("hidden", "inside a hidden folder (starts with '.')"),
        "cats/": ("folder_object", "folder object (a key ending in '/'), not an image"),
        "cats/labels.manifest": (
            "manifest",
            "a Ground Truth manifest, not an image (import it as one)",
        ),
        "notes.txt": ("not_an_image", "not an image file (suffix .txt)"),
    }
    assert job.result["skipped_count"] == 5
    assert job.result["skipped_by_reason"] == {
        "folder_object": 1,
        "hidden": 2,
        "manifest": 1,
        "not_an_image": 1,
    }
    assert "5 files skipped (2 hidden, 1 folder object, 1 manifest, 1 not an image)" in (
        job.message
    )


def test_a_folder_depth_skips_and_counts_the_images_below_it(s3ctx, s3, new_bucket):
    bucket = new_bucket()
    _tree(s3, bucket)
    source = {
        "kind": "s3",
        "uri": f"s3://{bucket}/photos/",
        "folder_labels": True,
        "folder_depth": 1,
    }
    job = create(s3ctx, source)
    assert f"s3://{bucket}/photos/dogs/puppies/d.jpg" not in by_ref(s3ctx)
    skipped = {s["path"]: s for s in job.result["skipped_files"]}
    assert skipped["dogs/puppies/d.jpg"]["code"] == "deeper_than_folder_depth"
    assert job.result["skipped_by_reason"]["deeper_than_folder_depth"] == 1


def test_a_deeper_folder_depth_reads_nested_folders_labelled_by_the_first(s3ctx, s3, new_bucket):
    bucket = new_bucket()
    _tree(s3, bucket)
    source = {
        "kind": "s3",
        "uri": f"s3://{bucket}/photos/",
        "folder_labels": True,
        "folder_depth": 2,
    }
    create(s3ctx, source)
    found = by_ref(s3ctx)
    assert found[f"s3://{bucket}/photos/dogs/puppies/d.jpg"].labels == ["dogs"]
    assert len(found) == 6


def test_a_label_level_of_2_labels_by_the_folder_inside_the_first(s3ctx, s3, new_bucket):
    bucket = new_bucket()
    _tree(s3, bucket)
    source = {"kind": "s3", "uri": f"s3://{bucket}/photos/", "folder_labels": True}
    job = create(s3ctx, {**source, "label_level": 2})
    labelled = {ref: v.labels for ref, v in by_ref(s3ctx).items() if v.labels}
    assert labelled == {f"s3://{bucket}/photos/dogs/puppies/d.jpg": ["puppies"]}
    assert job.result["without_folder_label"] == 5


def test_without_folder_labels_every_image_below_the_prefix_is_read_unlabelled(
    s3ctx, s3, new_bucket
):
    bucket = new_bucket()
    _tree(s3, bucket)
    create(s3ctx, {"kind": "s3", "uri": f"s3://{bucket}/"})
    found = all_entries(s3ctx)
    assert len(found) == 7  # the whole bucket: six under photos/ and elsewhere/e.jpg
    assert not any(v.labels for v in found)


def test_an_object_larger_than_the_size_setting_is_an_entry_error_and_not_downloaded(
    s3ctx, s3, new_bucket, monkeypatch
):
    bucket = new_bucket()
    small, big = jpeg(size=(64, 64)), jpeg((1, 1, 1), size=(400, 300))
    put(s3, bucket, {"small.jpg": small, "big.jpg": big})
    monkeypatch.setattr(s3ctx.settings, "max_image_bytes", len(small) + 10)
    job = create(s3ctx, {"kind": "s3", "uri": f"s3://{bucket}/"})
    found = by_ref(s3ctx)
    assert found[f"s3://{bucket}/small.jpg"].asset is not None
    too_big = found[f"s3://{bucket}/big.jpg"]
    assert too_big.asset is None and codes(too_big) == {"ERROR_INVALID_IMAGE"}
    assert "exceeds the limit" in too_big.issues[0]["message"]
    assert job.result["downloaded"] == 1


def test_an_object_that_is_not_an_image_becomes_an_entry_error_and_the_rest_imports(
    s3ctx, s3, new_bucket
):
    bucket = new_bucket()
    put(s3, bucket, {"fine.png": png(), "broken.jpg": b"\xff\xd8 this is not a jpeg"})
    job = create(s3ctx, {"kind": "s3", "uri": f"s3://{bucket}"})
    assert job.status == "SUCCEEDED"
    found = by_ref(s3ctx)
    assert found[f"s3://{bucket}/fine.png"].asset is not None
    broken = found[f"s3://{bucket}/broken.jpg"]
    assert broken.has_errors and broken.asset is None
    assert "ERROR_INVALID_IMAGE" in codes(broken)


def test_a_bucket_that_does_not_exist_fails_the_job_with_its_name(s3ctx, aws_env):
    job = create(s3ctx, {"kind": "s3", "uri": "s3://no-such-bucket-here/x/"})
    assert job.status == "FAILED"
    assert "no-such-bucket-here" in job.message and "NoSuchBucket" in job.message
    info = datasets.describe_dataset(s3ctx, "p", "train")
    assert info.status == "CREATE_FAILED"


def test_an_s3_uri_without_a_bucket_is_refused_before_any_job(s3ctx, aws_env):
    import pytest

    from customlabels.errors import InvalidInput

    with pytest.raises(InvalidInput, match="names no bucket"):
        create(s3ctx, {"kind": "s3", "uri": "s3:///prefix/"})

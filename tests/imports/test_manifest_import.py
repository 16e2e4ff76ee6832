"""Importing SageMaker Ground Truth manifests: documented lines, invalid lines, refs, updates.

The lines are the hosted service's documented examples ("Creating a manifest file"), with
s3:// references resolved under the import root as ``root/bucket/key``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from customlabels.errors import InvalidInput
from customlabels.services import datasets
from customlabels.services.entry_query import EntryFilter

from .helpers import all_entries, by_name, codes, create, png, save, update, write_lines

BUCKET = "custom-labels-bucket"

CLASSIFICATION = {
    "source-ref": f"s3://{BUCKET}/gt-job/manifest/IMG_1133.png",
    "TestCLConsoleBucket": 2,
    "TestCLConsoleBucket-metadata": {
        "confidence": 0.0,
        "job-name": "labeling-job/testclconsolebucket",
        "class-name": "Echo Dot",
        "human-annotated": "yes",
        "creation-date": "2020-04-15T20:17:23.433061",
        "type": "groundtruth/image-classification",
    },
}
DETECTION = {
    "source-ref": f"s3://{BUCKET}/images/IMG_1186.png",
    "bounding-box": {
        "image_size": [{"width": 640, "height": 480, "depth": 3}],
        "annotations": [
            {"class_id": 1, "top": 251, "left": 399, "width": 155, "height": 101},
            {"class_id": 0, "top": 65, "left": 86, "width": 220, "height": 334},
        ],
    },
    "bounding-box-metadata": {
        "objects": [{"confidence": 1}, {"confidence": 1}],
        "class-map": {"0": "Echo", "1": "Echo Dot"},
        "type": "groundtruth/object-detection",
        "human-annotated": "yes",
        "creation-date": "2013-11-18T02:53:27",
        "job-name": "my job",
    },
}


def _classification_attr(name: str, class_name: str, index: int) -> dict[str, Any]:
    return {
        name: index,
        f"{name}-metadata": {
            "confidence": 1,
            "job-name": "labeling-job/multilabel",
            "class-name": class_name,
            "human-annotated": "yes",
            "creation-date": "2020-07-09T17:46:29.018469",
            "type": "groundtruth/image-classification",
        },
    }


MULTI_LABEL = {
    "source-ref": f"s3://{BUCKET}/images/multi.png",
    **_classification_attr("image-label-1", "Echo Dot", 0),
    **_classification_attr("image-label-2", "Echo", 1),
}
SPARSE = {
    "source-ref": f"s3://{BUCKET}/images/sparse.png",
    "bounding-box": {
        "image_size": [{"width": 640, "height": 480, "depth": 3}],
        "annotations": [
            {"class_id": 17, "top": 10, "left": 20, "width": 100, "height": 50},
            {"class_id": 5, "top": 200, "left": 300, "width": 40, "height": 60},
        ],
    },
    "bounding-box-metadata": {
        "objects": [{"confidence": 1}, {"confidence": 1}],
        "class-map": {"5": "cat", "17": "dog"},
        "type": "groundtruth/object-detection",
        "human-annotated": "yes",
    },
}
EMPTY_ANNOTATIONS = {
    "source-ref": f"s3://{BUCKET}/images/empty.png",
    "bounding-box": {"image_size": [{"width": 640, "height": 480, "depth": 3}], "annotations": []},
    "bounding-box-metadata": {
        "objects": [],
        "class-map": {},
        "type": "groundtruth/object-detection",
        "human-annotated": "yes",
    },
}
SAGEMAKER_MULTILABEL = {
    "source-ref": f"s3://{BUCKET}/images/sm.png",
    "my-job": [0, 2],
    "my-job-metadata": {
        "job-name": "labeling-job/my-job",
        "class-map": {"0": "cat", "2": "dog", "1": "bird"},
        "confidence-map": {"0": 0.9, "2": 0.8},
        "human-annotated": "yes",
        "creation-date": "2020-02-04T18:09:20.618406",
        "type": "groundtruth/image-classification-multilabel",
    },
}


def _image(root: Path, ref: str, size: tuple[int, int] = (640, 480), color=(90, 90, 90)) -> None:
    save(root / ref.removeprefix("s3://"), png(size, color))


def _manifest(tmp_path: Path, lines: list[Any], images: list[str] | None = None) -> dict:
    root = tmp_path / "root"
    root.mkdir(exist_ok=True)
    refs = images
    if refs is None:
        refs = [line["source-ref"] for line in lines if isinstance(line, dict)]
    for i, ref in enumerate(refs):
        _image(root, ref, color=(i * 20 % 255, 60, 90))
    path = write_lines(tmp_path / "in.manifest", lines)
    return {"kind": "manifest", "path": str(path), "root": str(root)}


def test_a_documented_classification_line_imports_its_class_name_as_label(ctx, tmp_path):
    create(ctx, _manifest(tmp_path, [CLASSIFICATION]))
    [entry] = all_entries(ctx)
    assert entry.source_ref == CLASSIFICATION["source-ref"]
    assert entry.labels == ["Echo Dot"]
    assert entry.is_labeled and not entry.has_errors and entry.boxes == []
    assert (entry.asset.width, entry.asset.height) == (640, 480)


def test_a_documented_detection_line_imports_its_boxes_through_the_class_map(ctx, tmp_path):
    create(ctx, _manifest(tmp_path, [DETECTION]))
    [entry] = all_entries(ctx)
    boxes = sorted((b.label, b.left, b.top, b.width, b.height) for b in entry.boxes)
    assert boxes == [("Echo", 86, 65, 220, 334), ("Echo Dot", 399, 251, 155, 101)]
    assert entry.labels == []
    assert entry.is_labeled and not entry.has_errors


def test_a_multi_label_line_with_two_attributes_gets_both_labels(ctx, tmp_path):
    create(ctx, _manifest(tmp_path, [MULTI_LABEL]))
    [entry] = all_entries(ctx)
    assert sorted(entry.labels) == ["Echo", "Echo Dot"]


def test_sparse_class_map_ids_name_the_right_labels(ctx, tmp_path):
    create(ctx, _manifest(tmp_path, [SPARSE]))
    [entry] = all_entries(ctx)
    boxes = sorted((b.label, b.left, b.top, b.width, b.height) for b in entry.boxes)
    assert boxes == [("cat", 300, 200, 40, 60), ("dog", 20, 10, 100, 50)]


def test_an_empty_annotations_list_is_a_labelled_image_with_no_objects(ctx, tmp_path):
    create(ctx, _manifest(tmp_path, [EMPTY_ANNOTATIONS]))
    [entry] = all_entries(ctx)
    assert entry.is_labeled and entry.no_objects
    assert entry.boxes == [] and entry.labels == []
    assert not entry.has_errors
    assert datasets.describe_dataset(ctx, "p", "train").stats.labeled_entries == 1
    assert all_entries(ctx, flt=EntryFilter(labeled=True)) == [entry]


def test_sagemaker_multilabel_output_is_converted_to_image_level_labels(ctx, tmp_path):
    create(ctx, _manifest(tmp_path, [SAGEMAKER_MULTILABEL]))
    [entry] = all_entries(ctx)
    assert sorted(entry.labels) == ["cat", "dog"]


def test_all_documented_line_kinds_mixed_in_one_manifest_import_together(ctx, tmp_path):
    lines = [
        CLASSIFICATION,
        DETECTION,
        MULTI_LABEL,
        SPARSE,
        EMPTY_ANNOTATIONS,
        SAGEMAKER_MULTILABEL,
    ]
    job = create(ctx, _manifest(tmp_path, lines))
    assert job.status == "SUCCEEDED"
    assert (job.done, job.total, job.error_count) == (6, 6, 0)
    info = datasets.describe_dataset(ctx, "p", "train")
    assert (info.stats.total_entries, info.stats.labeled_entries) == (6, 6)
    assert info.stats.total_labels == 4  # Echo, Echo Dot, cat, dog


INVALID_LINES: list[tuple[Any, str]] = [
    ('{"source-ref": "s3://b/x.png", "oops"', "ERROR_INVALID_JSON_LINE"),
    ({"no-source": 1, "a": 1, "a-metadata": {"type": "groundtruth/image-classification"}},
     "ERROR_MISSING_SOURCE_REF"),
    ({"source-ref": "https://example.com/a.png"}, "ERROR_INVALID_SOURCE_REF_FORMAT"),
    ({"source-ref": f"s3://{BUCKET}/images/orphan.png",
      "box-metadata": {"type": "groundtruth/object-detection", "class-map": {}}},
     "ERROR_NO_LABEL_ATTRIBUTES"),
    ({"source-ref": f"s3://{BUCKET}/images/bad-type.png", "a": 1,
      "a-metadata": {"type": "groundtruth/semantic-segmentation", "class-name": "x"}},
     "ERROR_UNSUPPORTED_USE_CASE_TYPE"),
    ({"source-ref": f"s3://{BUCKET}/images/no-class-name.png", "a": 1,
      "a-metadata": {"type": "groundtruth/image-classification"}},
     "ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT"),
    ("[1, 2, 3]", "ERROR_INVALID_JSON_LINE"),
]  # fmt: skip


def _invalid_manifest(tmp_path: Path) -> dict:
    lines = [CLASSIFICATION, *(line for line, _ in INVALID_LINES), DETECTION]
    images = [
        CLASSIFICATION["source-ref"],
        DETECTION["source-ref"],
        f"s3://{BUCKET}/images/orphan.png",
        f"s3://{BUCKET}/images/bad-type.png",
        f"s3://{BUCKET}/images/no-class-name.png",
    ]
    return _manifest(tmp_path, lines, images)


def test_invalid_lines_are_kept_as_entries_with_the_hosted_error_codes(ctx, tmp_path):
    job = create(ctx, _invalid_manifest(tmp_path))
    assert job.status == "SUCCEEDED"
    assert job.done == len(INVALID_LINES) + 2
    assert job.error_count == len(INVALID_LINES)
    found = all_entries(ctx)
    assert len(found) == len(INVALID_LINES) + 2
    seen = [code for v in found for code in codes(v)]
    for _, code in INVALID_LINES:
        assert code in seen, code
    for entry in found:
        assert all(i["message"] for i in entry.issues)


def test_invalid_lines_are_found_by_the_has_errors_filter(ctx, tmp_path):
    create(ctx, _invalid_manifest(tmp_path))
    bad = all_entries(ctx, flt=EntryFilter(has_errors=True))
    good = all_entries(ctx, flt=EntryFilter(has_errors=False))
    assert len(bad) == len(INVALID_LINES)
    assert {v.source_ref for v in good} == {CLASSIFICATION["source-ref"], DETECTION["source-ref"]}
    assert datasets.describe_dataset(ctx, "p", "train").stats.error_entries == len(INVALID_LINES)


def test_an_unparseable_line_keeps_its_text_so_the_user_can_fix_it(ctx, tmp_path):
    create(ctx, _invalid_manifest(tmp_path))
    [entry] = [v for v in all_entries(ctx) if v.raw_line and "oops" in v.raw_line]
    assert entry.raw_line == INVALID_LINES[0][0]
    assert codes(entry) == {"ERROR_INVALID_JSON_LINE"}


def test_bad_lines_of_two_imports_at_the_same_line_number_are_both_kept(ctx, tmp_path):
    root = tmp_path / "root"
    save(root / BUCKET / "images" / "IMG_1186.png", png((640, 480)))
    good = DETECTION
    first = write_lines(tmp_path / "first.manifest", [good, "{first oops"])
    second = write_lines(tmp_path / "second.manifest", [good, "{second oops"])
    create(ctx, {"kind": "manifest", "path": str(first), "root": str(root)})
    job = update(ctx, {"kind": "manifest", "path": str(second), "root": str(root)})
    assert job.status == "SUCCEEDED", job.message
    bad = all_entries(ctx, flt=EntryFilter(has_errors=True))
    assert sorted(v.raw_line for v in bad) == ["{first oops", "{second oops"]
    # Each name says which import and line it came from.
    assert {v.source_ref for v in bad} == {"invalid-line:job-1:2", f"invalid-line:job-{job.id}:2"}
    assert datasets.describe_dataset(ctx, "p", "train").stats.error_entries == 2


def test_an_invalid_box_is_dropped_and_the_rest_of_the_line_kept(ctx, tmp_path):
    line = {
        "source-ref": f"s3://{BUCKET}/images/one-bad-box.png",
        "bounding-box": {
            "image_size": [{"width": 640, "height": 480, "depth": 3}],
            "annotations": [
                {"class_id": 0, "top": 10, "left": 10, "width": 50, "height": 40},
                {"class_id": 0, "top": 10, "left": -30, "width": 50, "height": 40},
                {"class_id": 9, "top": 10, "left": 30, "width": 50, "height": 40},
            ],
        },
        "bounding-box-metadata": {
            "objects": [{"confidence": 1}] * 3,
            "class-map": {"0": "cup"},
            "type": "groundtruth/object-detection",
        },
    }
    create(ctx, _manifest(tmp_path, [line]))
    [entry] = all_entries(ctx)
    assert [(b.label, b.left, b.top, b.width, b.height) for b in entry.boxes] == [
        ("cup", 10, 10, 50, 40)
    ]
    assert {"ERROR_INVALID_BOUNDING_BOX", "ERROR_MISSING_CLASS_MAP_ID"} <= codes(entry)
    assert not entry.has_errors  # usable: the issues are warnings on a kept entry
    assert entry.is_labeled


def test_a_box_outside_the_actual_image_is_dropped_with_an_error(ctx, tmp_path):
    ref = f"s3://{BUCKET}/images/small.png"
    line = {
        "source-ref": ref,
        "bounding-box": {
            "annotations": [
                {"class_id": 0, "top": 5, "left": 5, "width": 20, "height": 20},
                {"class_id": 0, "top": 5, "left": 500, "width": 20, "height": 20},
            ],
        },
        "bounding-box-metadata": {
            "objects": [{"confidence": 1}] * 2,
            "class-map": {"0": "cup"},
            "type": "groundtruth/object-detection",
        },
    }
    source = _manifest(tmp_path, [line], images=[])
    _image(Path(source["root"]), ref, size=(100, 80))
    create(ctx, source)
    [entry] = all_entries(ctx)
    assert [(b.left, b.top) for b in entry.boxes] == [(5, 5)]
    assert "ERROR_INVALID_BOUNDING_BOX" in codes(entry)


def test_a_repeated_source_ref_keeps_the_later_line_and_says_so(ctx, tmp_path):
    first = dict(CLASSIFICATION)
    later = {
        "source-ref": CLASSIFICATION["source-ref"],
        **_classification_attr("label", "Alexa", 0),
    }
    job = create(ctx, _manifest(tmp_path, [first, DETECTION, later]))
    found = all_entries(ctx)
    assert len(found) == 2
    [entry] = [v for v in found if v.source_ref == CLASSIFICATION["source-ref"]]
    assert entry.labels == ["Alexa"]
    assert "WARNING_DUPLICATE_SOURCE_REF" in codes(entry)
    assert not entry.has_errors
    assert job.status == "SUCCEEDED"


def test_a_source_ref_repeated_far_apart_keeps_the_later_line(ctx, tmp_path):
    # More lines between the two than one import batch holds.
    root = tmp_path / "root"
    save(root / "a.png", png((64, 64), (1, 1, 1)))
    filler = [{"source-ref": f"missing-{i}.png"} for i in range(300)]
    lines = [
        {"source-ref": "a.png", **_classification_attr("l", "first", 0)},
        *filler,
        {"source-ref": "a.png", **_classification_attr("l", "second", 0)},
    ]
    path = write_lines(tmp_path / "in.manifest", lines)
    create(ctx, {"kind": "manifest", "path": str(path), "root": str(root)})
    [entry] = all_entries(ctx, flt=EntryFilter(source_ref_contains="a.png"))
    assert entry.labels == ["second"]
    assert "WARNING_DUPLICATE_SOURCE_REF" in codes(entry)
    assert len(all_entries(ctx)) == 301


def test_source_refs_that_escape_the_root_are_refused_entry_by_entry(ctx, tmp_path):
    outside = tmp_path / "outside"
    save(outside / "secret.png", png((64, 64)))
    root = tmp_path / "root"
    save(root / "inside.png", png((64, 64), (5, 5, 5)))
    os.symlink(outside / "secret.png", root / "link.png")
    refs = [
        "../outside/secret.png",
        str(outside / "secret.png"),
        f"file://{outside / 'secret.png'}",
        "link.png",
        f"s3://{BUCKET}/../../outside/secret.png",
    ]
    lines = [{"source-ref": r, **_classification_attr("l", "x", 0)} for r in refs]
    lines.append({"source-ref": "inside.png", **_classification_attr("l", "x", 0)})
    path = write_lines(tmp_path / "in.manifest", lines)
    job = create(ctx, {"kind": "manifest", "path": str(path), "root": str(root)})
    assert job.status == "SUCCEEDED"
    found = {v.source_ref: v for v in all_entries(ctx)}
    assert len(found) == len(refs) + 1
    for ref in refs:
        entry = found[ref]
        assert entry.asset is None, ref
        assert entry.has_errors, ref
        assert "ERROR_INVALID_SOURCE_REF_FORMAT" in codes(entry), ref
    assert found["inside.png"].asset is not None
    assert not found["inside.png"].has_errors


def test_an_s3_reference_is_read_from_root_bucket_key(ctx, tmp_path):
    root = tmp_path / "root"
    save(root / "my-bucket" / "deep" / "key.png", png((70, 65)))
    line = {"source-ref": "s3://my-bucket/deep/key.png", **_classification_attr("l", "x", 0)}
    path = write_lines(tmp_path / "in.manifest", [line])
    create(ctx, {"kind": "manifest", "path": str(path), "root": str(root)})
    [entry] = all_entries(ctx)
    assert entry.source_ref == "s3://my-bucket/deep/key.png"
    assert (entry.asset.width, entry.asset.height) == (70, 65)


def test_a_missing_image_is_an_entry_with_an_invalid_image_error(ctx, tmp_path):
    line = {"source-ref": "s3://my-bucket/nowhere.png", **_classification_attr("l", "x", 0)}
    (tmp_path / "root").mkdir()
    path = write_lines(tmp_path / "in.manifest", [line])
    create(ctx, {"kind": "manifest", "path": str(path), "root": str(tmp_path / "root")})
    [entry] = all_entries(ctx)
    assert codes(entry) == {"ERROR_INVALID_IMAGE"}
    assert entry.has_errors and entry.asset is None


def test_a_line_of_more_than_100000_characters_is_read(ctx, tmp_path):
    line = {**CLASSIFICATION, "notes": "n" * 150_000}
    create(ctx, _manifest(tmp_path, [line, DETECTION]))
    found = by_name(all_entries(ctx))
    assert found["IMG_1133.png"].labels == ["Echo Dot"]
    assert not found["IMG_1133.png"].has_errors
    assert len(found) == 2


def test_a_line_over_the_length_limit_is_an_error_entry_and_the_rest_imports(
    ctx, tmp_path, monkeypatch
):
    monkeypatch.setattr(ctx.settings, "max_manifest_line_chars", 100_000)
    line = {**CLASSIFICATION, "notes": "n" * 150_000}
    job = create(ctx, _manifest(tmp_path, [line, DETECTION]))
    assert job.status == "SUCCEEDED"
    found = all_entries(ctx)
    assert len(found) == 2
    [bad] = [v for v in found if v.has_errors]
    assert codes(bad) == {"ERROR_INVALID_JSON_LINE"}
    assert len(bad.raw_line) <= 10_000
    [good] = [v for v in found if not v.has_errors]
    assert good.source_ref == DETECTION["source-ref"]


def test_a_line_of_invalid_utf8_is_an_error_entry_and_the_rest_imports(ctx, tmp_path):
    bad = b'{"source-ref": "s3://b/caf\xe9.png", "a": 1}'
    job = create(ctx, _manifest(tmp_path, [CLASSIFICATION, bad, DETECTION], images=None))
    assert job.status == "SUCCEEDED"
    found = all_entries(ctx)
    assert len(found) == 3
    [entry] = [v for v in found if v.has_errors]
    assert codes(entry) == {"ERROR_INVALID_JSON_LINE"}
    assert "UTF-8" in entry.issues[0]["message"]


def test_an_update_replaces_labels_and_boxes_by_source_ref_and_keeps_other_entries(ctx, tmp_path):
    source = _manifest(tmp_path, [CLASSIFICATION, DETECTION, MULTI_LABEL])
    create(ctx, source)
    before = {v.source_ref: v for v in all_entries(ctx)}
    new_ref = f"s3://{BUCKET}/images/new.png"
    _image(Path(source["root"]), new_ref, color=(1, 2, 3))
    changed = {
        "source-ref": CLASSIFICATION["source-ref"],
        "bounding-box": {
            "image_size": [{"width": 640, "height": 480, "depth": 3}],
            "annotations": [{"class_id": 0, "top": 1, "left": 2, "width": 30, "height": 40}],
        },
        "bounding-box-metadata": {
            "objects": [{"confidence": 1}],
            "class-map": {"0": "Speaker"},
            "type": "groundtruth/object-detection",
        },
    }
    added = {"source-ref": new_ref, **_classification_attr("l", "New", 0)}
    changes = write_lines(tmp_path / "changes.manifest", [changed, added])
    job = update(ctx, {"kind": "manifest", "path": str(changes), "root": source["root"]})
    assert job.status == "SUCCEEDED"
    assert (job.result["created"], job.result["updated"]) == (1, 1)
    after = {v.source_ref: v for v in all_entries(ctx)}
    assert len(after) == 4
    replaced = after[CLASSIFICATION["source-ref"]]
    assert replaced.id == before[CLASSIFICATION["source-ref"]].id
    assert replaced.labels == []
    assert [(b.label, b.left, b.top, b.width, b.height) for b in replaced.boxes] == [
        ("Speaker", 2, 1, 30, 40)
    ]
    assert replaced.version == before[CLASSIFICATION["source-ref"]].version + 1
    for kept in (DETECTION, MULTI_LABEL):
        ref = kept["source-ref"]
        assert after[ref].labels == before[ref].labels
        assert after[ref].boxes == before[ref].boxes
    assert after[new_ref].labels == ["New"]
    info = datasets.describe_dataset(ctx, "p", "train")
    assert info.status == "UPDATE_COMPLETE"
    assert info.stats.total_entries == 4


def test_a_manifest_that_does_not_exist_is_refused_before_a_job_starts(ctx, tmp_path):
    with pytest.raises(InvalidInput, match="does not exist"):
        create(ctx, {"kind": "manifest", "path": str(tmp_path / "none.manifest")})


ODD_NAMES = ['say "hi"', "<b>bold</b> & <script>", "🐱 cat", "שלום", "a/b\\c", "Cat", "cat"]


def test_label_names_with_quotes_html_emoji_and_rtl_are_stored_exactly(ctx, tmp_path):
    root = tmp_path / "root"
    save(root / "odd.png", png((64, 64)))
    line = {"source-ref": "odd.png"}
    for i, name in enumerate(ODD_NAMES):
        line.update(_classification_attr(f"attr-{i}", name, i))
    path = write_lines(tmp_path / "in.manifest", [line])
    create(ctx, {"kind": "manifest", "path": str(path), "root": str(root)})
    [entry] = all_entries(ctx)
    assert sorted(entry.labels) == sorted(ODD_NAMES)
    for name in ODD_NAMES:
        assert all_entries(ctx, flt=EntryFilter(contains_labels=(name,))) == [entry]


def test_the_job_ends_with_done_equal_to_total_for_blank_and_repeated_lines(ctx, tmp_path):
    source = _manifest(tmp_path, [CLASSIFICATION, DETECTION, CLASSIFICATION])
    path = Path(source["path"])
    # Blank lines, and a last line without its newline.
    path.write_bytes(b"\n" + path.read_bytes().replace(b"\n", b"\n\n").rstrip(b"\n"))
    job = create(ctx, source)
    assert job.status == "SUCCEEDED"
    assert job.done == job.total
    assert len(all_entries(ctx)) == 2


def test_a_label_name_with_a_bidi_override_is_this_lines_error_and_the_others_import(ctx, tmp_path):
    metadata = {**CLASSIFICATION["TestCLConsoleBucket-metadata"], "class-name": "cat\u202egod"}
    bad = {
        **CLASSIFICATION,
        "source-ref": f"s3://{BUCKET}/images/bad.png",
        "TestCLConsoleBucket-metadata": metadata,
    }
    job = create(ctx, _manifest(tmp_path, [CLASSIFICATION, bad]))
    assert job.status == "SUCCEEDED"
    found = {e.source_ref: e for e in all_entries(ctx)}
    assert found[CLASSIFICATION["source-ref"]].labels == ["Echo Dot"]
    broken = found[bad["source-ref"]]
    assert broken.labels == [] and broken.has_errors
    assert any("U+202E RIGHT-TO-LEFT OVERRIDE at position 3" in i["message"] for i in broken.issues)

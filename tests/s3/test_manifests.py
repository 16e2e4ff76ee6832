"""Ground Truth manifests on S3, with their images read from S3 (several buckets allowed)."""

from __future__ import annotations

import orjson

from customlabels.services import datasets

from .faulty_proxy import faulty_proxy
from .helpers import by_ref, codes, create, jpeg, png, put, update


def line(ref: str, label: str) -> bytes:
    return orjson.dumps(
        {
            "source-ref": ref,
            "cls": 0,
            "cls-metadata": {
                "class-name": label,
                "type": "groundtruth/image-classification",
                "confidence": 1,
            },
        }
    )


def messages(view) -> str:
    return " | ".join(i["message"] for i in view.issues)


def manifest(*lines: bytes) -> bytes:
    return b"\n".join(lines) + b"\n"


def test_a_manifest_on_s3_imports_images_from_several_buckets_and_names_what_hosted_rejects(
    s3ctx, s3, new_bucket
):
    home, other = new_bucket("home"), new_bucket("other")
    put(s3, home, {"img/a.jpg": jpeg((10, 10, 10)), "img/b c é.png": png((20, 20, 20))})
    put(s3, other, {"d.jpg": jpeg((30, 30, 30))})
    refs = [f"s3://{home}/img/a.jpg", f"s3://{home}/img/b c é.png", f"s3://{other}/d.jpg"]
    body = manifest(line(refs[0], "cat"), line(refs[1], "dog"), line(refs[2], "cat"))
    put(s3, home, {"train.manifest": body})

    job = create(s3ctx, {"kind": "manifest", "path": f"s3://{home}/train.manifest"})

    assert job.status == "SUCCEEDED", job.message
    found = by_ref(s3ctx)
    assert {r: v.labels for r, v in found.items()} == {
        refs[0]: ["cat"],
        refs[1]: ["dog"],
        refs[2]: ["cat"],
    }
    assert all(v.asset is not None and not v.has_errors for v in found.values())
    warning = [i for i in found[refs[2]].issues if i["severity"] == "WARNING"]
    assert len(warning) == 1 and "hosted service would reject" in warning[0]["message"]
    assert job.result["hosted_would_reject"] == 1
    assert job.result["hosted_would_reject_source_refs"] == [refs[2]]
    assert job.result["downloaded"] == 3


def test_lines_naming_a_missing_key_or_bucket_become_entry_errors_and_the_rest_imports(
    s3ctx, s3, new_bucket
):
    bucket = new_bucket()
    put(s3, bucket, {"ok.jpg": jpeg()})
    ok, gone, nobucket = (
        f"s3://{bucket}/ok.jpg",
        f"s3://{bucket}/gone.jpg",
        "s3://no-such-bucket-for-lines/x.jpg",
    )
    body = manifest(line(ok, "a"), line(gone, "a"), line(nobucket, "a"), b"{not json")
    put(s3, bucket, {"m.manifest": body})

    job = create(s3ctx, {"kind": "manifest", "path": f"s3://{bucket}/m.manifest"})

    assert job.status == "SUCCEEDED", job.message
    found = by_ref(s3ctx)
    assert found[ok].asset is not None and not found[ok].has_errors
    assert "NoSuchKey" in messages(found[gone]) and found[gone].asset is None
    assert "NoSuchBucket" in messages(found[nobucket])
    broken = [v for r, v in found.items() if r not in (ok, gone, nobucket)]
    assert len(broken) == 1 and "ERROR_INVALID_JSON_LINE" in codes(broken[0])
    assert datasets.describe_dataset(s3ctx, "p", "train").stats.error_entries == 3


def test_a_file_that_is_not_json_lines_fails_the_job_naming_it(s3ctx, s3, new_bucket):
    bucket = new_bucket()
    put(s3, bucket, {"data.manifest": b'[{"source-ref": "s3://x/y.jpg"},\n{"a": 1}\n]\n'})
    job = create(s3ctx, {"kind": "manifest", "path": f"s3://{bucket}/data.manifest"})
    assert job.status == "FAILED"
    assert "is not a JSON Lines manifest" in job.message and "data.manifest" in job.message
    assert datasets.describe_dataset(s3ctx, "p", "train").stats.total_entries == 0


def test_a_manifest_key_that_does_not_exist_fails_the_job(s3ctx, s3, new_bucket):
    bucket = new_bucket()
    job = create(s3ctx, {"kind": "manifest", "path": f"s3://{bucket}/nothing.manifest"})
    assert job.status == "FAILED"
    assert "ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT" in job.message
    assert "NoSuchKey" in job.message


def test_an_update_from_s3_relabels_an_entry_whose_image_is_gone_without_reading_it(
    s3ctx, s3, new_bucket
):
    bucket = new_bucket()
    put(s3, bucket, {"a.jpg": jpeg()})
    ref = f"s3://{bucket}/a.jpg"
    put(s3, bucket, {"one.manifest": manifest(line(ref, "cat"))})
    create(s3ctx, {"kind": "manifest", "path": f"s3://{bucket}/one.manifest"})
    s3.delete_object(Bucket=bucket, Key="a.jpg")
    put(s3, bucket, {"fix.manifest": manifest(line(ref, "lion"))})

    job = update(s3ctx, {"kind": "manifest", "path": f"s3://{bucket}/fix.manifest"})

    assert job.status == "SUCCEEDED", job.message
    entry = by_ref(s3ctx)[ref]
    assert entry.labels == ["lion"] and entry.asset is not None and not entry.has_errors


def test_a_manifest_over_images_already_stored_downloads_none_of_them_again(s3ctx, s3, new_bucket):
    bucket = new_bucket()
    put(s3, bucket, {"a.jpg": jpeg(), "b.jpg": jpeg((0, 90, 0))})
    refs = [f"s3://{bucket}/a.jpg", f"s3://{bucket}/b.jpg"]
    put(s3, bucket, {"m.manifest": manifest(*(line(r, "x") for r in refs))})
    first = create(s3ctx, {"kind": "manifest", "path": f"s3://{bucket}/m.manifest"})
    assert first.result["downloaded"] == 2
    put(s3, bucket, {"m2.manifest": manifest(*(line(r, "y") for r in refs))})
    again = update(s3ctx, {"kind": "manifest", "path": f"s3://{bucket}/m2.manifest"})
    assert again.result["downloaded"] == 0
    assert {v.labels[0] for v in by_ref(s3ctx).values()} == {"y"}


def test_a_manifest_in_key_order_finds_its_images_by_listing_not_one_request_each(
    s3ctx, s3, new_bucket, moto_endpoint, monkeypatch
):
    bucket = new_bucket()
    images = {f"img/{n:03d}.jpg": jpeg((n * 5, 80, 160)) for n in range(40)}
    put(s3, bucket, {**images, "other/x.jpg": jpeg((1, 2, 3))})
    refs = [f"s3://{bucket}/{key}" for key in sorted(images)]
    missing = f"s3://{bucket}/img/039b-gone.jpg"
    body = manifest(*(line(ref, "cat") for ref in [*refs, missing]))
    put(s3, bucket, {"train.manifest": body, "fix.manifest": body.replace(b'"cat"', b'"dog"')})
    seen: list[tuple[str, str]] = []

    with faulty_proxy(moto_endpoint, {}, seen) as endpoint:
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        job = create(s3ctx, {"kind": "manifest", "path": f"s3://{bucket}/train.manifest"})
        relabelled = update(s3ctx, {"kind": "manifest", "path": f"s3://{bucket}/fix.manifest"})

    assert job.status == "SUCCEEDED", job.message
    assert relabelled.status == "SUCCEEDED", relabelled.message
    found = by_ref(s3ctx)
    assert all(found[ref].asset is not None and found[ref].labels == ["dog"] for ref in refs)
    assert "NoSuchKey" in messages(found[missing])
    heads = [path for method, path in seen if method == "HEAD"]
    lists = [path for method, path in seen if method == "GET" and "list-type=2" in path]
    # Per import: one listing for the 40 keys, and HEADs only for the key it did not show
    # (and its bucket, which tells NoSuchKey from NoSuchBucket).
    assert len(lists) == 2, lists
    assert sorted(heads) == sorted([f"/{bucket}/img/039b-gone.jpg", f"/{bucket}"] * 2), heads
    assert job.result["downloaded"] == 40 and relabelled.result["downloaded"] == 0

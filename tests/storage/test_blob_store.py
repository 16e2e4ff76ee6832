"""What every BlobStore promises (storage/protocol.py), checked on each store the storage URL
can name: in memory, a local directory, and S3 (moto's server on loopback, through boto3).
"""

from __future__ import annotations

import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import pytest

from customlabels.storage.factory import open_blob_store
from customlabels.storage.local import LocalBlobStore
from customlabels.storage.protocol import BlobStore
from customlabels.storage.s3 import S3Options


@pytest.fixture(params=["memory", "local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    """An empty store of each kind, opened from its storage URL as the app opens it."""
    if request.param == "memory":
        return open_blob_store("memory://", tmp_path)
    if request.param == "local":
        return open_blob_store(str(tmp_path / "blobs"), tmp_path)
    endpoint = request.getfixturevalue("aws_env")
    bucket = f"blobs-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=bucket)
    # Listing pages of two keys, so that keys() is seen to stream across pages.
    options = S3Options(
        endpoint_url=endpoint, max_attempts=3, retry_base_delay_s=0.01, list_page_size=2
    )
    return open_blob_store(f"s3://{bucket}/store", tmp_path, options)


def test_bytes_put_under_a_key_are_read_back_and_the_key_exists(store: BlobStore) -> None:
    data = bytes(range(256)) * 40
    store.put("assets/ab/one", data)
    assert store.get("assets/ab/one") == data
    assert store.exists("assets/ab/one")


def test_a_key_never_put_does_not_exist_and_reading_it_is_a_key_error(store: BlobStore) -> None:
    assert not store.exists("assets/ab/never")
    with pytest.raises(KeyError):
        store.get("assets/ab/never")


def test_putting_a_key_again_keeps_its_bytes(store: BlobStore) -> None:
    store.put("assets/ab/again", b"same bytes")
    store.put("assets/ab/again", b"same bytes")
    assert store.get("assets/ab/again") == b"same bytes"
    assert list(store.keys("assets/")) == ["assets/ab/again"]


def test_concurrent_puts_of_one_key_leave_its_bytes_whole(store: BlobStore) -> None:
    data = os.urandom(200_000)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: store.put("assets/cd/shared", data), range(16)))
    assert store.get("assets/cd/shared") == data
    assert list(store.keys("assets/")) == ["assets/cd/shared"]


def test_a_deleted_key_is_gone_and_deleting_a_missing_key_is_no_error(store: BlobStore) -> None:
    store.put("assets/ab/gone", b"x")
    store.delete("assets/ab/gone")
    assert not store.exists("assets/ab/gone")
    with pytest.raises(KeyError):
        store.get("assets/ab/gone")
    store.delete("assets/ab/gone")
    store.delete("assets/ab/never-there")
    assert list(store.keys("assets/")) == []


def test_keys_lists_every_key_under_a_folder_and_none_outside_it(store: BlobStore) -> None:
    inside = [f"assets/{i:02x}/{i:064x}" for i in range(5)]
    outside = ["thumbnails/00/0.jpg", "assets-old/00/0", "top-level"]
    for key in inside + outside:
        store.put(key, key.encode())
    assert sorted(store.keys("assets/")) == inside
    assert sorted(store.keys("assets/01/")) == [inside[1]]
    assert list(store.keys("thumbnails/")) == ["thumbnails/00/0.jpg"]
    assert list(store.keys("nothing/")) == []


def test_discard_removes_a_blob_not_put_since_the_given_time(store: BlobStore) -> None:
    store.put("assets/ab/old", b"old bytes")
    # A time after the put (S3 stamps whole seconds: two seconds on are surely after).
    later = store.now() + 2
    assert store.discard("assets/ab/old", later) is True
    assert not store.exists("assets/ab/old")
    assert list(store.keys("assets/")) == []


def test_discard_keeps_a_blob_put_again_at_or_after_the_given_time(store: BlobStore) -> None:
    store.put("assets/ab/busy", b"busy bytes")
    since = store.now()
    store.put("assets/ab/busy", b"busy bytes")  # an import finding its image stored already
    assert store.discard("assets/ab/busy", since) is False
    assert store.get("assets/ab/busy") == b"busy bytes"
    assert list(store.keys("assets/")) == ["assets/ab/busy"]


def test_discard_of_a_key_never_put_removes_nothing(store: BlobStore) -> None:
    assert store.discard("assets/ab/never-there", store.now() + 2) is False


@pytest.mark.parametrize("key", ["/etc/passwd", "../outside", "assets/../../outside", ".."])
def test_a_key_that_is_absolute_or_climbs_out_is_refused_by_every_method(
    store: BlobStore, key: str
) -> None:
    calls = {
        "put": lambda: store.put(key, b"x"),
        "get": lambda: store.get(key),
        "exists": lambda: store.exists(key),
        "delete": lambda: store.delete(key),
        "discard": lambda: store.discard(key, store.now()),
        "keys": lambda: list(store.keys(key + "/")),
    }
    for name, call in calls.items():
        with pytest.raises(ValueError, match="invalid blob key"):
            call()
            pytest.fail(f"{name} accepted {key!r}")


def test_the_local_store_leaves_nothing_beside_the_blobs_it_discards_or_keeps(
    tmp_path: Path,
) -> None:
    store = LocalBlobStore(tmp_path)
    store.put("assets/cd/a", b"a")
    store.put("assets/cd/b", b"b")
    since = store.now() + 1  # both count as old
    os.utime(tmp_path / "assets/cd/b", (since + 5, since + 5))  # b was put after "since"
    assert store.discard("assets/cd/a", since) is True
    assert store.discard("assets/cd/b", since) is False
    assert sorted(os.listdir(tmp_path / "assets/cd")) == ["b"]


def test_the_local_store_lists_no_files_of_unfinished_writes_or_discards(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    store.put("assets/cd/kept", b"kept")
    # What a put() or discard() killed half-way leaves beside the blobs.
    (tmp_path / "assets/cd/.tmp-k3j2h1").write_bytes(b"half written")
    (tmp_path / "assets/cd/gone.discard-123-456").write_bytes(b"being discarded")
    assert list(store.keys("assets/")) == ["assets/cd/kept"]
    assert list(store.keys("")) == ["assets/cd/kept"]

"""The CLI over S3: create --from-s3, sync, and export --out s3://, as a user types them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .helpers import jpeg, put

EXECUTABLE = Path(sys.executable).with_name("customlabels")


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTOMLABELS_")}
    done = subprocess.run(
        [str(EXECUTABLE), *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env=env,  # AWS_ENDPOINT_URL and the dummy credentials of the aws_env fixture
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done


def test_create_from_s3_then_sync_then_export_to_s3(s3, new_bucket, tmp_path, aws_env):
    bucket = new_bucket()
    put(s3, bucket, {"x/cat/a.jpg": jpeg(), "x/dog/b.jpg": jpeg((0, 0, 99))})
    data = tmp_path / "data"
    run("project", "create", "p", data_dir=data)
    created = run(
        "dataset",
        "create",
        "p",
        "train",
        "--from-s3",
        f"s3://{bucket}/x/",
        "--folder-labels",
        "--json",
        data_dir=data,
    )
    assert json.loads(created.stdout)["Status"] == "SUCCEEDED"
    put(s3, bucket, {"x/dog/c.jpg": jpeg((0, 99, 0))})
    synced = run("dataset", "sync", "p", "train", data_dir=data)
    assert "2 unchanged, 1 downloaded, 0 gone from the bucket" in synced.stdout
    run(
        "dataset",
        "export",
        "p",
        "train",
        "--format",
        "groundtruth",
        "--out",
        f"s3://{bucket}/out/",
        data_dir=data,
    )
    manifest = s3.get_object(Bucket=bucket, Key="out/output.manifest")["Body"].read()
    assert len(manifest.splitlines()) == 3

"""``customlabels storage reclaim``: the space of a deleted project's images comes back."""

from __future__ import annotations

import json

from .helpers import DataDir


def _blob_files(data_dir: DataDir) -> int:
    return sum(1 for p in (data_dir.path / "blobs" / "assets").rglob("*") if p.is_file())


def test_reclaim_after_deleting_a_project_removes_its_image_files(cli, shoes_copy: DataDir) -> None:
    stored = _blob_files(shoes_copy)
    assert stored > 40
    cli("project", "delete", "shoes", data_dir=shoes_copy)

    dry = json.loads(cli("storage", "reclaim", "--dry-run", "--json", data_dir=shoes_copy).stdout)
    assert dry["UnusedImages"] == stored and dry["DryRun"] is True and dry["Bytes"] > 0
    assert _blob_files(shoes_copy) == stored

    done = cli("storage", "reclaim", data_dir=shoes_copy)
    assert f"removed {stored} unused images" in done.stdout
    assert _blob_files(shoes_copy) == 0
    again = json.loads(cli("storage", "reclaim", "--json", data_dir=shoes_copy).stdout)
    assert again == {
        "UnusedImages": 0,
        "Bytes": 0,
        "KeptInUse": 0,
        "DryRun": False,
        "OrphanFiles": 0,
    }
    swept = cli("storage", "reclaim", "--sweep", data_dir=shoes_copy)
    assert "removed 0 stored files that no image names" in swept.stdout

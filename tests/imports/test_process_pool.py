"""Big imports analyse local files in worker processes; the result must not depend on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.imports.helpers import all_entries, create, jpeg, save

from customlabels.config import Settings
from customlabels.services import assets
from customlabels.services.context import open_context


def _folder(root: Path) -> Path:
    for n in range(80):  # above the size from which "auto" moves to processes
        save(root / ("red" if n % 2 else "blue") / f"{n}.jpg", jpeg(color=(n, 200 - n, 3 * n)))
    save(root / "red" / "broken.jpg", b"not an image")
    return root


@pytest.mark.parametrize("pool", ["processes", "threads"])
def test_an_import_gives_the_same_entries_on_processes_and_threads(tmp_path, pool):
    folder = _folder(tmp_path / "photos")
    ctx = open_context(Settings(data_dir=tmp_path / "data", import_pool=pool))
    try:
        job = create(ctx, {"kind": "folder", "path": str(folder), "folder_labels": True})
        views = all_entries(ctx, "p", "train")
        assert job.status == "SUCCEEDED"
        assert len(views) == 81
        broken = [v for v in views if v.source_ref.endswith("broken.jpg")]
        assert [i["code"] for i in broken[0].issues] == ["ERROR_INVALID_IMAGE"]
        good = [v for v in views if v.asset is not None]
        assert len(good) == 80
        assert sorted(v.labels[0] for v in good).count("red") == 40
        for view in good:  # the original bytes are in the store, unchanged
            name = view.source_ref.rsplit("/", 1)[-1]
            folder_name = view.labels[0]
            original = (folder / folder_name / name).read_bytes()
            assert assets.read_original(ctx, view.asset.sha256) == original
    finally:
        ctx.close()

"""Server paths in REST bodies: read only inside import_roots, written only under export_root.

The served app (conftest) may read the tests' tmp folders and the shared photos, and write
under the tmp folders; /etc and / lie outside both.
"""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

OUTSIDE_EXISTING = "/etc/passwd"
OUTSIDE_MISSING = "/etc/no-such-file-customlabels"


@pytest.fixture
def project(api: httpx.Client) -> str:
    name = f"paths-{uuid.uuid4().hex[:8]}"
    assert api.post("/projects", json={"name": name}).status_code == 201
    return name


def _create(api: httpx.Client, project: str, source: dict[str, Any]) -> httpx.Response:
    return api.post(f"/projects/{project}/datasets/train", json={"source": source})


def _png(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (200, 30, 30)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())


def _assert_denied(response: httpx.Response, field: str) -> None:
    assert response.status_code == 403, response.text
    error = response.json()["error"]
    assert error["code"] == "AccessDenied"
    assert error["details"] == {"field": field}
    assert "/etc" not in response.text


def test_a_manifest_outside_the_import_roots_is_refused(api: httpx.Client, project: str) -> None:
    response = _create(api, project, {"kind": "manifest", "path": OUTSIDE_EXISTING})
    _assert_denied(response, "source.path")
    assert api.get(f"/projects/{project}/datasets/train").status_code == 404


def test_the_server_root_as_image_root_is_refused(
    api: httpx.Client, project: str, tmp_path: Path
) -> None:
    manifest = tmp_path / "in.manifest"
    manifest.write_text(json.dumps({"source-ref": "etc/passwd"}) + "\n")
    response = _create(api, project, {"kind": "manifest", "path": str(manifest), "root": "/"})
    _assert_denied(response, "source.root")
    for kind in ("coco", "folder", "yolo", "voc"):
        _assert_denied(_create(api, project, {"kind": kind, "path": "/"}), "source.path")


def test_dot_dot_is_refused_even_when_it_would_lead_back_inside(
    api: httpx.Client, project: str, tmp_path: Path
) -> None:
    (tmp_path / "photos").mkdir()
    escapes = [
        str(tmp_path / ".." / ".." / ".." / ".." / ".." / "etc"),
        str(tmp_path / "photos" / ".." / "photos"),
    ]
    for path in escapes:
        response = _create(api, project, {"kind": "folder", "path": path})
        assert response.status_code == 400, response.text
        assert response.json()["error"]["code"] == "InvalidParameter"
        assert "'..'" in response.json()["error"]["message"]


def test_a_symlink_inside_a_root_pointing_outside_is_refused(
    api: httpx.Client, project: str, tmp_path: Path
) -> None:
    (tmp_path / "etc").symlink_to("/etc")
    (tmp_path / "passwd.manifest").symlink_to(OUTSIDE_EXISTING)
    _assert_denied(
        _create(api, project, {"kind": "folder", "path": str(tmp_path / "etc")}), "source.path"
    )
    manifest = {"kind": "manifest", "path": str(tmp_path / "passwd.manifest")}
    _assert_denied(_create(api, project, manifest), "source.path")


def test_a_missing_and_an_existing_path_outside_give_the_same_error_body(
    api: httpx.Client, project: str, tmp_path: Path
) -> None:
    (tmp_path / "out").symlink_to("/etc")
    (tmp_path / "gone").symlink_to(OUTSIDE_MISSING)
    pairs = [
        (
            {"kind": "manifest", "path": OUTSIDE_EXISTING},
            {"kind": "manifest", "path": OUTSIDE_MISSING},
        ),
        ({"kind": "folder", "path": "/etc"}, {"kind": "folder", "path": "/no-such-folder-cl"}),
        (
            {"kind": "manifest", "path": str(tmp_path / "out" / "passwd")},
            {"kind": "manifest", "path": str(tmp_path / "gone")},
        ),
    ]
    for existing, missing in pairs:
        first, second = _create(api, project, existing), _create(api, project, missing)
        assert first.status_code == second.status_code == 403
        assert first.content == second.content


def test_an_allowed_manifest_and_root_inside_the_roots_import(
    api: httpx.Client, project: str, tmp_path: Path, wait_job
) -> None:
    _png(tmp_path / "images" / "a.png")
    manifest = tmp_path / "in.manifest"
    manifest.write_text(json.dumps({"source-ref": "a.png"}) + "\n")
    source = {"kind": "manifest", "path": str(manifest), "root": str(tmp_path / "images")}
    created = _create(api, project, source)
    assert created.status_code == 202, created.text
    assert wait_job(api, created.json()["id"])["status"] == "SUCCEEDED"
    (entry,) = api.get(f"/projects/{project}/datasets/train/entries").json()["items"]
    assert (entry["source_ref"], entry["has_errors"]) == ("a.png", False)
    assert entry["asset"]["width"] == 80


def test_updates_check_their_root_before_saving_the_lines(
    api: httpx.Client, project: str, served
) -> None:
    assert api.post(f"/projects/{project}/datasets/train", json={}).status_code == 201
    changes = served.ctx.settings.data_dir / "changes"
    before = set(changes.iterdir()) if changes.exists() else set()
    body = {"lines": [json.dumps({"source-ref": "passwd"})], "root": "/etc"}
    _assert_denied(
        api.post(f"/projects/{project}/datasets/train/updates", json=body), "source.root"
    )
    body = {"path": OUTSIDE_EXISTING}
    _assert_denied(
        api.post(f"/projects/{project}/datasets/train/updates", json=body), "source.path"
    )
    assert (set(changes.iterdir()) if changes.exists() else set()) == before


def test_an_export_outside_the_export_root_is_refused(api: httpx.Client, shoes: str) -> None:
    for out in ("/etc/cl-export", "/", "/no-such-folder-cl/out.manifest"):
        body = {"format": "groundtruth", "out": out}
        _assert_denied(api.post(f"/projects/{shoes}/datasets/train/exports", json=body), "out")


def test_an_export_replaces_an_existing_file_only_when_asked(
    api: httpx.Client, shoes: str, tmp_path: Path, wait_job
) -> None:
    target = tmp_path / "mine.manifest"
    target.write_text("not ours\n")
    body: dict[str, Any] = {"format": "groundtruth", "out": str(target)}
    refused = api.post(f"/projects/{shoes}/datasets/train/exports", json=body)
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "ResourceAlreadyExists"
    assert str(target) in refused.json()["error"]["message"]
    assert target.read_text() == "not ours\n"

    started = api.post(
        f"/projects/{shoes}/datasets/train/exports", json={**body, "overwrite": True}
    )
    assert started.status_code == 202, started.text
    assert wait_job(api, started.json()["id"])["status"] == "SUCCEEDED"
    assert len(target.read_text().splitlines()) == 50


def test_an_export_into_a_folder_that_is_not_empty_is_refused_unless_asked(
    api: httpx.Client, shoes: str, tmp_path: Path, wait_job
) -> None:
    (tmp_path / "coco").mkdir()
    (tmp_path / "coco" / "keep.txt").write_text("mine")
    body: dict[str, Any] = {"format": "coco", "out": str(tmp_path / "coco")}
    refused = api.post(f"/projects/{shoes}/datasets/train/exports", json=body)
    assert refused.status_code == 409, refused.text
    started = api.post(
        f"/projects/{shoes}/datasets/train/exports", json={**body, "overwrite": True}
    )
    assert wait_job(api, started.json()["id"])["status"] == "SUCCEEDED"
    assert (tmp_path / "coco" / "annotations.json").exists()
    assert (tmp_path / "coco" / "keep.txt").read_text() == "mine"

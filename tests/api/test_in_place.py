"""REST imports in place: a server folder referenced where it lies, for admins inside
import_roots only; a changed file is an entry error and its image a clear refusal."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from PIL import Image
from tests.accounts import key_headers
from tests.api.conftest import Served

from customlabels.services import project_access


def _jpeg(path: Path, color: tuple[int, int, int], size: tuple[int, int] = (64, 48)) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return out.getvalue()


def _project(api: httpx.Client) -> str:
    name = f"inplace-{uuid.uuid4().hex[:8]}"
    assert api.post("/projects", json={"name": name}).status_code == 201
    return name


def _source(folder: Path) -> dict[str, Any]:
    return {"kind": "folder", "path": str(folder), "folder_labels": True, "in_place": True}


def test_an_admin_imports_in_place_and_a_changed_file_is_refused_and_shown_as_an_error(
    api: httpx.Client,
    wait_job: Callable[[httpx.Client, int], dict[str, Any]],
    tmp_path: Path,
) -> None:
    folder = tmp_path / "photos"
    first = _jpeg(folder / "cat" / "one.jpg", (200, 20, 20))
    _jpeg(folder / "dog" / "two.jpg", (20, 200, 20))
    project = _project(api)
    started = api.post(f"/projects/{project}/datasets/train", json={"source": _source(folder)})
    assert started.status_code == 202, started.text
    assert wait_job(api, started.json()["id"])["status"] == "SUCCEEDED"
    entries = f"/projects/{project}/datasets/train/entries"
    listed = {e["source_ref"].rsplit("/", 1)[-1]: e for e in api.get(entries).json()["items"]}
    one = listed["one.jpg"]["id"]
    served = api.get(f"{entries}/{one}/image")
    assert served.status_code == 200 and served.content == first
    assert api.get(f"{entries}/{one}/thumbnail").status_code == 200

    _jpeg(folder / "cat" / "one.jpg", (1, 2, 3), (90, 70))  # same name, other image
    refused = api.get(f"{entries}/{one}/image")
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "SourceFileChanged"
    assert refused.json()["error"]["details"] == {"issue": "ERROR_SOURCE_CHANGED"}
    entry = api.get(f"{entries}/{one}").json()
    assert [i["code"] for i in entry["issues"]] == ["ERROR_SOURCE_CHANGED"]

    # Updating from the folder in place again takes the file as it is now.
    updated = api.post(
        f"/projects/{project}/datasets/train/updates", json={"source": _source(folder)}
    )
    assert updated.status_code == 202, updated.text
    assert wait_job(api, updated.json()["id"])["status"] == "SUCCEEDED"
    again = api.get(f"{entries}/{one}/image")
    assert again.status_code == 200
    assert again.content == (folder / "cat" / "one.jpg").read_bytes()


def test_in_place_outside_the_import_roots_is_refused(api: httpx.Client) -> None:
    project = _project(api)
    refused = api.post(
        f"/projects/{project}/datasets/train",
        json={"source": {"kind": "folder", "path": "/etc", "in_place": True}},
    )
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["code"] == "AccessDenied"
    assert api.get(f"/projects/{project}/datasets/train").status_code == 404


def test_an_editor_of_the_project_may_not_import_a_server_folder_in_place(
    api: httpx.Client, served: Served, tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    _jpeg(folder / "a.jpg", (9, 9, 9))
    project = _project(api)
    editor = f"ed-{uuid.uuid4().hex[:6]}"
    headers = key_headers(served.ctx, editor, "editor")
    project_access.grant(served.ctx, project, editor, "editor")
    with httpx.Client(base_url=served.base_url + "/api/v1", headers=headers) as client:
        refused = client.post(
            f"/projects/{project}/datasets/train", json={"source": _source(folder)}
        )
        assert refused.status_code == 403, refused.text
        assert "only admins may name paths on the server" in refused.json()["error"]["message"]
        update = client.post(
            f"/projects/{project}/datasets/train/updates", json={"source": _source(folder)}
        )
        assert update.status_code in (403, 404), update.text

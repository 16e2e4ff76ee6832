"""The rule for server paths named by REST requests, on real folders and symlinks."""

from __future__ import annotations

from pathlib import Path

import pytest

from customlabels.config import Settings
from customlabels.errors import AccessDenied, InvalidInput
from customlabels.services.server_paths import (
    inside_roots,
    local_path_fields,
    restrict_export_out,
    restrict_source,
)


def _inside(value: str, roots: list[Path]) -> Path:
    return inside_roots(value, roots, field="source.path", setting="import_roots")


def test_a_path_inside_a_root_gives_its_real_path(tmp_path: Path) -> None:
    (tmp_path / "a" / "real").mkdir(parents=True)
    (tmp_path / "a" / "link").symlink_to(tmp_path / "a" / "real")
    roots = [tmp_path / "b", tmp_path / "a"]
    assert _inside(str(tmp_path / "a" / "link" / "x.jpg"), roots) == tmp_path / "a/real/x.jpg"
    assert _inside(str(tmp_path / "a"), roots) == tmp_path / "a"


def test_a_relative_path_is_taken_relative_to_the_first_root(tmp_path: Path) -> None:
    assert _inside("sub/x.manifest", [tmp_path, Path("/")]) == tmp_path / "sub" / "x.manifest"


def test_outside_paths_and_symlinks_out_are_denied_with_one_message(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "out").symlink_to(tmp_path)
    (root / "loop").symlink_to(root / "loop")
    messages = set()
    outside = ["/etc/passwd", "/etc/missing", str(root / "out" / "x"), str(root) + "x", "/"]
    for value in [*outside, str(root / "loop" / "x"), "/etc/a\0b"]:
        with pytest.raises(AccessDenied) as denied:
            _inside(value, [root])
        messages.add((denied.value.message, tuple(denied.value.details.items())))
    assert messages == {
        (
            "source.path is not inside a folder the REST API may use (setting import_roots)",
            (("field", "source.path"),),
        )
    }


def test_dot_dot_and_no_roots_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"source.path may not contain '\.\.'"):
        _inside(str(tmp_path / "a" / ".." / "a"), [tmp_path])
    with pytest.raises(AccessDenied):
        _inside(str(tmp_path / "a"), [])


def test_only_sources_reading_local_files_name_server_paths() -> None:
    assert local_path_fields({"kind": "manifest", "path": "/m", "root": "/r"}) == ["path", "root"]
    assert local_path_fields({"kind": "folder", "path": "/f", "root": None}) == ["path"]
    assert local_path_fields({"kind": "manifest", "path": "s3://b/x.manifest", "root": "/"}) == []
    assert local_path_fields({"kind": "s3", "uri": "s3://b/p/"}) == []
    assert local_path_fields({"kind": "dataset", "project": "p", "type": "train"}) == []


def test_the_default_roots_are_in_the_data_dir_and_made_when_first_used(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    assert not (tmp_path / "data").exists()  # nothing made by reading the settings
    imports, exports = tmp_path / "data" / "imports", tmp_path / "data" / "exports"
    checked = restrict_source(settings, {"kind": "folder", "path": "photos"})
    assert checked == {"kind": "folder", "path": str(imports.resolve() / "photos")}
    assert imports.is_dir()
    assert restrict_export_out(settings, "out.manifest") == str(exports.resolve() / "out.manifest")
    assert restrict_export_out(settings, "s3://bucket/x/") == "s3://bucket/x/"
    with pytest.raises(AccessDenied):
        restrict_export_out(settings, str(imports / "x"))


def test_an_empty_import_roots_list_allows_no_server_path(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, import_roots=[])
    with pytest.raises(AccessDenied):
        restrict_source(settings, {"kind": "folder", "path": str(tmp_path)})


def test_roots_are_read_from_the_environment_as_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUSTOMLABELS_IMPORT_ROOTS", '["/a", "/b"]')
    monkeypatch.setenv("CUSTOMLABELS_EXPORT_ROOT", "/c")
    settings = Settings(data_dir=tmp_path)
    assert settings.resolved_import_roots == [Path("/a"), Path("/b")]
    assert settings.resolved_export_root == Path("/c")

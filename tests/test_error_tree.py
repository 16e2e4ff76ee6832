"""One exception tree: format errors belong to it, and the pure packages stay pure."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from customlabels import errors
from customlabels.formats.coco import read_coco
from customlabels.formats.errors import FormatError

PACKAGE = Path(errors.__file__).resolve().parent
# What the pure packages may import of the package besides themselves: the tree's root.
PURE_MAY_IMPORT = {"customlabels.error_base"}


def _package_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name == "customlabels" or name.startswith("customlabels.")}


def test_a_format_error_is_a_400_invalid_format_of_the_one_tree(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(errors.CustomLabelsError) as caught:
        list(read_coco(broken, tmp_path))
    assert isinstance(caught.value, FormatError)
    assert errors.FormatError is FormatError
    assert caught.value.status == 400
    body = caught.value.body()["error"]
    assert body["code"] == "InvalidFormat"
    assert "broken.json" in body["message"]


def test_a_format_error_is_still_a_value_error_for_callers_that_catch_one() -> None:
    assert issubclass(FormatError, ValueError)


@pytest.mark.parametrize("package", ["formats", "imaging"])
def test_the_pure_packages_import_nothing_of_ours_but_the_error_root(package: str) -> None:
    own = f"customlabels.{package}"
    strays = {
        f"{path.name}: {name}"
        for path in sorted((PACKAGE / package).rglob("*.py"))
        for name in _package_imports(path)
        if not (name == own or name.startswith(own + ".")) and name not in PURE_MAY_IMPORT
    }
    assert not strays, f"{own} must stay pure: {sorted(strays)}"


def test_the_error_root_imports_nothing_of_the_package() -> None:
    assert _package_imports(PACKAGE / "error_base.py") == set()

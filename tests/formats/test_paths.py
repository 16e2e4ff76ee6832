"""RootResolver resolves references as resolve_under_root does, folder real paths cached."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from customlabels.formats.paths import PathOutsideRoot, RootResolver, resolve_under_root

REFERENCES = [
    "x.png",
    "b/x.png",
    "b/sub/y.png",
    "b/sub/../x.png",
    "b/./x.png",
    "b//x.png",
    "./x.png",
    "b",
    "b/",
    ".",
    "..",
    "../out/s.png",
    "../root/x.png",
    "../root",
    "lnk.png",
    "in.png",
    "outdir/s.png",
    "outdir/../root/x.png",
    "bdir/x.png",
    "bdir/../x.png",
    "dangling",
    "missing.png",
    "nodir/x.png",
    "x.png/y",
    "/etc/passwd",
    "\\x",
    "",
]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    (root / "b" / "sub").mkdir(parents=True)
    (root / "x.png").write_bytes(b"x")
    (root / "b" / "x.png").write_bytes(b"bx")
    (root / "b" / "sub" / "y.png").write_bytes(b"y")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "s.png").write_bytes(b"s")
    os.symlink(tmp_path / "out" / "s.png", root / "lnk.png")
    os.symlink(root / "x.png", root / "in.png")
    os.symlink(tmp_path / "out", root / "outdir")
    os.symlink(root / "b", root / "bdir")
    os.symlink(root / "nothing", root / "dangling")
    return root


def _outcome(resolve, reference: str) -> str:
    try:
        return str(resolve(reference))
    except PathOutsideRoot:
        return "refused"


@pytest.mark.parametrize("through_link", [False, True])
def test_references_resolve_and_are_refused_exactly_as_resolve_under_root_says(
    root: Path, tmp_path: Path, through_link: bool
):
    if through_link:  # a root named through a symlink resolves the same
        os.symlink(root, tmp_path / "root-link")
        root = tmp_path / "root-link"
    resolver = RootResolver(root)
    for _ in range(2):  # the second round reads the cached folders
        for reference in REFERENCES:
            expected = _outcome(lambda r: resolve_under_root(root, r), reference)
            assert _outcome(lambda r: resolver.resolve(r)[0], reference) == expected, reference


def test_the_stat_handed_back_is_the_files_own_and_none_for_symlinks(root: Path):
    resolver = RootResolver(root)
    path, st = resolver.resolve("b/x.png")
    assert st is not None and st.st_ino == os.stat(root / "b" / "x.png").st_ino
    assert resolver.resolve("in.png") == (str(root / "x.png"), None)
    assert resolver.resolve("missing.png") == (str(root / "missing.png"), None)

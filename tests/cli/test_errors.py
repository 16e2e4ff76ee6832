"""Every failing command exits non-zero with one line naming what was wrong, no traceback."""

from __future__ import annotations

from .helpers import DataDir

CASES = {
    "bad project name": (["project", "create", "no/slashes"], "no/slashes"),
    "missing project": (["dataset", "describe", "nosuch", "train"], "nosuch"),
    "missing folder": (
        ["dataset", "create", "shoes", "test", "--from-folder", "/nonexistent/photos"],
        "/nonexistent/photos",
    ),
    "two sources": (
        ["dataset", "create", "shoes", "test", "--from-folder", "/tmp", "--from-yolo", "/tmp"],
        "--from-yolo",
    ),
    "bad format": (
        ["dataset", "export", "shoes", "train", "--format", "bogus", "--out", "/tmp/x"],
        "bogus",
    ),
    "missing option": (["dataset", "export", "shoes", "train", "--out", "/tmp/x"], "format"),
}


def test_failing_commands_print_one_line_naming_the_problem(cli_all, shoes_dir: DataDir) -> None:
    runs = cli_all([args for args, _ in CASES.values()], data_dir=shoes_dir, ok=None)
    for (case, (_, named)), done in zip(CASES.items(), runs, strict=True):
        assert done.returncode != 0, case
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, f"{case}: {done.stderr}"
        assert named in lines[0], f"{case}: {lines[0]}"
        assert "Traceback" not in done.stderr + done.stdout, case


def test_worker_with_an_unreachable_redis_fails_at_start(cli, empty_dir: DataDir) -> None:
    done = cli(
        "worker",
        data_dir=empty_dir,
        env={"CUSTOMLABELS_REDIS_URL": "redis://127.0.0.1:1/0"},
        ok=False,
    )
    [line] = done.stderr.strip().splitlines()
    assert "redis://127.0.0.1:1/0" in line
    assert "Traceback" not in done.stderr

"""Validation of the names users give: projects, datasets, labels."""

from __future__ import annotations

import re

from customlabels.errors import InvalidInput
from customlabels.formats.label_names import label_name_problem

PROJECT_NAME = re.compile(r"[a-zA-Z0-9_.-]{1,255}")
DATASET_TYPES = ("TRAIN", "TEST")


def check_project_name(name: str) -> str:
    if not PROJECT_NAME.fullmatch(name):
        raise InvalidInput(
            f"invalid project name {name!r}: use 1-255 characters of a-z, A-Z, 0-9, '_', '.', '-'"
        )
    return name


def dataset_type(value: str) -> str:
    upper = value.upper()
    if upper not in DATASET_TYPES:
        raise InvalidInput(f"invalid dataset type {value!r}: use train or test")
    return upper


def check_label_name(name: str) -> str:
    """``name`` when it may be a label name; InvalidInput naming what is wrong otherwise."""
    if not isinstance(name, str) or not 1 <= len(name) <= 255:
        raise InvalidInput("a label name must have 1 to 255 characters")
    problem = label_name_problem(name)
    if problem is not None:
        raise InvalidInput(f"{problem}: {name!r}", {"name": name})
    return name


COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def check_color(color: str) -> str:
    if not COLOR.fullmatch(color):
        raise InvalidInput(f"invalid colour {color!r}: use #rrggbb")
    return color.lower()


VERSION_NAME = re.compile(r"[a-zA-Z0-9_.\-]{1,255}")


def check_version_name(name: str) -> str:
    """Model version names follow the hosted VersionName rule (as project names do)."""
    if not VERSION_NAME.fullmatch(name):
        raise InvalidInput(
            f"invalid version name {name!r}: use 1-255 characters of a-z, A-Z, 0-9, '_', '.', '-'"
        )
    return name

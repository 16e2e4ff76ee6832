"""Server paths named by REST requests: only inside the folders the settings allow.

A REST body may name files on the server (a folder or manifest to import, the root its
images are found under, a folder to export to). Unchecked, that reads and writes any file
the server can: a manifest at ``/etc/passwd`` would turn its lines into entries the API
shows. So each such path, resolved with its symlinks followed, must lie inside one of
``import_roots`` (reading) or under ``export_root`` (writing).

The refusal is the same error with the same message whether the path exists or not, so
it tells nothing of the files outside the roots. ``..`` is refused outright: resolving it
follows symlinks outside the roots first, so whether ``/out/x/../../root/a`` is accepted
would say where ``/out/x`` points.

The CLI is the operator's own tool and reads and writes any path: only the API layer calls
this module, and the services it calls stay unrestricted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path, PurePath
from typing import Any

from customlabels.config import Settings
from customlabels.errors import AccessDenied, InvalidInput
from customlabels.services.imports.s3_sources import is_s3_source
from customlabels.storage.s3 import is_s3_uri

# Source fields that name a local path, for every kind that reads local files.
LOCAL_PATH_FIELDS = ("path", "root")


def inside_roots(value: str, roots: Sequence[Path], *, field: str, setting: str) -> Path:
    """The real path of ``value`` when it lies inside one of ``roots``, else AccessDenied.

    A relative ``value`` is taken relative to the first root. The error names the field
    and the setting, never the path nor anything learnt of it.
    """
    if ".." in PurePath(value).parts:
        raise InvalidInput(f"{field} may not contain '..': name the path itself")
    denied = AccessDenied(
        f"{field} is not inside a folder the REST API may use (setting {setting})",
        {"field": field},
    )
    if not roots or "\0" in value:
        raise denied
    try:
        real = (roots[0] / value).resolve(strict=False)  # an absolute value replaces roots[0]
        real_roots = [root.resolve(strict=False) for root in roots]
    except (OSError, RuntimeError):  # a symlink loop: say no more than for any other path
        raise denied from None
    if not any(real == root or root in real.parents for root in real_roots):
        raise denied
    return real


def import_roots(settings: Settings) -> list[Path]:
    """The folders REST imports may read; the default one is made on first use, so that the
    operator finds where to put files."""
    roots = settings.resolved_import_roots
    if settings.import_roots is None:
        roots[0].mkdir(parents=True, exist_ok=True)
    return roots


def export_root(settings: Settings) -> Path:
    """The folder REST exports may write under, made on first use."""
    root = settings.resolved_export_root
    root.mkdir(parents=True, exist_ok=True)
    return root


def local_path_fields(source: Mapping[str, Any]) -> list[str]:
    """The fields of an import source that name a path on this server (none for S3 sources
    and dataset copies, which read no local file)."""
    if is_s3_source(dict(source)) or source.get("kind") == "dataset":
        return []
    return [name for name in LOCAL_PATH_FIELDS if source.get(name) not in (None, "")]


def restrict_source(settings: Settings, source: Mapping[str, Any]) -> dict[str, Any]:
    """``source`` with each local path checked against ``import_roots`` and replaced by its
    real path (so the import reads what was checked)."""
    checked = dict(source)
    fields = local_path_fields(source)
    if fields:
        roots = import_roots(settings)
        for name in fields:
            value = source[name]
            if not isinstance(value, str):
                raise InvalidInput(f"source.{name} must be a string")
            checked[name] = str(
                inside_roots(value, roots, field=f"source.{name}", setting="import_roots")
            )
    return checked


def is_server_path(out: str) -> bool:
    """Whether an export target is a path on this server (not an S3 URI)."""
    return not is_s3_uri(out)


def restrict_export_out(settings: Settings, out: str) -> str:
    """``out`` checked to lie under ``export_root`` (its real path); S3 URIs pass as they are."""
    if not is_server_path(out):
        return out
    root = export_root(settings)
    return str(inside_roots(out, [root], field="out", setting="export_root"))

"""The API's gate for requests that name paths on the server (imports and exports).

Every route whose body may name a server path passes it through :func:`checked_source` or
:func:`checked_export_out`; both call :func:`require_server_path_rights` first, only when
a server path is actually named (S3 sources, dataset copies and uploaded lines need none).
The services they then call are unrestricted: the CLI uses them with any path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from customlabels.services import server_paths
from customlabels.services.context import Context


def require_server_path_rights(ctx: Context) -> None:
    """The one place that decides who may name server paths at all.

    Accounts (issue "who may do what") go here: only admins may use server paths, so this
    will take the signed-in user and raise AccessDenied for any other role. Until accounts
    exist, everyone may, inside the allowed folders that the callers check.
    """


def checked_source(ctx: Context, source: Mapping[str, Any]) -> dict[str, Any]:
    """An import source whose server paths lie inside ``import_roots`` (real paths)."""
    if server_paths.local_path_fields(source):
        require_server_path_rights(ctx)
    return server_paths.restrict_source(ctx.settings, source)


def checked_export_out(ctx: Context, out: str) -> str:
    """An export target under ``export_root`` (its real path), or an S3 URI as it is."""
    if server_paths.is_server_path(out):
        require_server_path_rights(ctx)
    return server_paths.restrict_export_out(ctx.settings, out)

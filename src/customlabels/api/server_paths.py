"""The API's gate for requests that name paths on the server (imports and exports).

Every route whose body may name a server path passes it through :func:`checked_source` or
:func:`checked_export_out`; both call :func:`require_server_path_rights` first, only when
a server path is actually named (S3 sources, dataset copies and uploaded lines need none).
The services they then call are unrestricted: the CLI uses them with any path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from customlabels.errors import AccessDenied
from customlabels.services import server_paths
from customlabels.services.context import Context
from customlabels.services.principals import Principal
from customlabels.services.roles import Role


def require_server_path_rights(principal: Principal) -> None:
    """The one place that decides who may name server paths at all: admins only (everyone
    else brings files by upload or from S3), and they only inside the allowed folders."""
    if principal.role != Role.ADMIN:
        raise AccessDenied(
            "only admins may name paths on the server: upload the files, or import from S3"
        )


def checked_source(ctx: Context, principal: Principal, source: Mapping[str, Any]) -> dict[str, Any]:
    """An import source whose server paths lie inside ``import_roots`` (real paths)."""
    if server_paths.local_path_fields(source):
        require_server_path_rights(principal)
    return server_paths.restrict_source(ctx.settings, source)


def checked_export_out(ctx: Context, principal: Principal, out: str) -> str:
    """An export target under ``export_root`` (its real path), or an S3 URI as it is."""
    if server_paths.is_server_path(out):
        require_server_path_rights(principal)
    return server_paths.restrict_export_out(ctx.settings, out)

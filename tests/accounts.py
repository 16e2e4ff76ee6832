"""Users and credentials for tests, made through the service functions as the CLI makes them."""

from __future__ import annotations

from customlabels.errors import AlreadyExists
from customlabels.services import accounts, api_keys
from customlabels.services.context import Context


def ensure_user(ctx: Context, name: str, role: str, password: str | None = None) -> None:
    try:
        accounts.create_user(ctx, name, role, password)
    except AlreadyExists:
        accounts.set_role(ctx, name, role)


def key_headers(ctx: Context, name: str = "admin", role: str = "admin") -> dict[str, str]:
    """An Authorization header with a new API key of ``name`` (made with ``role`` if new)."""
    ensure_user(ctx, name, role)
    key = api_keys.create_key(ctx, name)
    return {"Authorization": f"Bearer {key.access_key_id}:{key.secret_access_key}"}

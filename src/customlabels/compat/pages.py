"""Pagination of the compatible API: ``MaxResults`` and opaque ``NextToken`` values."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from customlabels.compat.errors import CompatError, invalid_parameter

T = TypeVar("T")


def encode_token(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode()


def decode_token(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        raise CompatError("InvalidPaginationTokenException", "the NextToken is not valid") from None


def max_results(params: dict[str, Any], limit_max: int) -> int:
    """``MaxResults`` checked (1 to ``limit_max``), or ``limit_max`` when not given."""
    limit = params.get("MaxResults", limit_max)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= limit_max:
        raise invalid_parameter(f"MaxResults must be 1 to {limit_max}")
    return limit


def page_of(
    items: Sequence[T], params: dict[str, Any], key: Callable[[T], str], limit_max: int
) -> tuple[list[T], str | None]:
    """One page of ``items`` (already in order) after the token's item, and the next token.

    For short lists held whole (projects, versions); entry listings page in the database.
    """
    limit = max_results(params, limit_max)
    start = 0
    token = params.get("NextToken")
    if token:
        after = decode_token(token)
        keys = [key(i) for i in items]
        if after not in keys:
            raise CompatError("InvalidPaginationTokenException", "the NextToken is not valid")
        start = keys.index(after) + 1
    page = list(items[start : start + limit])
    more = start + limit < len(items)
    return page, encode_token(key(page[-1])) if more and page else None

"""Tags on resources, by ARN (TagResource, UntagResource, ListTagsForResource).

The caller resolves the ARN to a resource that exists (compat/shapes.py does); this module
keeps the hosted service's rules: keys of 1-128 characters not starting with ``aws:``,
values of 0-256, at most 50 tags on a resource.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from customlabels.db.tables import ResourceTag
from customlabels.errors import InvalidInput, TooLarge
from customlabels.services.context import Context

MAX_TAGS = 50


def _check(tags: dict[str, str]) -> None:
    for key, value in tags.items():
        if not isinstance(key, str) or not 1 <= len(key) <= 128:
            raise InvalidInput(f"a tag key has 1 to 128 characters: {key!r}")
        if key.lower().startswith("aws:"):
            raise InvalidInput(f"tag keys starting with 'aws:' are reserved: {key!r}")
        if not isinstance(value, str) or len(value) > 256:
            raise InvalidInput(f"the value of tag {key!r} has 0 to 256 characters")


def tag_resource(ctx: Context, arn: str, tags: dict[str, str]) -> None:
    """Add ``tags`` to the resource, replacing the values of keys it has already."""
    _check(tags)
    with ctx.db.write() as session:
        session.execute(
            delete(ResourceTag).where(ResourceTag.arn == arn, ResourceTag.key.in_(list(tags)))
        )
        held = (
            session.scalar(
                select(func.count()).select_from(ResourceTag).where(ResourceTag.arn == arn)
            )
            or 0
        )
        if held + len(tags) > MAX_TAGS:
            raise TooLarge(f"a resource has at most {MAX_TAGS} tags; this one would have more")
        session.add_all(ResourceTag(arn=arn, key=k, value=v) for k, v in tags.items())


def untag_resource(ctx: Context, arn: str, keys: Iterable[str]) -> None:
    """Remove the tags of ``keys`` (keys the resource lacks are no error, as in the service)."""
    with ctx.db.write() as session:
        session.execute(
            delete(ResourceTag).where(ResourceTag.arn == arn, ResourceTag.key.in_(list(keys)))
        )


def list_tags(ctx: Context, arn: str) -> dict[str, str]:
    with ctx.db.read() as session:
        rows = session.execute(
            select(ResourceTag.key, ResourceTag.value)
            .where(ResourceTag.arn == arn)
            .order_by(ResourceTag.key)
        ).all()
    return {key: value for key, value in rows}


def forget(session: Session, arn: str) -> None:
    """Drop the tags of a resource being deleted and of everything under its ARN (a
    project's versions and datasets), in the deletion's transaction, so none outlive it."""
    session.execute(
        delete(ResourceTag).where(
            or_(ResourceTag.arn == arn, ResourceTag.arn.startswith(arn + "/", autoescape=True))
        )
    )

"""The one exception the format readers raise; a member of the package's exception tree."""

from __future__ import annotations

# The one import of the package that ``formats`` may make: the tree's root lives in a
# module of its own that imports nothing, so ``formats`` stays pure.
from customlabels.error_base import CustomLabelsError


class FormatError(CustomLabelsError, ValueError):
    """An annotation file is structurally broken (bad JSON/YAML/XML, wrong shape).

    The message names the file and what is wrong. Problems with a single image or a single
    annotation are not raised: they become :class:`~customlabels.formats.records.EntryIssue`
    on the record, so one bad line never loses a whole import. It is still a ``ValueError``
    (what it was before it joined the tree), so callers that catch that keep working.
    """

    status = 400
    code = "InvalidFormat"

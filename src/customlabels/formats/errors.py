"""The one exception the format readers raise."""

from __future__ import annotations


class FormatError(ValueError):
    """An annotation file is structurally broken (bad JSON/YAML/XML, wrong shape).

    The message names the file and what is wrong. Problems with a single image or a single
    annotation are not raised: they become :class:`~customlabels.formats.records.EntryIssue`
    on the record, so one bad line never loses a whole import.
    """

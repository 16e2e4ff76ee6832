"""The characters a label name may hold, one rule for every way a name comes in.

Names are any characters (the vocabulary rule) except those that make one name look like
another or like nothing: control characters (they break lines, logs and manifests),
bidirectional controls (a U+202E RIGHT-TO-LEFT OVERRIDE shows ``cat\u202egod`` as
``catdog``) and zero-width characters (``cat`` and ``c\u200bat`` look the same; a joiner
inside an emoji sequence is kept, as it is part of the emoji), and names that are blank or
only whitespace.
"""

from __future__ import annotations

import unicodedata

from customlabels.formats.records import EntryIssue, ImportRecord

# Bidirectional embeddings, overrides, isolates and marks.
_BIDI = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
# Zero-width space, non-joiner, joiner, word joiner, and the byte-order mark.
_ZERO_WIDTH = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF}
_ZWJ = "\u200d"


def _joins_emoji(name: str, position: int) -> bool:
    """Whether the zero-width joiner at ``position`` joins an emoji sequence (🐈\u200d⬛ is
    a black cat), where it is part of what the name shows rather than hiding anything."""
    before = name[position - 1] if position else ""
    after = name[position + 1] if position + 1 < len(name) else ""
    # An emoji, or the variation selector / skin-tone modifier that may end one.
    joinable = ("So", "Sk")
    return (
        bool(before)
        and (unicodedata.category(before) in joinable or before == "\ufe0f")
        and bool(after)
        and unicodedata.category(after) in joinable
    )


def _character_name(char: str) -> str:
    # Control characters have no Unicode name; their category says what they are.
    return unicodedata.name(char, "control character")


def label_name_problem(name: str) -> str | None:
    """Why ``name`` may not be a label name (its length aside), or None when it may."""
    if not name.strip():
        return "label name is blank" if not name else "label name is only whitespace"
    for position, char in enumerate(name):
        code = ord(char)
        kind = (
            "a control character"
            if unicodedata.category(char) == "Cc"
            else "a bidirectional control"
            if code in _BIDI
            else "a zero-width character"
            if code in _ZERO_WIDTH and not (char == _ZWJ and _joins_emoji(name, position))
            else None
        )
        if kind is not None:
            return (
                f"label name contains U+{code:04X} {_character_name(char)} at position "
                f"{position} ({kind})"
            )
    return None


#: The hosted service's code for a label attribute it can't use; the message says why.
ERROR_INVALID_LABEL_NAME = "ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT"


def screen_label_names(record: ImportRecord) -> None:
    """Drop the image-level labels and boxes of ``record`` whose names may not be label
    names, each with an issue saying why: the entry keeps the rest (one line's error, as
    manifests report them), and no such name enters the vocabulary from any import format."""
    problems = {
        name: problem
        for name in {*record.labels, *(b.label for b in record.boxes)}
        if (problem := label_name_problem(name)) is not None
    }
    if not problems:
        return
    record.labels = [n for n in record.labels if n not in problems]
    record.boxes = [b for b in record.boxes if b.label not in problems]
    for name, problem in sorted(problems.items()):
        record.issues.append(
            EntryIssue(ERROR_INVALID_LABEL_NAME, f"The {problem}: {name!r}; it was left out.")
        )

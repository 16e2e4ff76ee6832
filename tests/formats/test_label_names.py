"""Label names refuse characters that hide or disguise what a name says."""

from __future__ import annotations

import pytest

from customlabels.formats.label_names import label_name_problem, screen_label_names
from customlabels.formats.records import Box, ImportRecord


@pytest.mark.parametrize(
    "name",
    ["cat", "Echo Dot", "chat noir", "猫", "café", "a-b_c.d", " padded ", "emoji 🐱", "עברית"],
)
def test_ordinary_names_in_any_script_are_accepted(name: str) -> None:
    assert label_name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("cat\u202edog", "U+202E RIGHT-TO-LEFT OVERRIDE at position 3 (a bidirectional control)"),
        ("\u202acat", "U+202A LEFT-TO-RIGHT EMBEDDING at position 0"),
        ("ca\u2066t", "U+2066 LEFT-TO-RIGHT ISOLATE at position 2"),
        ("cat\u2069", "U+2069 POP DIRECTIONAL ISOLATE at position 3"),
        ("c\u200eat", "U+200E LEFT-TO-RIGHT MARK at position 1"),
        ("c\u200fat", "U+200F RIGHT-TO-LEFT MARK at position 1"),
        ("c\u061cat", "U+061C ARABIC LETTER MARK at position 1"),
        ("c\u200bat", "U+200B ZERO WIDTH SPACE at position 1 (a zero-width character)"),
        ("c\u200cat", "U+200C ZERO WIDTH NON-JOINER at position 1"),
        ("c\u200dat", "U+200D ZERO WIDTH JOINER at position 1"),
        ("c\u2060at", "U+2060 WORD JOINER at position 1"),
        ("\ufeffcat", "U+FEFF ZERO WIDTH NO-BREAK SPACE at position 0"),
        ("cat\x00", "U+0000 control character at position 3 (a control character)"),
        ("two\nlines", "U+000A control character at position 3"),
        ("tab\there", "U+0009 control character at position 3"),
        ("del\x7f", "U+007F control character at position 3"),
        ("c\x85at", "U+0085 control character at position 1"),
    ],
)
def test_hidden_and_disguising_characters_are_named_with_their_position(
    name: str, problem: str
) -> None:
    found = label_name_problem(name)
    assert found is not None and found.startswith("label name contains ")
    assert problem in found


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "label name is blank"),
        ("   ", "label name is only whitespace"),
        ("\u3000", "label name is only whitespace"),
    ],
)
def test_blank_names_are_refused(name: str, problem: str) -> None:
    assert label_name_problem(name) == problem


def test_screening_a_record_drops_only_the_bad_names_and_says_why() -> None:
    record = ImportRecord(
        source_ref="a.jpg",
        labels=["cat", "d\u200bog"],
        boxes=[Box("cat", 1, 1, 5, 5), Box("bi\u202ed", 2, 2, 5, 5)],
    )
    screen_label_names(record)
    assert record.labels == ["cat"]
    assert [b.label for b in record.boxes] == ["cat"]
    assert [i.code for i in record.issues] == ["ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT"] * 2
    assert "U+202E RIGHT-TO-LEFT OVERRIDE at position 2" in record.issues[0].message
    assert "U+200B ZERO WIDTH SPACE at position 1" in record.issues[1].message


def test_a_joiner_inside_an_emoji_sequence_is_part_of_the_emoji() -> None:
    assert label_name_problem("\U0001f408\u200d\u2b1b black cat") is None  # 🐈‍⬛
    assert label_name_problem("\U0001f431\u200d\U0001f464 ninja") is None  # 🐱‍👤
    assert label_name_problem("c\u200dat") is not None
    assert label_name_problem("\U0001f408\u200d") is not None

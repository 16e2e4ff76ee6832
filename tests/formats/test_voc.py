"""Pascal VOC: round trip, the VOC2007 file shape, unsafe paths, bad objects, broken XML."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from customlabels.formats.errors import FormatError
from customlabels.formats.records import Box, ExportItem
from customlabels.formats.voc import read_voc, write_voc


def png(size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 30, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def make_item(entry_id: int, name: str, labels=(), boxes=(), size=(64, 48)) -> ExportItem:
    data = png(size)
    return ExportItem(
        entry_id=entry_id,
        source_ref=f"file:///src/{name}",
        labels=list(labels),
        boxes=list(boxes),
        width=size[0],
        height=size[1],
        image_name=name,
        read_upright_image=lambda: data,
    )


def test_write_then_read_returns_the_same_labels_boxes_and_sizes(tmp_path: Path) -> None:
    items = [
        make_item(
            1,
            "a.png",
            ["cat", '<b>&"x"'],
            [Box("cat", 1, 2, 30, 20), Box("dog", 0.5, 1.25, 10.5, 7)],
        ),
        make_item(2, "b.png", [], [Box("dog", 10, 10, 5, 5)], size=(32, 40)),
        make_item(3, "c.png"),
    ]
    summary = write_voc(items, tmp_path, ["cat", "dog"])
    assert (summary.images_written, summary.annotations_written) == (3, 3)

    records = list(read_voc(tmp_path))

    assert [(r.labels, r.boxes, r.image_size) for r in records] == [
        (["cat", '<b>&"x"'], [Box("cat", 1, 2, 30, 20), Box("dog", 0.5, 1.25, 10.5, 7)], (64, 48)),
        ([], [Box("dog", 10, 10, 5, 5)], (32, 40)),
        ([], [], (64, 48)),
    ]
    for record, name in zip(records, ["a.png", "b.png", "c.png"], strict=True):
        expected = (tmp_path / "JPEGImages" / name).resolve()
        assert record.issues == []
        assert record.local_path == str(expected)
        assert record.source_ref == "file://" + expected.as_posix()
    assert (tmp_path / "ImageSets" / "Main" / "train.txt").read_text() == "a\nb\nc\n"


def test_written_coordinates_are_corners_as_integers_when_integral(tmp_path: Path) -> None:
    write_voc([make_item(1, "a.png", [], [Box("cat", 1, 2, 30, 20.5)])], tmp_path, ["cat"])
    xml = (tmp_path / "Annotations" / "a.xml").read_text()
    for expected in (
        "<xmin>1</xmin>",
        "<ymin>2</ymin>",
        "<xmax>31</xmax>",
        "<ymax>22.5</ymax>",
        "<filename>a.png</filename>",
        "<width>64</width>",
        "<height>48</height>",
    ):
        assert expected in xml


def test_reading_a_split_reads_only_the_stems_it_lists(tmp_path: Path) -> None:
    write_voc([make_item(1, "a.png", ["x"])], tmp_path, [], split="train")
    write_voc([make_item(2, "b.png", ["y"])], tmp_path, [], split="val")
    assert [r.labels for r in read_voc(tmp_path, split="val")] == [["y"]]
    assert [r.labels for r in read_voc(tmp_path)] == [["x"], ["y"]]


VOC2007_SAMPLE = """<annotation>
\t<folder>VOC2007</folder>
\t<filename>000001.jpg</filename>
\t<source>
\t\t<database>The VOC2007 Database</database>
\t\t<annotation>PASCAL VOC2007</annotation>
\t\t<image>flickr</image>
\t\t<flickrid>341012865</flickrid>
\t</source>
\t<owner>
\t\t<flickrid>Fried Camels</flickrid>
\t\t<name>Jinky the Fruit Bat</name>
\t</owner>
\t<size>
\t\t<width>353</width>
\t\t<height>500</height>
\t\t<depth>3</depth>
\t</size>
\t<segmented>0</segmented>
\t<object>
\t\t<name>dog</name>
\t\t<pose>Left</pose>
\t\t<truncated>1</truncated>
\t\t<difficult>0</difficult>
\t\t<bndbox>
\t\t\t<xmin>48</xmin>
\t\t\t<ymin>240</ymin>
\t\t\t<xmax>195</xmax>
\t\t\t<ymax>371</ymax>
\t\t</bndbox>
\t</object>
\t<object>
\t\t<name>person</name>
\t\t<pose>Left</pose>
\t\t<truncated>1</truncated>
\t\t<difficult>0</difficult>
\t\t<bndbox>
\t\t\t<xmin>8</xmin>
\t\t\t<ymin>12</ymin>
\t\t\t<xmax>352</xmax>
\t\t\t<ymax>498</ymax>
\t\t</bndbox>
\t</object>
</annotation>
"""


@pytest.mark.parametrize("image_folder", ["JPEGImages", "Annotations"])
def test_reads_a_voc2007_annotation_with_the_image_in_jpegimages_or_next_to_it(
    tmp_path: Path, image_folder: str
) -> None:
    (tmp_path / "Annotations").mkdir()
    (tmp_path / image_folder).mkdir(exist_ok=True)
    (tmp_path / "Annotations" / "000001.xml").write_text(VOC2007_SAMPLE)
    (tmp_path / image_folder / "000001.jpg").write_bytes(png((353, 500)))

    (record,) = read_voc(tmp_path)

    assert record.boxes == [Box("dog", 48, 240, 147, 131), Box("person", 8, 12, 344, 486)]
    assert record.image_size == (353, 500)
    assert record.issues == [] and record.labels == []
    assert record.local_path == str((tmp_path / image_folder / "000001.jpg").resolve())


def annotation(filename: str, objects: str = "") -> str:
    return (
        f"<annotation><filename>{filename}</filename>"
        "<size><width>64</width><height>48</height><depth>3</depth></size>"
        f"{objects}</annotation>"
    )


@pytest.mark.parametrize(
    ("filename", "code"),
    [
        ("../../outside.jpg", "ERROR_INVALID_SOURCE_REF_FORMAT"),
        ("ABSOLUTE", "ERROR_INVALID_SOURCE_REF_FORMAT"),
        ("link.jpg", "ERROR_INVALID_SOURCE_REF_FORMAT"),
        ("missing.jpg", "ERROR_INVALID_IMAGE"),
    ],
)
def test_an_unsafe_or_missing_image_gives_an_issue_not_an_exception(
    tmp_path: Path, filename: str, code: str
) -> None:
    root = tmp_path / "voc"
    (root / "Annotations").mkdir(parents=True)
    (root / "JPEGImages").mkdir()
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(png())
    (root / "JPEGImages" / "link.jpg").symlink_to(outside)
    if filename == "ABSOLUTE":
        filename = str(outside)
    obj = (
        "<object><name>cat</name><bndbox><xmin>1</xmin><ymin>1</ymin>"
        "<xmax>5</xmax><ymax>5</ymax></bndbox></object>"
    )
    (root / "Annotations" / "a.xml").write_text(annotation(filename, obj))

    (record,) = read_voc(root)

    assert [issue.code for issue in record.issues] == [code]
    assert record.local_path is None
    assert record.boxes == [Box("cat", 1, 1, 4, 4)]


def test_bad_objects_are_dropped_with_issues_and_the_rest_kept(tmp_path: Path) -> None:
    (tmp_path / "Annotations").mkdir()
    (tmp_path / "JPEGImages").mkdir()
    (tmp_path / "JPEGImages" / "a.jpg").write_bytes(png())

    def obj(name: str, box: str) -> str:
        return f"<object><name>{name}</name>{box}</object>"

    good = "<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox>"
    inverted = "<bndbox><xmin>9</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox>"
    words = "<bndbox><xmin>a</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox>"
    objects = (
        obj("cat", good) + obj("cat", inverted) + obj("cat", words) + obj("", good) + obj("cat", "")
    )
    (tmp_path / "Annotations" / "a.xml").write_text(annotation("a.jpg", objects))

    (record,) = read_voc(tmp_path)

    assert record.boxes == [Box("cat", 1, 1, 4, 4)]
    assert [issue.code for issue in record.issues] == ["ERROR_INVALID_BOUNDING_BOX"] * 4


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<annotation><filename>&lol2;</filename></annotation>
"""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<annotation><filename>a.jpg</filename>", "invalid XML"),
        ("<notvoc/>", "expected <annotation>"),
        (BILLION_LAUGHS, "refused XML"),
    ],
)
def test_a_broken_xml_raises_format_error_naming_the_file(
    tmp_path: Path, content: str, message: str
) -> None:
    (tmp_path / "Annotations").mkdir()
    path = tmp_path / "Annotations" / "a.xml"
    path.write_text(content)
    with pytest.raises(FormatError, match=message) as error:
        list(read_voc(tmp_path))
    assert str(path) in str(error.value)


def test_a_folder_without_annotations_raises_format_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="Annotations"):
        list(read_voc(tmp_path))


def test_an_escaping_name_reads_the_same_whether_the_file_outside_exists_or_not(
    tmp_path: Path,
) -> None:
    # JPEGImages/../../x.jpg and Annotations/../../x.jpg are both outside the root; were
    # they probed, the refused record's name would tell which one exists.
    root = tmp_path / "voc"
    (root / "Annotations").mkdir(parents=True)
    (root / "Annotations" / "a.xml").write_text(annotation("../../x.jpg"))
    (missing,) = read_voc(root)
    (tmp_path / "x.jpg").write_bytes(png())
    (existing,) = read_voc(root)

    assert missing.issues[0].code == "ERROR_INVALID_SOURCE_REF_FORMAT"
    assert (existing.source_ref, existing.issues) == (missing.source_ref, missing.issues)

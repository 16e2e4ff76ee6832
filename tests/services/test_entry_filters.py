"""Listing entries: the hosted service's filters, has_boxes, and cursor pages."""

from __future__ import annotations

import base64

import pytest

from customlabels.errors import InvalidInput
from customlabels.services import entries, projects
from customlabels.services.entries import BoxInput
from customlabels.services.entry_query import EntryFilter
from customlabels.services.imports import uploads

from .builders import all_entries, by_ref, jpeg, project_with, ref

GOOD = [
    "cat/one.jpg",
    "cat/two_x.jpg",
    "dog/100%.jpg",
    "dog/Upper.jpg",
    "bird/b.jpg",
    "loose1.jpg",
    "loose2.jpg",
    "loose_3.jpg",
]
BAD = ["cat/broken.jpg", "broken.jpg"]


@pytest.fixture
def gallery(ctx):
    """Eight good images (five with folder labels), two broken ones, and a few boxes."""
    projects.create_project(ctx, "pets")
    files = [uploads.UploadedFile(p, jpeg(color=(n * 20, 0, 0))) for n, p in enumerate(GOOD)]
    files += [uploads.UploadedFile(p, b"") for p in BAD]
    uploads.upload_files(ctx, "pets", "train", files, folder_labels=True)
    found = by_ref(ctx, "pets")
    for path, box in [("loose1.jpg", "fox"), ("dog/Upper.jpg", "cat")]:
        entry = found[ref(path)]
        entries.edit_entry(
            ctx,
            "pets",
            "train",
            entry.id,
            expected_version=entry.version,
            add_boxes=[BoxInput(box, 1, 1, 5, 5)],
        )
    return ctx


def _refs(ctx, flt, **kw):
    return sorted(
        e.source_ref.removeprefix("upload://") for e in all_entries(ctx, "pets", flt=flt, **kw)
    )


FILTER_CASES = [
    (EntryFilter(), sorted(GOOD + BAD)),
    (
        EntryFilter(contains_labels=("cat",)),
        ["cat/broken.jpg", "cat/one.jpg", "cat/two_x.jpg", "dog/Upper.jpg"],
    ),
    (EntryFilter(contains_labels=("fox",)), ["loose1.jpg"]),
    (
        EntryFilter(contains_labels=("dog", "bird")),
        ["bird/b.jpg", "dog/100%.jpg", "dog/Upper.jpg"],
    ),
    (EntryFilter(contains_labels=("bird", "no such label")), ["bird/b.jpg"]),
    (EntryFilter(contains_labels=("no such label",)), []),
    (EntryFilter(contains_labels=("CAT",)), []),
    (
        EntryFilter(labeled=True),
        [
            "bird/b.jpg",
            "cat/broken.jpg",
            "cat/one.jpg",
            "cat/two_x.jpg",
            "dog/100%.jpg",
            "dog/Upper.jpg",
            "loose1.jpg",
        ],
    ),
    (EntryFilter(labeled=False), ["broken.jpg", "loose2.jpg", "loose_3.jpg"]),
    (EntryFilter(source_ref_contains="%"), ["dog/100%.jpg"]),
    (EntryFilter(source_ref_contains="_"), ["cat/two_x.jpg", "loose_3.jpg"]),
    (EntryFilter(source_ref_contains="0%."), ["dog/100%.jpg"]),
    (EntryFilter(source_ref_contains="Upper"), ["dog/Upper.jpg"]),
    (EntryFilter(source_ref_contains="upper"), []),
    (EntryFilter(source_ref_contains="LOOSE"), []),
    (EntryFilter(has_errors=True), ["broken.jpg", "cat/broken.jpg"]),
    (EntryFilter(has_boxes=True), ["dog/Upper.jpg", "loose1.jpg"]),
    (EntryFilter(contains_labels=("cat",), has_errors=True), ["cat/broken.jpg"]),
    (EntryFilter(contains_labels=("cat",), has_boxes=True), ["dog/Upper.jpg"]),
    (EntryFilter(contains_labels=("cat",), source_ref_contains="two"), ["cat/two_x.jpg"]),
    (EntryFilter(labeled=False, source_ref_contains="loose"), ["loose2.jpg", "loose_3.jpg"]),
    (
        EntryFilter(labeled=True, has_errors=False, has_boxes=False, source_ref_contains="o"),
        ["bird/b.jpg", "cat/one.jpg", "cat/two_x.jpg", "dog/100%.jpg"],
    ),
    (EntryFilter(contains_labels=("dog",), labeled=False), []),
]


def test_a_filter_lists_exactly_the_entries_that_match_it(gallery):
    wrong = {
        repr(flt): (found, sorted(expected))
        for flt, expected in FILTER_CASES
        if (found := _refs(gallery, flt)) != sorted(expected)
    }
    assert wrong == {}


def test_entry_ids_restrict_a_listing_to_those_entries(gallery):
    found = by_ref(gallery, "pets")
    wanted = (found[ref("cat/one.jpg")].id, found[ref("loose2.jpg")].id)
    assert _refs(gallery, EntryFilter(entry_ids=wanted)) == ["cat/one.jpg", "loose2.jpg"]
    assert _refs(gallery, EntryFilter(entry_ids=wanted, labeled=True)) == ["cat/one.jpg"]


def test_a_filter_may_name_ten_labels(gallery):
    names = ("cat", "dog", "bird", "fox", "e", "f", "g", "h", "i", "j")
    assert len(_refs(gallery, EntryFilter(contains_labels=names))) == 7


def test_a_filter_naming_eleven_labels_is_refused(ctx):
    with pytest.raises(InvalidInput, match="at most 10 labels"):
        EntryFilter(contains_labels=tuple(f"l{i}" for i in range(11)))


PAGED_FILTERS = [
    EntryFilter(),
    EntryFilter(contains_labels=("cat", "dog", "fox")),
    EntryFilter(contains_labels=("cat",), has_boxes=False),
    EntryFilter(labeled=True),
    EntryFilter(source_ref_contains="o"),
    EntryFilter(has_errors=False, has_boxes=False),
]


def test_pages_cover_every_match_exactly_once_in_a_stable_order(gallery):
    for flt in PAGED_FILTERS:
        _check_pages(gallery, flt)


def _check_pages(gallery, flt):
    everything = [e.id for e in all_entries(gallery, "pets", flt=flt, limit=100)]
    assert everything == sorted(everything)
    assert everything, "the filter should match something"
    for descending in (False, True):
        for limit in (1, 2, 7):
            pages = []
            token = None
            while True:
                page = entries.list_entries(
                    gallery,
                    "pets",
                    "train",
                    flt,
                    next_token=token,
                    limit=limit,
                    descending=descending,
                )
                assert 0 < len(page.entries) <= limit
                pages.append([e.id for e in page.entries])
                token = page.next_token
                if token is None:
                    break
            seen = [i for page in pages for i in page]
            expected = sorted(everything, reverse=descending)
            assert seen == expected, (flt, limit, descending)
            assert len(pages) == -(-len(everything) // limit)


def test_the_same_page_twice_gives_the_same_entries(gallery):
    first = entries.list_entries(gallery, "pets", "train", EntryFilter(), limit=3)
    again = entries.list_entries(gallery, "pets", "train", EntryFilter(), limit=3)
    second = entries.list_entries(
        gallery, "pets", "train", EntryFilter(), limit=3, next_token=first.next_token
    )
    second_again = entries.list_entries(
        gallery, "pets", "train", EntryFilter(), limit=3, next_token=first.next_token
    )
    assert [e.id for e in first.entries] == [e.id for e in again.entries]
    assert [e.id for e in second.entries] == [e.id for e in second_again.entries]
    assert first.next_token == again.next_token


def test_an_empty_dataset_lists_one_empty_page_without_a_token(ctx):
    project_with(ctx, ["a.jpg"])
    page = entries.list_entries(ctx, "pets", "train", EntryFilter(labeled=True))
    assert (page.entries, page.next_token) == ([], None)


def test_an_invalid_page_token_is_refused(gallery):
    tokens = ["not a token!", "zzz", "YQ", "%%%", "YTE6Mjoz"]
    tokens += [base64.urlsafe_b64encode(raw).decode() for raw in (b"x1:2", b"a1", b"\xff\xfe")]
    for token in tokens:
        with pytest.raises(InvalidInput, match="token"):
            entries.list_entries(gallery, "pets", "train", EntryFilter(), next_token=token)


def test_a_page_token_of_the_other_order_is_refused(gallery):
    page = entries.list_entries(gallery, "pets", "train", EntryFilter(), limit=2)
    with pytest.raises(InvalidInput, match="other order"):
        entries.list_entries(
            gallery, "pets", "train", EntryFilter(), next_token=page.next_token, descending=True
        )


def test_a_page_token_of_another_dataset_is_refused(gallery):
    uploads.upload_files(
        gallery, "pets", "test", [uploads.UploadedFile(f"t{i}.jpg", jpeg()) for i in range(3)]
    )
    page = entries.list_entries(gallery, "pets", "test", EntryFilter(), limit=1)
    assert page.next_token is not None
    with pytest.raises(InvalidInput, match="token"):
        entries.list_entries(gallery, "pets", "train", EntryFilter(), next_token=page.next_token)


def test_a_page_size_out_of_range_is_refused(gallery):
    for limit in (0, -1, gallery.settings.page_size_max + 1):
        with pytest.raises(InvalidInput, match="page size"):
            entries.list_entries(gallery, "pets", "train", EntryFilter(), limit=limit)

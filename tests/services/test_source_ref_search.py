"""The source-ref substring filter: exact, case-sensitive, literal, through the trigram index.

Every search is checked against the plain answer (the entries whose source-ref holds the
substring, by Python's ``in``), in id order. The ``plan`` fixture runs each test twice:
with the real budgets, and with budgets of one or two rows so that every page alternates
between the id-order scan and the trigram index many times, and a stale index (triggers
missing a write) would lose or invent entries. On SQLite, new entries wait in a pending
table until 256 of them are indexed together; the second run indexes the test's entries
first, so both states are searched and then written to.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text, update

from customlabels.db.tables import Entry
from customlabels.services import datasets, entries, entry_query, projects, runner, split
from customlabels.services.entry_query import EntryFilter
from customlabels.services.imports.start import start_dataset_create

from .builders import all_entries, jpeg, project_with

COMMON = [f"common/img_{n:02d}.jpg" for n in range(40)]
# The rare refs sit between common ones, so pages and scans cross them mid-way.
PATHS = [
    *COMMON[:15],
    "rare/needle-Q7.jpg",
    *COMMON[15:30],
    "other/needle-q7.jpg",
    *COMMON[30:],
    "rare/last-Needle.jpg",
]
SUBSTRINGS = [
    "needle-Q7",  # one entry
    "needle-q7",  # the other one: case matters
    "eedle-",  # both of them
    "Needle",  # the last entry only
    "NEEDLE",  # none
    "img_",  # 40 of 43
    "common/img_1",  # 10
    "/img_07.",  # one
    "upload://",  # all
    "no such thing",  # none
]


@pytest.fixture(params=["budgets", "tiny-budgets-indexed"])
def plan(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "tiny-budgets-indexed":
        monkeypatch.setattr(entry_query, "SCAN_BUDGET", 1)
        monkeypatch.setattr(entry_query, "INDEX_BUDGET", 1)
        monkeypatch.setattr(entry_query, "INDEX_BUDGET_MAX", 2)
        monkeypatch.setattr(entry_query, "GROWTH", 2)
    return request.param


@pytest.fixture
def pets(ctx, plan):
    """43 uploads with folder labels (common, rare, other) in the TRAIN dataset of "pets"."""
    project_with(ctx, PATHS)
    if plan == "tiny-budgets-indexed":
        index_pending(ctx)
    return ctx


def index_pending(ctx) -> None:
    """SQLite: index the pending entries now, as the 256th pending entry would."""
    if ctx.db.is_sqlite:
        with ctx.db.write() as session:
            session.execute(
                text(
                    "INSERT INTO entries_source_ref_fts (rowid, source_ref) SELECT id, source_ref "
                    "FROM entries WHERE id IN (SELECT id FROM entries_source_ref_fts_pending)"
                )
            )
            session.execute(text("DELETE FROM entries_source_ref_fts_pending"))


def _labels_of(view) -> set[str]:
    return set(view.labels) | {b.label for b in view.boxes}


def expected(ctx, substring, project="pets", type_name="train", labels=()):
    """The plain answer: every entry holding ``substring`` (and a label), in id order."""
    return [
        e.id
        for e in all_entries(ctx, project, type_name)
        if substring in e.source_ref and (not labels or _labels_of(e) & set(labels))
    ]


def found(ctx, substring, project="pets", type_name="train", **kw):
    labels = kw.pop("labels", ())
    flt = EntryFilter(source_ref_contains=substring, contains_labels=tuple(labels))
    return [e.id for e in all_entries(ctx, project, type_name, flt, **kw)]


def assert_index_consistent(ctx) -> None:
    """SQLite: the FTS5 table agrees with the entries (PostgreSQL's GIN index can't drift).

    FTS5's check compares the index with every entry, so the pending ones are indexed
    first; an entry both pending and indexed would then be indexed twice, and fail it.
    """
    if ctx.db.is_sqlite:
        index_pending(ctx)
        with ctx.db.write() as session:
            session.execute(
                text(
                    "INSERT INTO entries_source_ref_fts(entries_source_ref_fts, rank) "
                    "VALUES ('integrity-check', 1)"
                )
            )


def test_the_migration_creates_the_trigram_index(ctx):
    with ctx.db.read() as session:
        if ctx.db.is_sqlite:
            sql = "SELECT name FROM sqlite_master WHERE name = 'entries_source_ref_fts'"
        else:
            sql = "SELECT indexname FROM pg_indexes WHERE indexname = 'ix_entries_source_ref_trgm'"
        assert session.scalar(text(sql)) is not None


@pytest.mark.parametrize("substring", SUBSTRINGS)
def test_substring_finds_exactly_the_entries_holding_it_in_id_order(pets, substring):
    want = expected(pets, substring)
    assert found(pets, substring) == want
    assert found(pets, substring, descending=True) == want[::-1]


def test_rare_substring_finds_its_one_entry(pets):
    (view,) = all_entries(pets, "pets", flt=EntryFilter(source_ref_contains="needle-Q7"))
    assert view.source_ref == "upload://rare/needle-Q7.jpg"


def test_common_substring_finds_every_entry_that_holds_it(pets):
    views = all_entries(pets, "pets", flt=EntryFilter(source_ref_contains="img_"), limit=7)
    assert sorted(v.source_ref.removeprefix("upload://") for v in views) == sorted(COMMON)


def test_substring_is_case_sensitive(pets):
    refs = {
        s: [v.source_ref for v in all_entries(pets, "pets", flt=EntryFilter(source_ref_contains=s))]
        for s in ("needle-Q7", "needle-q7", "Needle", "NEEDLE", "IMG_")
    }
    assert refs == {
        "needle-Q7": ["upload://rare/needle-Q7.jpg"],
        "needle-q7": ["upload://other/needle-q7.jpg"],
        "Needle": ["upload://rare/last-Needle.jpg"],
        "NEEDLE": [],
        "IMG_": [],
    }


@pytest.mark.parametrize("substring", ["Q", "q7", "7.", "_", "/", "e-", "zz"])
def test_one_and_two_character_substrings_scan_and_stay_exact(pets, substring):
    assert len(substring) < entry_query.TRIGRAM_MIN
    want = expected(pets, substring)
    assert found(pets, substring, limit=4) == want
    assert found(pets, substring, limit=4, descending=True) == want[::-1]


@pytest.mark.parametrize(
    ("substring", "labels"),
    [
        ("eedle", ("rare",)),  # two of the three needles
        ("needle", ("rare", "other")),
        ("needle", ("common",)),  # none
        ("common/img_1", ("common",)),
        ("img_", ("rare",)),  # none
        ("needle-Q7", ("no such label",)),
        ("needle-Q7", ("rare", "no such label")),
    ],
)
def test_substring_combines_with_a_label_filter(pets, substring, labels):
    want = expected(pets, substring, labels=labels)
    assert found(pets, substring, labels=labels, limit=3) == want
    assert found(pets, substring, labels=labels, limit=3, descending=True) == want[::-1]


def test_substring_combines_with_the_labeled_and_errors_filters(pets):
    entries.edit_entry(  # one needle loses its label
        pets,
        "pets",
        "train",
        found(pets, "needle-q7")[0],
        expected_version=1,
        remove_labels=["other"],
    )
    for labeled, want in [(True, ["needle-Q7"]), (False, ["needle-q7"])]:
        flt = EntryFilter(source_ref_contains="needle-", labeled=labeled, has_errors=False)
        views = all_entries(pets, "pets", flt=flt)
        assert [v.source_ref.rsplit("/", 1)[-1].removesuffix(".jpg") for v in views] == want


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("page_size", [1, 3, 100])
def test_cursor_pages_cover_every_match_exactly_once(pets, descending, page_size):
    for substring in ("img_", "eedle", "needle-Q7", "Needle"):
        ids = found(pets, substring, limit=page_size, descending=descending)
        assert len(ids) == len(set(ids))
        want = expected(pets, substring)
        assert ids == (want[::-1] if descending else want)


def _folder_with_odd_names(root: Path) -> Path:
    names = [
        "100%done.jpg",
        "100xdone.jpg",
        "a_b_c.jpg",
        "aXbXc.jpg",
        "back\\slash.jpg",
        "backXslash.jpg",
        "esc\\%_.jpg",
        "escX%_.jpg",
        "esc\\x_.jpg",
        'q"uo*te(1):^-AND.jpg',  # FTS5 query syntax, all literal here
        "café-ñandú.jpg",
    ]
    root.mkdir(parents=True)
    for n, name in enumerate(names):
        (root / name).write_bytes(jpeg(color=(n * 20, 50, 50)))
    return root


@pytest.mark.parametrize(
    "substring",
    [
        *("0%d", "%do", "a_b", "_b_", "k\\s", "\\%_", "%_.", "\\x_", "%", "_", "\\"),
        *('q"u', '"uo*te(', "(1):^-AND", "fé-ñ", "ñandú."),
    ],
)
def test_percent_underscore_and_backslash_are_literal(ctx, plan, tmp_path, substring):
    root = _folder_with_odd_names(tmp_path / "odd")
    projects.create_project(ctx, "odd")
    source = {"kind": "folder", "path": str(root)}
    job = runner.run_job(ctx, start_dataset_create(ctx, "odd", "train", source))
    assert job.status == "SUCCEEDED", job.message
    if plan == "tiny-budgets-indexed":
        index_pending(ctx)
    want = expected(ctx, substring, "odd")
    assert want
    assert found(ctx, substring, "odd", limit=2) == want
    if len(substring) >= 3:  # (a short one may also be in the temporary folder's path)
        names = {e.id: e.source_ref.rsplit("/", 1)[-1] for e in all_entries(ctx, "odd")}
        assert [names[i] for i in want] == [n for n in names.values() if substring in n]


def test_entries_moved_by_a_split_are_found_in_their_new_dataset(pets):
    job = runner.run_job(pets, split.start_distribute(pets, "pets", 7))
    assert job.status == "SUCCEEDED", job.message
    moved = all_entries(pets, "pets", "test")
    assert moved
    for substring in [*SUBSTRINGS, *(v.source_ref.rsplit("/", 1)[-1] for v in moved)]:
        for side in ("train", "test"):
            assert found(pets, substring, type_name=side, limit=4) == expected(
                pets, substring, type_name=side
            ), (substring, side)
    assert_index_consistent(pets)


def test_a_renamed_source_ref_is_found_by_its_new_name_only(pets):
    (entry_id,) = found(pets, "needle-Q7")
    # No service renames a source-ref today; the index must follow any UPDATE all the same.
    with pets.db.write() as session:
        session.execute(
            update(Entry)
            .where(Entry.id == entry_id)
            .values(source_ref="upload://rare/haystack-Z9.jpg")
        )
    assert found(pets, "needle-Q7") == []
    assert found(pets, "haystack-Z9") == [entry_id]
    assert found(pets, "eedle-") == expected(pets, "eedle-")
    assert_index_consistent(pets)


def test_deleted_entries_and_datasets_leave_no_matches_behind(pets):
    doomed = found(pets, "common/img_1")
    assert entries.delete_entries(pets, "pets", "train", EntryFilter(entry_ids=tuple(doomed))) == 10
    assert found(pets, "common/img_1") == []
    assert found(pets, "img_") == expected(pets, "img_")
    assert_index_consistent(pets)

    projects.delete_project(pets, "pets")  # entries go by cascade
    project_with(pets, ["again/needle-Q7.jpg", "again/img_00.jpg"])
    (view,) = all_entries(pets, "pets", flt=EntryFilter(source_ref_contains="needle-Q7"))
    assert view.source_ref == "upload://again/needle-Q7.jpg"
    assert_index_consistent(pets)


def test_a_substring_matching_only_another_dataset_finds_nothing_here(pets):
    project_with(pets, ["elsewhere/needle-Q7.jpg", "elsewhere/unique-K5.jpg"], name="birds")
    datasets.describe_dataset(pets, "birds", "train")
    assert found(pets, "unique-K5") == []
    assert found(pets, "unique-K5", project="birds") == expected(pets, "unique-K5", "birds")
    assert found(pets, "needle-Q7") == expected(pets, "needle-Q7")


def test_entries_inserted_past_a_group_of_pending_ones_are_found(ctx, plan):
    """300 entries: on SQLite the 256th indexes its group and 44 stay pending."""
    paths = [f"many/pic_{n:03d}.jpg" for n in range(300)]
    project_with(ctx, paths)
    if ctx.db.is_sqlite:
        with ctx.db.read() as session:
            pending = session.scalar(text("SELECT count(*) FROM entries_source_ref_fts_pending"))
        assert 0 < pending < 256
    for substring in ("pic_000.", "pic_255.", "pic_256.", "pic_299.", "pic_2", "many/", "nope"):
        want = expected(ctx, substring)
        assert found(ctx, substring, limit=50) == want
        assert found(ctx, substring, limit=50, descending=True) == want[::-1]
    assert_index_consistent(ctx)


def test_a_new_entry_reusing_a_deleted_entrys_id_is_found_by_its_own_ref(ctx, plan):
    """SQLite hands the highest id out again once its entry is deleted."""
    project_with(ctx, ["first/alpha-A1.jpg", "first/omega-Z9.jpg"])
    if plan == "tiny-budgets-indexed":
        index_pending(ctx)
    (last,) = found(ctx, "omega-Z9")
    entries.delete_entries(ctx, "pets", "train", EntryFilter(entry_ids=(last,)))
    project_with(ctx, ["second/delta-D4.jpg"], name="birds")
    assert found(ctx, "omega-Z9") == []
    assert found(ctx, "delta-D4", project="birds") == expected(ctx, "delta-D4", "birds")
    assert len(found(ctx, "delta-D4", project="birds")) == 1
    assert_index_consistent(ctx)

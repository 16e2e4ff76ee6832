"""Finding entries: the hosted service's filters, stable id order, cursor pages.

A page is never an OFFSET and never counts the whole table: each filter is an index range
scan from the cursor, and a label filter merges, in Python, at most ``limit`` ids from each
of its per-label scans (image-level labels and boxes).

A source-ref substring is the one filter that an id-order scan can't bound: a substring
held by one entry in a million makes the scan read them all. From three characters on, a
trigram index (migration 0002) finds the candidates instead; see ``_source_ref_page``.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, text
from sqlalchemy.orm import Session

from customlabels.db.tables import Box, Entry, EntryLabel, Label
from customlabels.errors import InvalidInput, InvalidPageToken

MAX_FILTER_LABELS = 10
# Substrings this long or longer are looked up in the trigram index; shorter ones scan.
TRIGRAM_MIN = 3
# The SQLite FTS5 trigram table of migration 0002 (rowid = entries.id), and the table of
# the few entries inserted since its last update (each entry is in one of the two).
SOURCE_REF_FTS = "entries_source_ref_fts"
SOURCE_REF_PENDING = "entries_source_ref_fts_pending"


@dataclass(frozen=True)
class EntryFilter:
    """The filters of ListDatasetEntries, plus ``has_boxes``."""

    contains_labels: tuple[str, ...] = ()
    labeled: bool | None = None
    source_ref_contains: str | None = None
    has_errors: bool | None = None
    has_boxes: bool | None = None
    # Holds labels or boxes a model predicted that nobody reviewed yet (pre-labelling).
    predicted: bool | None = None
    entry_ids: tuple[int, ...] | None = field(default=None)

    def __post_init__(self) -> None:
        if len(self.contains_labels) > MAX_FILTER_LABELS:
            raise InvalidInput(
                f"at most {MAX_FILTER_LABELS} labels in a filter, got {len(self.contains_labels)}"
            )


def encode_cursor(last_id: int, descending: bool, dataset_id: int) -> str:
    # The dataset is part of the token so a token of another listing is refused, not
    # silently read as a position in this one.
    raw = f"{'d' if descending else 'a'}{dataset_id}:{last_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str | None, descending: bool, dataset_id: int) -> int | None:
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        direction, (scope, last) = raw[0], map(int, raw[1:].split(":"))
    except (binascii.Error, ValueError, UnicodeDecodeError, IndexError):
        raise InvalidPageToken(f"invalid page token {token!r}") from None
    if direction != ("d" if descending else "a"):
        raise InvalidPageToken("the page token belongs to a listing in the other order")
    if scope != dataset_id:
        raise InvalidPageToken("the page token belongs to a listing of another dataset")
    return last


def _entry_conditions(session: Session, dataset_id: int, flt: EntryFilter) -> list[Any]:
    conditions: list[Any] = [Entry.dataset_id == dataset_id]
    if flt.labeled is not None:
        conditions.append(Entry.is_labeled.is_(flt.labeled))
    if flt.has_errors is not None:
        conditions.append(Entry.has_errors.is_(flt.has_errors))
    if flt.has_boxes is not None:
        conditions.append(Entry.has_boxes.is_(flt.has_boxes))
    if flt.predicted is not None:
        conditions.append(Entry.has_predictions.is_(flt.predicted))
    if flt.source_ref_contains:
        conditions.append(_source_ref_test(session, flt.source_ref_contains))
    if flt.entry_ids is not None:
        conditions.append(Entry.id.in_(list(flt.entry_ids)))
    return conditions


def _source_ref_test(
    session: Session, substring: str, indexable: bool = True
) -> ColumnElement[bool]:
    """Case-sensitive "the source-ref holds ``substring``", every character literal."""
    if session.get_bind().dialect.name == "sqlite":
        # instr() is case-sensitive like the hosted filter; SQLite's LIKE is not.
        return func.instr(Entry.source_ref, substring) > 0
    if indexable:
        # LIKE is what the trigram GIN index serves. The pattern is one parameter escaped
        # with PostgreSQL's default escape character (backslash), so no ESCAPE clause stands
        # between the index and the pattern.
        escaped = substring.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return Entry.source_ref.like(f"%{escaped}%")
    # The same test, served by no index: for the id-order scan, which must stay one.
    return func.strpos(Entry.source_ref, substring) > 0


def _after(column: Any, after_id: int | None, descending: bool) -> list[Any]:
    if after_id is None:
        return []
    return [column < after_id] if descending else [column > after_id]


def _up_to(column: Any, bound: int | None, descending: bool) -> list[Any]:
    """The other end of a range that starts at the cursor (``bound`` included)."""
    if bound is None:
        return []
    return [column >= bound] if descending else [column <= bound]


def page_ids(
    session: Session,
    dataset_id: int,
    project_id: int,
    flt: EntryFilter,
    *,
    after_id: int | None,
    limit: int,
    descending: bool = False,
) -> list[int]:
    """The ids of the next ``limit`` entries matching ``flt`` after the cursor."""
    label_ids = None
    if flt.contains_labels:
        label_ids = list(
            session.scalars(
                select(Label.id).where(
                    Label.project_id == project_id, Label.name.in_(list(flt.contains_labels))
                )
            ).all()
        )
    substring = flt.source_ref_contains
    if substring and len(substring) >= TRIGRAM_MIN and "\x00" not in substring and limit > 0:
        return _source_ref_page(
            session, dataset_id, label_ids, flt, substring, after_id, limit, descending
        )
    conditions = _entry_conditions(session, dataset_id, flt)
    return _scan_page(session, dataset_id, label_ids, conditions, after_id, limit, descending)


def _scan_page(
    session: Session,
    dataset_id: int,
    label_ids: list[int] | None,
    conditions: list[Any],
    after_id: int | None,
    limit: int,
    descending: bool,
    up_to: int | None = None,
) -> list[int]:
    """The next ``limit`` ids after the cursor (up to ``up_to``) by the id-order scans.

    Without a label filter, one scan of the entries; with one (``label_ids``), a scan per
    label of its image-level labels and of its boxes, merged.
    """
    if label_ids is None:
        order = Entry.id.desc() if descending else Entry.id
        query = (
            select(Entry.id)
            .where(
                *conditions,
                *_after(Entry.id, after_id, descending),
                *_up_to(Entry.id, up_to, descending),
            )
            .order_by(order)
            .limit(limit)
        )
        return list(session.scalars(query).all())
    found: set[int] = set()
    only_dataset = len(conditions) == 1
    for label_id in label_ids:
        for table in (EntryLabel, Box):
            found.update(
                session.scalars(
                    _label_scan(
                        table,
                        dataset_id,
                        label_id,
                        conditions,
                        only_dataset,
                        after_id,
                        limit,
                        descending,
                        up_to,
                    )
                ).all()
            )
    return sorted(found, reverse=descending)[:limit]


def _label_scan(
    table: type[EntryLabel] | type[Box],
    dataset_id: int,
    label_id: int,
    conditions: list[Any],
    only_dataset: bool,
    after_id: int | None,
    limit: int,
    descending: bool,
    up_to: int | None = None,
) -> Select[int]:
    order = table.entry_id.desc() if descending else table.entry_id
    query = select(table.entry_id).where(
        table.dataset_id == dataset_id,
        table.label_id == label_id,
        *_after(table.entry_id, after_id, descending),
        *_up_to(table.entry_id, up_to, descending),
    )
    if not only_dataset:
        query = query.join(Entry, Entry.id == table.entry_id).where(*conditions)
    if table is Box:
        query = query.distinct()
    return query.order_by(order).limit(limit)


# -- a source-ref substring: the id-order scan and the trigram index, whichever is cheaper --

# Rows the first round reads of the id-order scan, and candidates of the trigram index;
# each round reads GROWTH times more. The index's rounds stop growing at INDEX_BUDGET_MAX
# (the candidates are checked through an IN list of bound parameters).
SCAN_BUDGET = 4096
INDEX_BUDGET = 256
INDEX_BUDGET_MAX = 8192
GROWTH = 4
# At most this many of a long substring's trigrams are looked up (the check on the entry
# itself is exact whatever the index returns).
MAX_TRIGRAMS = 16


def _source_ref_page(
    session: Session,
    dataset_id: int,
    label_ids: list[int] | None,
    flt: EntryFilter,
    substring: str,
    after_id: int | None,
    limit: int,
    descending: bool,
) -> list[int]:
    """The next page of a filter with a source-ref substring of 3 characters or more.

    Neither plan wins alone. The id-order scan (the other filters' plan) is fast when the
    substring is common (at 10% it fills a page of 100 within ~1,000 rows) and reads the
    whole dataset when it is rare; the trigram index finds a rare substring's few entries
    at once but hands a common one's candidates over one by one. So the two take turns,
    each from where the other stopped, every turn reading GROWTH times more: an id-order
    scan of a bounded number of rows, then the next candidates from the index, in id
    order. A turn finds every match in the id range it covers, so the page is the matches
    in the order found, complete when it is full or a turn reaches the end. The cost is a
    small multiple of the cheaper plan's, without guessing which one it is.

    On SQLite the index is an FTS5 trigram table, read in rowid (= id) order from the
    cursor. PostgreSQL's GIN index has no order to read a few candidates in: there, the
    first scan turn is followed by one query for the rest, which finds the matches after
    the cursor as a set through the index (``_unordered_page``) and sorts them.
    """
    if label_ids == []:
        return []
    is_sqlite = session.get_bind().dialect.name == "sqlite"
    base = _entry_conditions(session, dataset_id, replace(flt, source_ref_contains=None))
    exact = [*base, _source_ref_test(session, substring, indexable=False)]
    found: list[int] = []
    cursor = after_id
    scan_budget, index_budget = SCAN_BUDGET, INDEX_BUDGET
    while True:
        bound = _scan_bound(session, dataset_id, label_ids, base, cursor, scan_budget, descending)
        found += _scan_page(
            session, dataset_id, label_ids, exact, cursor, limit - len(found), descending, bound
        )
        if len(found) >= limit or bound is None:
            return found
        cursor = bound
        if not is_sqlite:
            indexable = [*base, _source_ref_test(session, substring)]
            return found + _unordered_page(
                session, label_ids, indexable, cursor, limit - len(found), descending
            )
        ids, bound = _trigram_candidates(
            session, label_ids, exact, substring, cursor, index_budget, descending
        )
        found += ids[: limit - len(found)]
        if len(found) >= limit or bound is None:
            return found
        cursor = bound
        scan_budget *= GROWTH
        index_budget = min(index_budget * GROWTH, INDEX_BUDGET_MAX)


def _scan_bound(
    session: Session,
    dataset_id: int,
    label_ids: list[int] | None,
    base: list[Any],
    after_id: int | None,
    budget: int,
    descending: bool,
) -> int | None:
    """The last id a scan of ``budget`` index rows from the cursor reaches (None: the end).

    Read from the index alone (no entry rows): the scan proper then reads the rows up to
    there. With a label filter the scans are per label and table, so each gets a share
    of the budget and the range ends where the first of them stops.
    """
    edge = func.min if descending else func.max
    if label_ids is None:
        windows = [
            select(Entry.id.label("id"))
            .where(*base, *_after(Entry.id, after_id, descending))
            .order_by(Entry.id.desc() if descending else Entry.id)
            .limit(budget)
        ]
    else:
        budget = max(budget // (2 * len(label_ids)), 1)
        windows = [
            select(table.entry_id.label("id"))
            .where(
                table.dataset_id == dataset_id,
                table.label_id == label_id,
                *_after(table.entry_id, after_id, descending),
            )
            .order_by(table.entry_id.desc() if descending else table.entry_id)
            .limit(budget)
            for label_id in label_ids
            for table in (EntryLabel, Box)
        ]
    bounds = []
    for window in windows:
        part = window.subquery()
        count, last = session.execute(select(func.count(), edge(part.c.id))).one()
        if count >= budget:
            bounds.append(int(last))
    if not bounds:
        return None
    return max(bounds) if descending else min(bounds)


def _trigram_candidates(
    session: Session,
    label_ids: list[int] | None,
    exact: list[Any],
    substring: str,
    after_id: int | None,
    budget: int,
    descending: bool,
) -> tuple[list[int], int | None]:
    """Matches among the next ``budget`` candidates of the SQLite trigram index.

    Returns them in order, and the last candidate's id, where the next turn starts (None
    when the index has no more). Candidates hold all (or MAX_TRIGRAMS) of the substring's
    trigrams, or are not indexed yet (pending, a few hundred at most); the exact substring
    and the other filters are checked on the entries.
    """
    after = ""
    params: dict[str, Any] = {"query": _trigram_query(substring), "budget": budget}
    if after_id is not None:
        after = " AND rowid < :after" if descending else " AND rowid > :after"
        params["after"] = after_id
    direction = "DESC" if descending else "ASC"
    indexed = list(
        session.scalars(
            text(
                f"SELECT rowid FROM {SOURCE_REF_FTS} WHERE {SOURCE_REF_FTS} MATCH :query"
                f"{after} ORDER BY rowid {direction} LIMIT :budget"
            ),
            params,
        ).all()
    )
    last = indexed[-1] if len(indexed) >= budget else None
    if last is not None:
        after += " AND rowid >= :last" if descending else " AND rowid <= :last"
        params["last"] = last
    bounds = {k: v for k, v in params.items() if k in ("after", "last")}
    pending = session.scalars(
        text(f"SELECT rowid FROM {SOURCE_REF_PENDING} WHERE 1{after}"), bounds
    ).all()
    candidates = sorted({*indexed, *pending})
    if not candidates:
        return [], None
    # The filters are evaluated in the select list, not the WHERE clause: with dataset_id
    # there, SQLite (no statistics) prefers reading the dataset's whole index to looking
    # up a few hundred ids by primary key.
    test = and_(*exact, _has_label(label_ids)) if label_ids is not None else and_(*exact)
    rows = session.execute(
        select(Entry.id, test)
        .where(Entry.id.in_(candidates))
        .order_by(Entry.id.desc() if descending else Entry.id)
    ).all()
    ids = [entry_id for entry_id, matches in rows if matches]
    return ids, last


def _unordered_page(
    session: Session,
    label_ids: list[int] | None,
    conditions: list[Any],
    after_id: int | None,
    limit: int,
    descending: bool,
) -> list[int]:
    """PostgreSQL: the next ``limit`` ids of all the matches after the cursor, sorted.

    The matches are a materialised CTE, so the planner plans them as a set: a bitmap scan
    of the trigram index (or, for a pattern in most rows, a sequential scan), never the
    id-order walk that ``ORDER BY id LIMIT n`` invites. That walk is what the planner picks
    for a pattern it thinks common, assuming its rows are spread evenly; but this query
    only runs when the first scan turn found the pattern rare here (say, the folder of the
    latest import, every match at the end of the ids), where the walk would read the
    whole dataset. The set costs what the pattern's matches cost, wherever they are.
    """
    query = select(Entry.id).where(*conditions, *_after(Entry.id, after_id, descending))
    if label_ids is not None:
        query = query.where(_has_label(label_ids))
    matches = query.cte("matches").prefix_with("MATERIALIZED")
    order = matches.c.id.desc() if descending else matches.c.id
    return list(session.scalars(select(matches.c.id).order_by(order).limit(limit)).all())


def _has_label(label_ids: list[int]) -> ColumnElement[bool]:
    """The entry has one of the labels, as an image-level label or on a box."""
    return or_(
        exists().where(EntryLabel.entry_id == Entry.id, EntryLabel.label_id.in_(label_ids)),
        exists().where(Box.entry_id == Entry.id, Box.label_id.in_(label_ids)),
    )


def _trigram_query(substring: str) -> str:
    """An FTS5 query for the rows holding every trigram of ``substring`` (3+ characters).

    The table keeps no positions (``detail=none``), so the trigrams are ANDed rather than
    asked for as a phrase; each is quoted (a quote doubled), so no character is syntax.
    """
    grams = list(dict.fromkeys(substring[i : i + 3] for i in range(len(substring) - 2)))
    if len(grams) > MAX_TRIGRAMS:
        step = (len(grams) - 1) / (MAX_TRIGRAMS - 1)
        grams = [grams[round(k * step)] for k in range(MAX_TRIGRAMS)]
    return " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams)


def all_matching_ids(
    session: Session, dataset_id: int, project_id: int, flt: EntryFilter, batch: int = 20000
) -> list[int]:
    """Every id matching ``flt``, in order (for bulk changes and exports)."""
    ids: list[int] = []
    after: int | None = None
    while True:
        part = page_ids(session, dataset_id, project_id, flt, after_id=after, limit=batch)
        ids.extend(part)
        if len(part) < batch:
            return ids
        after = part[-1]

"""The engine's SQLite writer lock and pool sizes."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select, text

from customlabels.db.engine import (
    POSTGRES_POOL,
    SQLITE_POOL,
    Database,
    WriterLock,
    make_engine,
    writer_lock_for,
)


def test_the_writer_lock_serves_waiters_in_the_order_they_came() -> None:
    lock = WriterLock()
    assert lock.acquire(timeout=1)
    order: list[int] = []

    def waiter(k: int) -> None:
        assert lock.acquire(timeout=10)
        order.append(k)
        lock.release()

    threads = []
    for k in range(8):
        thread = threading.Thread(target=waiter, args=(k,))
        thread.start()
        threads.append(thread)
        # Each waiter queued before the next starts.
        deadline = time.monotonic() + 5
        while len(lock._waiters) < k + 1 and time.monotonic() < deadline:
            time.sleep(0.001)
    lock.release()
    for thread in threads:
        thread.join(10)
    assert order == list(range(8))


def test_the_writer_lock_is_reentrant_and_gives_up_after_its_timeout() -> None:
    lock = WriterLock()
    assert lock.acquire(timeout=1) and lock.acquire(timeout=1)
    lock.release()
    got: list[bool] = []
    thread = threading.Thread(target=lambda: got.append(lock.acquire(timeout=0.05)))
    thread.start()
    thread.join(5)
    assert got == [False] and not lock._waiters
    lock.release()
    thread = threading.Thread(target=lambda: got.append(lock.acquire(timeout=1)))
    thread.start()
    thread.join(5)
    assert got == [False, True]


def test_engines_on_one_sqlite_file_share_one_writer_lock(tmp_path) -> None:
    a = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    b = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    c = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    assert writer_lock_for(a) is writer_lock_for(b)
    assert writer_lock_for(a) is not writer_lock_for(c)
    for engine in (a, b, c):
        engine.dispose()


def test_pools_are_sized_for_the_server_s_request_threads(tmp_path) -> None:
    sqlite = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    assert (sqlite.pool.size(), sqlite.pool._max_overflow) == SQLITE_POOL  # type: ignore[attr-defined]
    sized = make_engine(f"sqlite:///{tmp_path / 'p.db'}", pool_size=3, max_overflow=0)
    assert (sized.pool.size(), sized.pool._max_overflow) == (3, 0)  # type: ignore[attr-defined]
    postgres = make_engine("postgresql://nobody@127.0.0.1:1/none")  # never connected
    assert (postgres.pool.size(), postgres.pool._max_overflow) == POSTGRES_POOL  # type: ignore[attr-defined]
    make_engine("sqlite://").dispose()  # in memory: one connection, no sizes
    for engine in (sqlite, sized, postgres):
        engine.dispose()


def test_concurrent_writes_on_sqlite_all_land(sqlite_ctx) -> None:
    """Many threads of one process writing at once: each waits its turn on the writer
    lock, none fails with "database is locked", and no increment is lost."""
    db: Database = sqlite_ctx.db
    assert db._writer_lock is not None
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
        conn.execute(text("INSERT INTO counter VALUES (0)"))

    def bump(_: int) -> None:
        with db.write() as session:
            # Read, then write what was read + 1: a lost update shows as a lower count.
            n = session.execute(text("SELECT n FROM counter")).scalar_one()
            time.sleep(0.001)
            session.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(bump, range(64)))
    with db.read() as session:
        assert session.execute(text("SELECT n FROM counter")).scalar_one() == 64


@pytest.mark.parametrize("threads", [8])
def test_a_write_holds_the_lock_until_it_commits(sqlite_ctx, threads: int) -> None:
    db: Database = sqlite_ctx.db
    inside = 0
    most = 0
    guard = threading.Lock()

    def write(_: int) -> None:
        nonlocal inside, most
        with db.write() as session:
            with guard:
                inside += 1
                most = max(most, inside)
            session.execute(select(1))
            time.sleep(0.01)
            with guard:
                inside -= 1

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(write, range(threads * 3)))
    assert most == 1

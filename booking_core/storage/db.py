"""Engines and transactions for SQLite and PostgreSQL.

Writes that must not race (booking, holds, reschedules) go through `Database.write()`:
- SQLite: a second engine whose transactions start with `BEGIN IMMEDIATE`, so writers queue on the
  database lock instead of failing at commit; WAL lets readers go on meanwhile.
- PostgreSQL: ordinary transactions plus `lock_staff()` (a transaction-scoped advisory lock per
  tenant+staff) and the exclusion constraint on staff-busy segments as the last guard.
No in-process lock is used for correctness: several server processes share one PostgreSQL.

Reads on PostgreSQL run in autocommit (no BEGIN before and no ROLLBACK after: two round trips fewer per
read), and so does a single writing statement that is atomic on its own (`single_write`). Under READ
COMMITTED, PostgreSQL's default and ours, each statement of a transaction takes its own snapshot anyway,
so a read-only sequence of statements sees exactly what it would see inside one.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from booking_core.storage.urls import SQLITE_DEFAULT, normalise_url

__all__ = ["SQLITE_DEFAULT", "Database", "affected_rows", "normalise_url"]


def _sqlite_engine(url: str, immediate: bool) -> AsyncEngine:
    engine = create_async_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (SQLAlchemy docs' recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def dialect_insert(dialect: str, table: Any) -> Any:
    """An INSERT for `dialect` ("postgresql" | "sqlite") with `on_conflict_do_nothing/_do_update`."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


class Database:
    """One database: a read path and a serialised write path."""

    def __init__(self, url: str, *, pool_size: int = 10, timeout_s: float | None = None) -> None:
        """`timeout_s` (PostgreSQL): give up connecting, or on a statement, after this long. The server
        sets it so that a database that hangs (rather than refusing) still lets a caller hear an
        apology in time; commands and migrations leave it unset."""
        self.url = normalise_url(url)
        parsed = make_url(self.url)
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine = _sqlite_engine(self.url, immediate=False)
            self._write_engine = _sqlite_engine(self.url, immediate=True)
        else:
            # No pre-ping: it costs a round trip on every checkout (several per request). A connection that
            # died (database restart, failover) fails its request instead, which answers with an apology
            # and a callback request, and SQLAlchemy then discards the pool's other stale connections.
            limits = {"timeout": timeout_s, "command_timeout": timeout_s} if timeout_s else {}
            self.engine = create_async_engine(
                self.url, pool_size=pool_size, max_overflow=10, pool_pre_ping=False, connect_args=limits
            )
            self._write_engine = self.engine
        # Shares the pool; the isolation level is set on checkout and reset on return, no round trip (asyncpg).
        self._autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT") if self.is_postgres else None
        self._writer_lock = asyncio.Lock()
        self._writer_loop: asyncio.AbstractEventLoop | None = None
        self._read_sessions = async_sessionmaker(self._autocommit or self.engine, expire_on_commit=False)
        self._write_sessions = async_sessionmaker(self._write_engine, expire_on_commit=False)

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    def insert(self, table: Any) -> Any:
        """An INSERT in this engine's dialect: both offer `on_conflict_do_nothing/_do_update`, which the
        portable construct does not (claims, seen signatures, upserts)."""
        return dialect_insert(self.dialect, table)

    def replace_statement(self, table: Any, keys: tuple[str, ...]) -> Any:
        """INSERT of every column of `table` as a bound parameter named after it, ON CONFLICT (`keys`) DO
        UPDATE every other column: one row written over its previous version in one round trip. Built
        once per dialect, table and keys (building an upsert cost ~0.4 ms, a twelfth of a check)."""
        cache_key = (self.dialect, table.name, keys)
        statement = _REPLACE_STATEMENTS.get(cache_key)
        if statement is None:
            insert = self.insert(table).values({column.name: bindparam(column.name) for column in table.columns})
            statement = insert.on_conflict_do_update(
                index_elements=list(keys),
                set_={c.name: insert.excluded[c.name] for c in table.columns if c.name not in keys},
            )
            _REPLACE_STATEMENTS[cache_key] = statement
        return statement

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for queries; it must not write (on PostgreSQL it runs in autocommit, see above)."""
        async with self._read_sessions() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A transaction that commits on success and rolls back on any exception."""
        async with self._one_writer(), self._write_sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def read_connection(self) -> AsyncIterator[AsyncConnection]:
        """A plain connection, no ORM session: for the small lookups every request makes, where the
        session's machinery cost more than the query. Read only (autocommit on PostgreSQL)."""
        async with (self._autocommit or self.engine).connect() as conn:
            yield conn

    @asynccontextmanager
    async def write_connection(self) -> AsyncIterator[AsyncConnection]:
        """`write()` as a plain connection: commits on success, rolls back on any exception."""
        async with self._one_writer(), self._write_engine.begin() as conn:
            yield conn

    @asynccontextmanager
    async def single_write(self) -> AsyncIterator[AsyncConnection]:
        """A connection for one writing statement, atomic on its own (an upsert, `INSERT ... SELECT`),
        committed when it succeeds: on PostgreSQL in autocommit (one round trip instead of BEGIN,
        statement, COMMIT), on SQLite `write_connection()` (the single writer's lock and BEGIN IMMEDIATE)."""
        if self._autocommit is None:
            async with self.write_connection() as conn:
                yield conn
            return
        async with self._autocommit.connect() as conn:
            yield conn

    def _one_writer(self) -> AbstractAsyncContextManager[Any]:
        """SQLite admits one writer; a second one waits in its busy handler, which sleeps in growing
        steps (up to 100 ms) and polls. Writers of this process queue on an asyncio lock instead and
        start the moment the previous one commits. For latency only: other processes still meet the
        busy handler, and correctness never depends on this lock. PostgreSQL needs none."""
        if self.dialect != "sqlite":
            return nullcontext()
        loop = asyncio.get_running_loop()
        if self._writer_loop is not loop:  # a lock belongs to one event loop (tests and CLIs run several)
            self._writer_lock, self._writer_loop = asyncio.Lock(), loop
        return self._writer_lock

    async def lock_staff(self, session: AsyncSession, tenant_id: str, staff_ids: list[str]) -> None:
        """Serialise writers touching the same staff calendars (PostgreSQL; SQLite is serialised already).

        One transaction-scoped advisory lock per staff member (key: `staff_lock_key`), all taken by one
        statement in one round trip (was one round trip each: 30 for an "anyone" wish at a 30-staff
        salon). The keys are taken in the staff members' sorted order (the function scan evaluates the
        array in order, and `ORDER BY` the ordinality says so), so two transactions over overlapping
        staff never deadlock.
        """
        if not self.is_postgres or not staff_ids:
            return
        keys = [staff_lock_key(tenant_id, staff_id) for staff_id in sorted(set(staff_ids))]
        await session.execute(_LOCK_STAFF, {"keys": keys})

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._write_engine is not self.engine:
            await self._write_engine.dispose()


_REPLACE_STATEMENTS: dict[tuple[str, str, tuple[str, ...]], Any] = {}  # Database.replace_statement's

_LOCK_STAFF = text(
    "SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) WITH ORDINALITY AS t(k, i) ORDER BY i"
)


def staff_lock_key(tenant_id: str, staff_id: str) -> int:
    """The advisory lock key of one staff calendar: a signed 64-bit hash (BLAKE2b) of tenant and staff."""
    digest = hashlib.blake2b(f"{tenant_id}/{staff_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def affected_rows(result: object) -> int:
    """Rows an UPDATE or DELETE touched (0 when the driver does not say).

    `AsyncSession.execute` is typed as returning `Result`, but for DML it is a `CursorResult` whose
    `rowcount` the compare-and-set updates (claims, leases, tokens) rely on.
    """
    return int(getattr(result, "rowcount", 0) or 0)

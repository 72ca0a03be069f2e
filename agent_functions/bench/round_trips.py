"""Database round trips per request: every statement and transaction boundary a request causes, counted.

A request's latency on a quiet server is mostly its round trips to the database (each one a network
hop to PostgreSQL, or a thread hop to SQLite's worker thread) and the SQLAlchemy machinery around
them; counting them shows where the work per request goes and proves a cut. `RoundTrips` listens on
both engines of a `Database` (SQLAlchemy events `before_cursor_execute`, `begin`, `commit`,
`rollback`) and keeps what runs while `COUNTING` is set; `watch_requests` sets it for every aiohttp request of
an app (and so for tasks a request starts), so background work (the call log's flush, housekeeping)
is not counted. SQLAlchemy runs its sync code in a greenlet sharing the caller's context, so the
flag is seen inside the event.

Counted as round trips: each statement, and each BEGIN, COMMIT and ROLLBACK (on PostgreSQL the
asyncpg driver sends BEGIN with a transaction's first statement and ends a read-only one with
ROLLBACK; on SQLite `storage.db` issues BEGIN itself), except on a connection in autocommit, where the
driver sends neither. A pool checkout costs none (no pre-ping).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from aiohttp import web
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from booking_core.storage.db import Database

# Set while a request is handled: its statements are counted.
COUNTING: ContextVar[bool] = ContextVar("counting_round_trips", default=False)
_TABLE = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b.*?\b(?:FROM|INTO|UPDATE)\s+\"?(\w+)", re.I | re.S)


def label(statement: str) -> str:
    """A statement's kind and first table, e.g. 'SELECT tenants', 'INSERT function_claims'."""
    first = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "?"
    if first == "UPDATE":
        match = re.match(r"^\s*UPDATE\s+\"?(\w+)", statement, re.I)
        return f"UPDATE {match.group(1)}" if match else first
    found = _TABLE.match(statement)
    return f"{first} {found.group(2)}" if found else first


class RoundTrips:
    """The statements and transaction boundaries run while `COUNTING` is set, in order, as labels."""

    def __init__(self, db: Database) -> None:
        self.seen: list[str] = []
        engines = {id(e.sync_engine): e.sync_engine for e in (db.engine, db._write_engine)}
        for engine in engines.values():
            self._listen(engine)

    def _listen(self, engine: Engine) -> None:
        @event.listens_for(engine, "before_cursor_execute")
        def _statement(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
            if not statement.lstrip().upper().startswith("BEGIN"):  # SQLite's BEGIN: counted by `begin`
                self._note(label(statement))

        event.listen(engine, "begin", lambda conn: self._boundary(conn, "BEGIN"))
        event.listen(engine, "commit", lambda conn: self._boundary(conn, "COMMIT"))
        event.listen(engine, "rollback", lambda conn: self._boundary(conn, "ROLLBACK"))

    def _boundary(self, conn: Connection, what: str) -> None:
        """A transaction boundary, unless the connection is in autocommit (the driver sends none then)."""
        if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            self._note(what)

    def _note(self, what: str) -> None:
        if COUNTING.get():
            self.seen.append(what)

    def take(self) -> list[str]:
        """What was counted since the last `take`, and start afresh."""
        seen, self.seen = self.seen, []
        return seen


def watch_requests(app: web.Application) -> None:
    """Count the database work of every request `app` handles (call before the app starts)."""

    @web.middleware
    async def counted(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> Any:
        token = COUNTING.set(True)
        try:
            return await handler(request)
        finally:
            COUNTING.reset(token)

    app.middlewares.insert(0, counted)

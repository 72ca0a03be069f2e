"""Where the test PostgreSQL is, and what to do when it is not there (fail in CI, skip locally).

A plain module rather than part of `conftest.py`, so any test module can import it: `from
tests.pg_support import ...` (the test folders are packages; nothing is imported by bare name).
Scripts and benchmarks use it too (`scripts/with_postgres.py` makes its scratch database here), so it
needs nothing but the venv's runtime packages: pytest is imported only by `require_postgres`. The
scratch-database functions take the server's URL (`server`, default PG_URL).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import secrets
from pathlib import Path

PG_URL = os.environ.get("SLOTLINE_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# Every PostgreSQL database this run creates carries this id, so two runs on one server never meet.
RUN_ID = f"{os.getpid()}_{secrets.token_hex(3)}"


def pg_sync_url(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def pg_available(server: str = PG_URL) -> str | None:
    """None when PostgreSQL at `server` answers, else the reason it does not."""

    async def probe() -> None:
        import asyncpg

        conn = await asyncpg.connect(pg_sync_url(server), timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
    except Exception as exc:  # noqa: BLE001 - any failure means "not available", and we say why
        return f"PostgreSQL at {server} unavailable: {exc!r}"
    return None


def require_postgres() -> None:
    import pytest

    reason = pg_available()
    if reason is None:
        return
    if IN_CI:
        pytest.fail(reason + " (CI=true: PostgreSQL tests must run)")
    pytest.skip(reason)


def scratch_name(purpose: str) -> str:
    """A PostgreSQL database name unique to this run: `slotline_<purpose>_<pid>_<hex>` (≤ 63 bytes).

    Long purposes (test node names) are shortened with a hash so the name stays within PostgreSQL's
    identifier limit and stays unique.
    """
    slug = re.sub(r"\W+", "_", purpose.lower()).strip("_")
    if len(slug) > 30:
        slug = slug[:21] + "_" + hashlib.sha1(purpose.encode()).hexdigest()[:8]
    return f"slotline_{slug}_{RUN_ID}"


def url_for_database(name: str, server: str = PG_URL) -> str:
    """`server` with its database replaced by `name` (driver-neutral `postgresql://` form)."""
    base = pg_sync_url(server)
    head, _, tail = base.rpartition("/")
    query = tail.partition("?")[2]
    return f"{head}/{name}" + (f"?{query}" if query else "")


async def _admin(statement: str, server: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(pg_sync_url(server), timeout=10)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def create_scratch_database(name: str, server: str = PG_URL) -> str:
    """Create the empty database `name` on `server` (dropped first if a crashed run left it); returns its
    URL. `name` must be one of this run's (`scratch_name`)."""
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', server))
    asyncio.run(_admin(f'CREATE DATABASE "{name}"', server))
    return url_for_database(name, server)


def drop_scratch_database(name: str, server: str = PG_URL) -> None:
    """Drop `name` on `server`; errors are ignored (the server may be gone at the end of a failed run)."""
    with contextlib.suppress(Exception):  # cleanup only
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', server))

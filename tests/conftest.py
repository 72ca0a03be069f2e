"""Shared fixtures: real databases on both engines.

`database_url` is parametrised over SQLite and PostgreSQL. PostgreSQL is the server of
SLOTLINE_TEST_DATABASE_URL (default: the local `test` database), in a database of this run's own
(created and dropped here, so two runs on one server do not meet); when it cannot be reached the
PostgreSQL half fails under CI=true and is skipped locally, with the reason.
Each engine is migrated once per session; every test then starts from empty tables.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from booking_core.storage.db import Database
from booking_core.storage.migrate import upgrade
from tests.pg_support import create_scratch_database, drop_scratch_database, pg_sync_url, require_postgres, scratch_name


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def _pg_migrated() -> Iterator[str]:
    """A PostgreSQL database of this run's own (see pg_support.scratch_name), migrated; dropped at the end."""
    require_postgres()
    name = scratch_name("tests")
    url = create_scratch_database(name)
    upgrade(url)
    yield url
    drop_scratch_database(name)


def _truncate_pg(url: str) -> None:
    async def run() -> None:
        import asyncpg

        conn = await asyncpg.connect(pg_sync_url(url))
        tables = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename <> 'alembic_version'"
        )
        if tables:
            await conn.execute(
                "TRUNCATE " + ", ".join(f'"{t["tablename"]}"' for t in tables) + " RESTART IDENTITY CASCADE"
            )
        await conn.close()

    asyncio.run(run())


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A freshly emptied, migrated database on each engine."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("_sqlite_template")
        path = tmp_path / "slotline.db"
        shutil.copy(template, path)
        yield f"sqlite+aiosqlite:///{path}"
    else:
        url: str = request.getfixturevalue("_pg_migrated")
        _truncate_pg(url)
        yield url


@pytest.fixture
def sqlite_url(_sqlite_template: Path, tmp_path: Path) -> str:
    """SQLite only, for tests whose subject is not the engine."""
    path = tmp_path / "slotline.db"
    shutil.copy(_sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def postgres_url(_pg_migrated: str) -> str:
    _truncate_pg(_pg_migrated)
    return _pg_migrated


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()

"""Where the test PostgreSQL is, and what to do when it is not there (fail in CI, skip locally).

A plain module rather than part of `conftest.py`, so test folders with a conftest of their own can
import it without clashing module names.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

PG_URL = os.environ.get("SLOTLINE_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def pg_sync_url(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def pg_available() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    async def probe() -> None:
        import asyncpg

        conn = await asyncpg.connect(pg_sync_url(PG_URL), timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
    except Exception as exc:  # noqa: BLE001 - any failure means "not available", and we say why
        return f"PostgreSQL at {PG_URL} unavailable: {exc!r}"
    return None


def require_postgres() -> None:
    reason = pg_available()
    if reason is None:
        return
    if IN_CI:
        pytest.fail(reason + " (CI=true: PostgreSQL tests must run)")
    pytest.skip(reason)

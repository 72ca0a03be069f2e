"""Run a command that needs PostgreSQL in a database of its own; fail under CI=true when PostgreSQL is
missing, skip locally with the reason.

Usage: python scripts/with_postgres.py URL -- COMMAND...

A fresh database `slotline_run_<pid>_<hex>` is created on URL's server, every `{database_url}` in
COMMAND is replaced by its URL, and it is dropped when COMMAND ends: two runs on one server at once
never share a database.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _admin(url: str, statement: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_plain(url), timeout=5)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def _with_database(url: str, name: str) -> str:
    head, _, tail = _plain(url).rpartition("/")
    query = tail.partition("?")[2]
    return f"{head}/{name}" + (f"?{query}" if query else "")


def main() -> int:
    url, sep, *command = sys.argv[1:]
    if sep != "--" or not command:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        asyncio.run(_admin(url, "SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means unavailable; we say which
        reason = f"PostgreSQL at {url} unavailable: {exc!r}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            print(f"FAIL: {reason} (CI=true requires it)", file=sys.stderr)
            return 1
        print(f"SKIPPED (PostgreSQL replay): {reason}", file=sys.stderr)
        return 0
    name = f"slotline_run_{os.getpid()}_{secrets.token_hex(3)}"
    asyncio.run(_admin(url, f'CREATE DATABASE "{name}"'))
    try:
        own = _with_database(url, name)
        return subprocess.call([part.replace("{database_url}", own) for part in command])
    finally:
        asyncio.run(_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    sys.exit(main())

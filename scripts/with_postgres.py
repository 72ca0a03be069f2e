"""Run a command that needs PostgreSQL: fail under CI=true when it is missing, skip locally with the reason.

Usage: python scripts/with_postgres.py URL -- COMMAND...
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys


async def _probe(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1), timeout=3)
    await conn.close()


def main() -> int:
    url, sep, *command = sys.argv[1:]
    if sep != "--" or not command:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        asyncio.run(_probe(url))
    except Exception as exc:  # noqa: BLE001 - any failure means unavailable; we say which
        reason = f"PostgreSQL at {url} unavailable: {exc!r}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            print(f"FAIL: {reason} (CI=true requires it)", file=sys.stderr)
            return 1
        print(f"SKIPPED (PostgreSQL replay): {reason}", file=sys.stderr)
        return 0
    return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main())

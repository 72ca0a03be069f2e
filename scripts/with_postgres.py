"""Run a command that needs PostgreSQL in a database of its own; fail under CI=true when PostgreSQL is
missing, skip locally with the reason.

Usage: python scripts/with_postgres.py URL -- COMMAND...

A fresh database `slotline_run_<pid>_<hex>` is created on URL's server, every `{database_url}` in
COMMAND is replaced by its URL, and it is dropped when COMMAND ends: two runs on one server at once
never share a database. The database is made and dropped by `tests/pg_support.py`, as the tests' own
scratch databases are (it needs only the venv's runtime packages, not pytest).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the checkout: `tests` is a package there

from tests.pg_support import (
    IN_CI,
    create_scratch_database,
    drop_scratch_database,
    pg_available,
    scratch_name,
)


def main() -> int:
    argv = sys.argv[1:]
    if len(argv) < 3 or argv[1] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    url, command = argv[0], argv[2:]
    reason = pg_available(url)
    if reason is not None:
        if IN_CI:
            print(f"FAIL: {reason} (CI=true requires it)", file=sys.stderr)
            return 1
        print(f"SKIPPED (PostgreSQL replay): {reason}", file=sys.stderr)
        return 0
    name = scratch_name("run")
    own = create_scratch_database(name, url)
    try:
        return subprocess.call([part.replace("{database_url}", own) for part in command])
    finally:
        drop_scratch_database(name, url)


if __name__ == "__main__":
    sys.exit(main())

"""What the reliability tests share: scale, signing key, the report, throwaway PostgreSQL databases.

A plain module (not `conftest.py`) so test modules can import it by name.
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from datetime import UTC, datetime

from booking_core.storage.db import Database
from booking_core.storage.migrate import upgrade
from booking_core.tenant_file import read_tenant_file
from booking_core.tenant_store import save_tenant
from tests.pg_support import FIXTURES, create_scratch_database, drop_scratch_database

FULL = os.environ.get("SLOTLINE_RELIABILITY", "").lower() == "full"
KEY = "reliability-key"
# Every status a function answer may carry (CONTRACT section 3), written out here rather than taken from
# agent_functions.replies, so the suite checks the product against the contract, not against itself.
CONTRACT_STATUSES = frozenset(
    {
        "ok",
        "available",
        "unavailable",
        "booked",
        "rescheduled",
        "cancelled",
        "needs_confirmation",
        "needs_clarification",
        "not_found",
        "policy_denied",
        "callback_requested",
        "error",
    }
)


def scale(short: int, full: int) -> int:
    """How much of something to do: `full` under `make reliability`, `short` in `make test`."""
    return full if FULL else short


class Report:
    """What the suite did, summed over tests: printed at the end of the run.

    Tests add to it (`report.add("load", "requests", 600)`); the sections are the ones the issue
    asks for: load held, faults injected, bad inputs tried, failures found.
    """

    SECTIONS = ("load held", "faults injected", "bad inputs tried", "failures found")

    def __init__(self) -> None:
        self.counts: dict[str, Counter[str]] = {section: Counter() for section in self.SECTIONS}

    def add(self, section: str, what: str, n: int = 1) -> None:
        self.counts[section][what] += n

    def lines(self) -> list[str]:
        out = [f"reliability report ({'full' if FULL else 'short'} scale)"]
        for section in self.SECTIONS:
            items = ", ".join(f"{what}: {n}" for what, n in sorted(self.counts[section].items())) or "none"
            out.append(f"  {section:<17} {items}")
        return out


REPORT = Report()


async def load_demo_tenants(url: str) -> None:
    db = Database(url)
    try:
        for name in ("demo-salon", "demo-physio"):
            await save_tenant(db, read_tenant_file(FIXTURES / "tenants" / f"{name}.yaml"), datetime.now(UTC))
    finally:
        await db.dispose()


def create_database(name: str) -> str:
    """A new, migrated PostgreSQL database `name` (dropped first if left over) with the demo tenants."""
    url = create_scratch_database(name)
    upgrade(url)
    asyncio.run(load_demo_tenants(url))
    return url


def drop_database(name: str) -> None:
    drop_scratch_database(name)

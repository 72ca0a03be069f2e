"""The per-staff advisory locks of a write transaction (PostgreSQL): all taken, in one statement.

`Database.lock_staff` takes one transaction-scoped lock per staff member in one round trip. What must
hold: every named staff member's lock is held until the transaction ends, a second writer touching any
of them waits for it, one touching none of them does not, and the locks go with the transaction.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from booking_core.storage.db import Database, staff_lock_key


async def _held_keys(db: Database) -> set[int]:
    """The advisory locks held right now (by any session), as the signed 64-bit keys we take."""
    async with db.read() as session:
        rows = (
            await session.execute(
                text("SELECT classid::bigint, objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted")
            )
        ).all()
    return {int.from_bytes(((hi << 32) | lo).to_bytes(8, "big"), "big", signed=True) for hi, lo in rows}


async def test_every_staff_lock_is_taken_and_released_with_the_transaction(postgres_url: str) -> None:
    db = Database(postgres_url)
    try:
        staff = [f"staff-{n}" for n in range(12)]
        async with db.write() as session:
            await db.lock_staff(session, "tenant-a", list(reversed(staff)) + staff[:3])
            held = await _held_keys(db)
            assert {staff_lock_key("tenant-a", s) for s in staff} <= held
        assert not {staff_lock_key("tenant-a", s) for s in staff} & await _held_keys(db)
    finally:
        await db.dispose()


async def test_a_writer_on_an_overlapping_staff_set_waits_and_a_disjoint_one_does_not(postgres_url: str) -> None:
    db = Database(postgres_url)
    try:
        first_holds = asyncio.Event()
        release_first = asyncio.Event()
        order: list[str] = []

        async def first() -> None:
            async with db.write() as session:
                await db.lock_staff(session, "tenant-a", ["anna", "bert", "cora"])
                first_holds.set()
                await release_first.wait()
                order.append("first commits")

        async def overlapping() -> None:
            await first_holds.wait()
            async with db.write() as session:
                await db.lock_staff(session, "tenant-a", ["cora", "dora"])
                order.append("overlapping locked")

        async def disjoint() -> None:
            await first_holds.wait()
            async with db.write() as session:
                await db.lock_staff(session, "tenant-a", ["dora-2", "emil"])
                await db.lock_staff(session, "tenant-b", ["anna"])  # same name, other tenant: other key
                order.append("disjoint locked")

        tasks = [asyncio.create_task(f()) for f in (first, overlapping, disjoint)]
        await asyncio.wait_for(first_holds.wait(), 10)
        for _ in range(100):  # until the disjoint writer is through (it must not wait for the first)
            if "disjoint locked" in order:
                break
            await asyncio.sleep(0.05)
        assert order == ["disjoint locked"], order
        release_first.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 10)
        assert order == ["disjoint locked", "first commits", "overlapping locked"]
    finally:
        await db.dispose()


@pytest.mark.parametrize("staff", [[], ["anna"]])
async def test_sqlite_needs_no_staff_locks(sqlite_url: str, staff: list[str]) -> None:
    db = Database(sqlite_url)
    try:
        async with db.write() as session:
            await db.lock_staff(session, "tenant-a", staff)  # SQLite's single writer serialises already
            assert (await session.execute(text("SELECT 1"))).scalar() == 1
    finally:
        await db.dispose()

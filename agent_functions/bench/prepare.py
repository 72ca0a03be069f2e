"""The database `slotline bench` runs against: wiped, migrated, the bench tenants loaded in bulk and
their calendars filled (`generate.py`)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from agent_functions.bench.generate import make_bench_tenants, populate
from booking_core.clock import SystemClock
from booking_core.storage.db import Database
from booking_core.storage.migrate import upgrade
from booking_core.tenant_store import save_tenants

if TYPE_CHECKING:
    from agent_functions.bench.http_bench import BenchConfig

__all__ = ["Prepared", "prepare_database"]

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass
class Prepared:
    """The database `prepare_database` made: its URL, the appointments written, and how long loading
    the tenants took (seconds, all of them in one bulk load)."""

    url: str
    appointments: int
    tenants_load_s: float


async def prepare_database(config: BenchConfig) -> Prepared:
    """A wiped, migrated database holding the generated tenants and their appointments."""
    config.work_dir.mkdir(parents=True, exist_ok=True)
    if config.database_url is None:
        path = config.work_dir / "bench.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite+aiosqlite:///{path}"
    else:
        url = config.database_url
        await _wipe_postgres(url)
    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    tenants = make_bench_tenants(config.tenants)
    per_tenant = max(1, config.appointments // len(tenants))
    try:
        clock = SystemClock()
        started = time.perf_counter()
        await save_tenants(db, tenants, clock.now())
        load_s = time.perf_counter() - started
        written = 0
        for tenant in tenants:
            written += await populate(
                db,
                tenant,
                per_tenant,
                datetime.now(BERLIN).date(),
                clock,
                save=False,
                customer_count=min(2000, max(50, per_tenant // 10)),
            )
    finally:
        await db.dispose()
    return Prepared(url, written, load_s)


async def _wipe_postgres(url: str) -> None:
    """Empty the bench database, creating it first when the server does not have it yet."""
    import asyncpg
    from sqlalchemy.engine import make_url

    plain = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    try:
        conn = await asyncpg.connect(plain)
    except asyncpg.InvalidCatalogNameError:
        name = make_url(plain).database
        admin = await asyncpg.connect(plain.rsplit("/", 1)[0] + "/postgres")
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        conn = await asyncpg.connect(plain)
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()

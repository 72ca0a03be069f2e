"""Latency of Retell's inbound-call webhook, `POST /retell/inbound` (issue 15: under 50 ms).

    .venv/bin/python benchmarks/bench_inbound.py [--database-url URL] [--requests 300] [--concurrency 1]
                                                 [--json] [--check]

Against `slotline serve` in its own process (SQLite in a temporary folder, or the PostgreSQL database
named, which is wiped: the demo tenants and one known caller are loaded), signed requests in Retell's
shape, half from the known caller (name and next appointment looked up), half from unknown numbers.
Reports milliseconds as the platform sees them (p50, p95, p99, max); `--check` exits 1 when p95 is
50 ms or more.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from agent_functions.server_process import ServerProcess
from agent_functions.signature import sign
from booking_core.clock import SystemClock
from booking_core.domain import CustomerInput
from booking_core.service import BookingService
from booking_core.storage.db import Database
from booking_core.storage.migrate import upgrade
from booking_core.tenant_file import read_tenant_file
from booking_core.tenant_store import save_tenant

KEY = "bench-inbound-key"
TENANTS = Path(__file__).resolve().parent.parent / "fixtures" / "tenants"
SALON, KNOWN = "+4930555000100", "+4915100000017"
TARGET_P95_MS = 50.0


async def prepare(url: str) -> None:
    """Migrated, the demo tenants loaded, the known caller with an appointment next week."""
    if url.startswith("postgresql"):
        import asyncpg

        conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        finally:
            await conn.close()
    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    try:
        configs = {name: read_tenant_file(TENANTS / f"{name}.yaml") for name in ("demo-salon", "demo-physio")}
        for config in configs.values():
            await save_tenant(db, config, datetime.now(UTC))
        day = datetime.now(UTC).astimezone(configs["demo-salon"].zone).date() + timedelta(days=7)
        while day.weekday() not in (1, 2, 3):
            day += timedelta(days=1)
        start = datetime.combine(day, datetime.min.time(), configs["demo-salon"].zone).replace(hour=10)
        await BookingService(db, SystemClock()).insert_appointment(
            configs["demo-salon"],
            service_id="herrenhaarschnitt",
            staff_id="fabian",
            start=start,
            customer=CustomerInput(name="Lena Vogel", phone=KNOWN),
        )
    finally:
        await db.dispose()


def body_for(index: int) -> bytes:
    caller = KNOWN if index % 2 == 0 else f"+49151{index:08d}"
    return json.dumps(
        {
            "event": "call_inbound",
            "call_inbound": {
                "agent_id": "agent_demo_salon",
                "agent_version": 3,
                "from_number": caller,
                "to_number": SALON,
            },
        }
    ).encode()


async def drive(url: str, requests: int, concurrency: int) -> list[float]:
    times: list[float] = []
    counter = iter(range(requests))

    async def worker(session: aiohttp.ClientSession) -> None:
        for index in counter:
            body = body_for(index)
            headers = {"Content-Type": "application/json", "X-Retell-Signature": sign(body, KEY, datetime.now(UTC))}
            started = time.perf_counter()
            async with session.post(url + "/retell/inbound", data=body, headers=headers) as response:
                answer = await response.json()
            times.append((time.perf_counter() - started) * 1000)
            if response.status != 200 or "dynamic_variables" not in answer.get("call_inbound", {}):
                raise RuntimeError(f"unexpected answer: HTTP {response.status} {answer}")

    async with aiohttp.ClientSession() as session:
        for index in range(10):  # warm-up: connections, the tenant cache, prepared statements
            body = body_for(index)
            await (
                await session.post(
                    url + "/retell/inbound",
                    data=body,
                    headers={"X-Retell-Signature": sign(body, KEY, datetime.now(UTC))},
                )
            ).read()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    return times


def summary(times: list[float]) -> dict[str, Any]:
    ordered = sorted(times)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {
        "count": len(times),
        "p50_ms": at(0.5),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1], 1),
        "mean_ms": round(statistics.fmean(times), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (wiped); default: SQLite in a temporary folder")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--check", action="store_true", help=f"exit 1 when p95 >= {TARGET_P95_MS:.0f} ms")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'inbound.db'}"
        asyncio.run(prepare(url))
        with ServerProcess(url, key=KEY, log_level="WARNING") as server:
            result = {
                "database": "postgresql" if url.startswith("postgresql") else "sqlite",
                "concurrency": args.concurrency,
                **summary(asyncio.run(drive(server.url, args.requests, args.concurrency))),
            }
    print(json.dumps(result) if args.json else "  ".join(f"{k}={v}" for k, v in result.items()))
    return 1 if args.check and result["p95_ms"] >= TARGET_P95_MS else 0


if __name__ == "__main__":
    sys.exit(main())

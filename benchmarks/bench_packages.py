"""What a multi-session card costs the booking path (issue 17, packages): the median and p95 time of one
booking (`BookingService.book`, in process) in three cases, measured in the same run on one database:

- `plain`: a tenant that sells no package for the service (the path reads no card table),
- `no_card`: the tenant sells one, the customer holds none (one indexed, locking read of package_sales),
- `card`: the customer holds a card with credits (that read, a ledger insert and the sale's update).

Each case books `--runs` appointments one after another (a new slot each, same customer), interleaved
so machine load hits every case alike; the ratios to `plain` are what to read on a shared machine.

    .venv/bin/python benchmarks/bench_packages.py [--runs 120] [--postgres] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from booking_core.clock import FrozenClock
from booking_core.domain import CustomerInput, SlotRequest
from booking_core.packages import sell
from booking_core.service import BookingService
from booking_core.storage.db import Database
from booking_core.storage.migrate import upgrade
from booking_core.tenant_file import parse_tenant
from booking_core.tenant_store import save_tenant

BERLIN = ZoneInfo("Europe/Berlin")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CASES = ("plain", "no_card", "card")


def tenant_doc(tenant_id: str, packages: bool) -> dict[str, object]:
    return {
        "id": tenant_id,
        "name": tenant_id,
        "opening_hours": {d: [["08:00", "20:00"]] for d in DAYS},
        "booking": {"slot_interval_min": 15, "min_notice_min": 0, "max_advance_days": 365},
        "services": [{"id": "cut", "name": "Haarschnitt", "duration_min": 15, "price": "30.00"}],
        "staff": [{"id": "anna", "name": "Anna"}],
        "packages": [{"id": "card", "name": "Karte", "service": "cut", "sessions": 100, "valid_days": 365}]
        if packages
        else [],
    }


async def run(url: str, runs: int) -> dict[str, dict[str, float]]:
    db = Database(url)
    now = datetime(2026, 11, 20, 7, 0, tzinfo=BERLIN)
    clock = FrozenClock(now)
    tenants = {
        "plain": parse_tenant(tenant_doc("plain", False)),
        "no_card": parse_tenant(tenant_doc("nocard", True)),
        "card": parse_tenant(tenant_doc("card", True)),
    }
    for t in tenants.values():
        await save_tenant(db, t, now)
    phone = "+4915100000017"
    await sell(db, tenants["card"], now, phone=phone, package_id="card", name="Max Muster")
    svc = BookingService(db, clock)
    times: dict[str, list[float]] = {c: [] for c in CASES}
    for i in range(runs + 5):
        start = now.replace(hour=8) + timedelta(days=1 + i // 48, minutes=15 * (i % 48))
        for case in CASES:
            began = time.perf_counter()
            view, _ = await svc.book(
                tenants[case], SlotRequest("cut", "anna", start), CustomerInput("Max Muster", phone), f"{case}-{i}"
            )
            took = (time.perf_counter() - began) * 1000
            if i >= 5:  # warm-up
                times[case].append(took)
            assert (view.package is not None) == (case == "card")
    await db.dispose()
    out = {}
    for case in CASES:
        xs = sorted(times[case])
        out[case] = {"p50_ms": round(statistics.median(xs), 2), "p95_ms": round(xs[int(0.95 * (len(xs) - 1))], 2)}
    for case in CASES[1:]:
        out[case]["p50_ratio_to_plain"] = round(out[case]["p50_ms"] / out["plain"]["p50_ms"], 3)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=120)
    parser.add_argument("--postgres", action="store_true", help="a scratch database at the test server, dropped after")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    scratch = None
    if args.postgres:
        from tests.pg_support import create_scratch_database, drop_scratch_database, scratch_name

        scratch = scratch_name("bench_packages")
        url = create_scratch_database(scratch).replace("postgresql://", "postgresql+asyncpg://", 1)
    else:
        url = f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    try:
        upgrade(url)
        result = asyncio.run(run(url, args.runs))
    finally:
        if scratch is not None:
            drop_scratch_database(scratch)
    result_all = {"database": "postgresql" if scratch else "sqlite", "runs": args.runs, "cases": result}
    if args.json:
        print(json.dumps(result_all))
    else:
        for case, row in result.items():
            print(f"{result_all['database']:<10} {case:<8} " + "  ".join(f"{k} {v}" for k, v in row.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

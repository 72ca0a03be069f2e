"""Booking-engine benchmark: 30 staff, 25 services (5 composite), 20,000 appointments over 90 days.

Measures, in process (no HTTP), on SQLite (default: a fresh file) or PostgreSQL (--database-url):
- checking one specific time for a composite service (free and taken times mixed; no hold written,
  and separately with a hold written for the call),
- "next available" for a composite service (any staff, and one named staff),
- a 14-day window search for a composite service (3 options spread over the window),
- a 12-occurrence weekly series check for a composite with a named staff member (issue 17).
Target (issue 3): exact check median <= 5 ms, 14-day search median <= 20 ms.

With `--weeks W` it measures only the long window (issue 20): "any time in the next W weeks" for a
composite service (`--any-staff`: anyone, else a named staff member) on a generated tenant of
`--staff N` staff with about 700 appointments per staff over 90 days; `--json` prints
`{"staff", "weeks", "any_staff", "appointments", "database", "runs", "p50_ms", "p95_ms", "max_ms"}`.
Target: `--staff 150 --weeks 8 --any-staff` p95 <= 30 ms on both engines. `--postgres` runs on a
scratch PostgreSQL database created for the run and dropped after it.

    .venv/bin/python benchmarks/bench_core.py [--database-url URL | --postgres] [--appointments N] [--runs 300]
    .venv/bin/python benchmarks/bench_core.py --staff 150 --weeks 8 --any-staff --json [--postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from agent_functions.bench.generate import COMPOSITE_IDS, bench_now, make_bench_tenant, populate
from agent_functions.gc_tuning import freeze_heap
from booking_core.clock import FrozenClock
from booking_core.domain import SlotRequest
from booking_core.series import SeriesRule
from booking_core.service import BookingService
from booking_core.storage import models as m
from booking_core.storage.db import Database
from booking_core.storage.migrate import upgrade


def _p95(samples: list[float]) -> float:
    s = sorted(samples)
    return s[max(0, int(len(s) * 0.95) - 1)]


def _stats(name: str, samples: list[float]) -> str:
    if not samples:
        return f"{name:<52} (no samples)"
    s = sorted(samples)
    p95 = s[int(len(s) * 0.95) - 1]
    return f"{name:<52} median {statistics.median(s):7.2f} ms   p95 {p95:7.2f} ms   max {s[-1]:7.2f} ms   (n={len(s)})"


async def _reset_pg(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    await conn.close()


async def _vacuum_analyze(url: str) -> None:
    """What autovacuum would have done by now in production: planner statistics for the bulk-written
    rows (without them PostgreSQL guesses one matching row and picks a poor index) and the visibility
    map that lets the busy query's index answer alone."""
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


async def run_window(
    url: str, staff: int, n: int, runs: int, weeks: int, any_staff: bool, gc_freeze: bool = True
) -> dict[str, object]:
    """p50/p95 of "any time in the next `weeks` weeks" for a composite service (3 options spread)."""
    clock = FrozenClock(bench_now())
    tenant = make_bench_tenant(staff_count=staff)
    db = Database(url)
    t0 = time.perf_counter()
    written = await populate(db, tenant, n, bench_now().date(), clock)
    print(
        f"populated {written} appointments for {staff} staff in {time.perf_counter() - t0:.1f} s ({db.dialect})",
        file=sys.stderr,
    )
    if db.dialect == "postgresql":
        await _vacuum_analyze(url)
    svc = BookingService(db, clock)
    rnd = random.Random(5)
    now = clock.now()
    composites = [s for s in tenant.services if s.id in COMPOSITE_IDS]
    qualified = {s.id: [m.id for m in tenant.staff if m.does(s.id)] for s in composites}

    def request(service_id: str) -> SlotRequest:
        start = now + timedelta(hours=rnd.randint(0, 72))
        who = None if any_staff else rnd.choice(qualified[service_id])
        return SlotRequest(service_id, who, start, start + timedelta(weeks=weeks), exact=False)

    for _ in range(20):  # warm-up: calendar cache, pool, statement caches
        await svc.check(tenant, request(composites[0].id), None)
    if gc_freeze:
        freeze_heap()  # as `slotline serve` does after startup
    samples: list[float] = []
    for _ in range(runs):
        req = request(rnd.choice(composites).id)
        t = time.perf_counter()
        out = await svc.check(tenant, req, None)
        samples.append((time.perf_counter() - t) * 1000)
        assert out.slots
    await db.dispose()
    return {
        "staff": staff,
        "weeks": weeks,
        "any_staff": any_staff,
        "appointments": written,
        "database": db.dialect,
        "runs": runs,
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(_p95(samples), 2),
        "max_ms": round(max(samples), 2),
        "gc_frozen": gc.get_freeze_count() > 0,
    }


async def run(url: str, n: int, runs: int) -> dict[str, float]:
    clock = FrozenClock(bench_now())
    tenant = make_bench_tenant()
    db = Database(url)
    t0 = time.perf_counter()
    written = await populate(db, tenant, n, bench_now().date(), clock)
    print(f"populated {written} appointments in {time.perf_counter() - t0:.1f} s ({db.dialect})")
    svc = BookingService(db, clock)
    rnd = random.Random(3)
    now = clock.now()
    composites = [s for s in tenant.services if s.id in COMPOSITE_IDS]
    qualified = {s.id: [m.id for m in tenant.staff if m.does(s.id)] for s in composites}

    # warm-up (calendar cache, connection pool, statement caches)
    for _ in range(20):
        await svc.check(tenant, SlotRequest(composites[0].id, None, now, None, exact=False), None)

    results: dict[str, float] = {}
    exact, exact_free, exact_taken, held = [], [], [], []
    for i in range(runs):
        service = rnd.choice(composites)
        staff = rnd.choice(qualified[service.id])
        day = now.date() + timedelta(days=rnd.randint(1, 14))
        start = now.replace(
            year=day.year, month=day.month, day=day.day, hour=rnd.randint(9, 15), minute=rnd.choice([0, 15, 30, 45])
        )
        if i % 2:
            # every other request names a time known to be free (a caller picking an offered slot)
            found = await svc.check(tenant, SlotRequest(service.id, staff, start, None, exact=False), None, limit=1)
            start = found.slots[0].start
        t = time.perf_counter()
        out = await svc.check(tenant, SlotRequest(service.id, staff, start), None)
        ms = (time.perf_counter() - t) * 1000
        exact.append(ms)
        (exact_free if out.available else exact_taken).append(ms)
        if out.available:
            t = time.perf_counter()
            await svc.check(tenant, SlotRequest(service.id, staff, start), f"bench-call-{i % 20}")
            held.append((time.perf_counter() - t) * 1000)
    for i in range(20):
        await svc.release_holds(tenant.id, f"bench-call-{i}")
    print(_stats("exact composite check (no hold)", exact))
    print(_stats("  of which free", exact_free))
    print(_stats("  of which taken (with 3 alternatives)", exact_taken))
    print(_stats("exact composite check with hold write", held))
    results["exact_median_ms"] = statistics.median(exact)

    nxt_any, nxt_staff, window = [], [], []
    for _ in range(runs):
        service = rnd.choice(composites)
        staff = rnd.choice(qualified[service.id])
        start = now + timedelta(hours=rnd.randint(0, 72))
        t = time.perf_counter()
        out = await svc.check(tenant, SlotRequest(service.id, None, start, None, exact=False), None)
        nxt_any.append((time.perf_counter() - t) * 1000)
        assert out.slots
        t = time.perf_counter()
        await svc.check(tenant, SlotRequest(service.id, staff, start, None, exact=False), None)
        nxt_staff.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        await svc.check(tenant, SlotRequest(service.id, staff, start, start + timedelta(days=14), exact=False), None)
        window.append((time.perf_counter() - t) * 1000)
    print(_stats("next available composite, any staff", nxt_any))
    print(_stats("next available composite, named staff", nxt_staff))
    print(_stats("14-day window composite, named staff (3 spread)", window))
    results["next_median_ms"] = statistics.median(nxt_staff)
    results["window_median_ms"] = statistics.median(window)

    # Series (issue 17): a 12-occurrence weekly check for a composite with a staff wish, beside a
    # single exact check of the same first time (both read-only, no hold).
    series_ms, single_ms = [], []
    for _ in range(max(20, runs // 3)):
        service = rnd.choice(composites)
        staff = rnd.choice(qualified[service.id])
        day = now.date() + timedelta(days=rnd.randint(1, 7))
        start = now.replace(
            year=day.year, month=day.month, day=day.day, hour=rnd.randint(9, 15), minute=rnd.choice([0, 15, 30, 45])
        )
        request = SlotRequest(service.id, staff, start)
        t = time.perf_counter()
        await svc.check(tenant, request, None)
        single_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        out = await svc.check_series(tenant, request, SeriesRule("weekly"), count=12, until=None)
        series_ms.append((time.perf_counter() - t) * 1000)
        assert len(out.occurrences) + len(out.conflicts) == 12
    print(_stats("exact composite check, named staff (beside series)", single_ms))
    print(_stats("12-week weekly series check, composite, named staff", series_ms))
    results["series12_median_ms"] = statistics.median(series_ms)

    # Worst case: the named staff member is blocked (an external calendar) for the next 13 days, so
    # the search scans 13 full days of grid points before it finds day 14.
    worst = []
    service = composites[1]
    staff = qualified[service.id][0]
    async with db.write() as session:
        session.add(
            m.ExternalBusy(
                tenant_id=tenant.id,
                staff_id=staff,
                source="bench",
                external_id="block",
                start=now,
                end=now + timedelta(days=13),
                active=True,
                updated_at=now,
            )
        )
    for _ in range(max(20, runs // 5)):
        t = time.perf_counter()
        out = await svc.check(tenant, SlotRequest(service.id, staff, now, None, exact=False), None)
        worst.append((time.perf_counter() - t) * 1000)
        assert out.slots and out.slots[0].start >= now + timedelta(days=13)
    print(_stats("next available, named staff blocked 13 days", worst))
    results["worst_next_median_ms"] = statistics.median(worst)

    await db.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="PostgreSQL URL (its public schema is dropped and recreated!)")
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="a scratch PostgreSQL database at SLOTLINE_TEST_DATABASE_URL's server, dropped after",
    )
    parser.add_argument("--staff", type=int, default=30, help="staff of the generated tenant (default 30)")
    parser.add_argument("--appointments", type=int, help="default: 20,000 per 30 staff (about 700 per staff)")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--weeks", type=int, help="measure only the window search over this many weeks")
    parser.add_argument("--any-staff", action="store_true", help="the window search for anyone (else a named one)")
    parser.add_argument("--json", action="store_true", help="one JSON object (with --weeks)")
    parser.add_argument("--no-gc-freeze", action="store_true", help="leave the collector as Python sets it")
    args = parser.parse_args()
    n = args.appointments if args.appointments is not None else 20_000 * args.staff // 30
    scratch = None
    if args.postgres:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from tests.pg_support import create_scratch_database, drop_scratch_database, scratch_name

        scratch = scratch_name("bench_core")
        url = create_scratch_database(scratch).replace("postgresql://", "postgresql+asyncpg://", 1)
    elif args.database_url:
        url = args.database_url
        asyncio.run(_reset_pg(url))
    else:
        url = f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='bench-core-')}/bench.db"
    try:
        upgrade(url)
        if args.weeks:
            result = asyncio.run(
                run_window(url, args.staff, n, args.runs, args.weeks, args.any_staff, not args.no_gc_freeze)
            )
            print(
                json.dumps(result)
                if args.json
                else f"{args.weeks}-week window, {'any staff' if args.any_staff else 'named staff'}, "
                f"{args.staff} staff: "
                f"p50 {result['p50_ms']} ms  p95 {result['p95_ms']} ms  max {result['max_ms']} ms (n={args.runs})"
            )
        else:
            asyncio.run(run(url, n, args.runs))
    finally:
        if scratch is not None:
            drop_scratch_database(scratch)


if __name__ == "__main__":
    main()

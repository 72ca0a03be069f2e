"""After the call, measured: how many messages one worker sends per second to a local fake SMS API,
and how long the lifecycle tick takes over a calendar of 20,000 appointments.

    .venv/bin/python benchmarks/bench_messages.py [--database-url URL] [--messages 2000] [--appointments 20000]

The fake SMS API (Twilio's Messages resource: basic auth, form POST, 201 with a SID) runs in its own
process, so its work does not share the worker's event loop. Messages: rows written in the outbox
and drained by one `Worker` (one tenant: sent in order, one at a time, as the worker keeps a pair's
order; ten tenants: ten pairs in parallel). Lifecycle: `benchmarks/generate.populate` fills 90 days
from bench_now(); the first tick is 45 days later (a worker that was down: every appointment of those
days moves at once), then one tick per minute over a working day (what a running worker does).
With `--database-url` (PostgreSQL) that database's public schema is dropped and recreated.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import socket
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent_functions.bench.generate import bench_now, make_bench_tenant, populate
from benchmarks.bench_core import _reset_pg
from booking_core.clock import FrozenClock
from booking_core.lifecycle_clock import advance
from booking_core.messages.planner import Plan, Planned
from booking_core.messages.store import write_plan
from booking_core.storage.db import Database
from booking_core.storage.migrate import upgrade
from integrations.worker import Worker, WorkerConfig

SID, TOKEN = "AC_bench", "bench-token"


def _fake_sms(port: int) -> None:
    from aiohttp import web

    count = 0

    async def create(request: web.Request) -> web.Response:
        nonlocal count
        form = await request.post()
        if (
            not request.headers.get("Authorization", "").startswith("Basic ")
            or not form.get("To")
            or not form.get("Body")
        ):
            return web.json_response({"code": 21604}, status=400)
        count += 1
        return web.json_response({"sid": f"SM{count:032x}", "status": "queued"}, status=201)

    app = web.Application()
    app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", create)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_listening(port: int, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the fake SMS API did not start on port {port}")


async def bench_sending(url: str, n: int, tenants: int, port: int) -> float:
    db = Database(url)
    clock = FrozenClock(bench_now())
    async with db.write() as session:
        for t in range(tenants):
            planned = tuple(
                Planned(
                    "reminder",
                    "sms",
                    f"+49151{i:08d}",
                    clock.now(),
                    f"bench:{tenants}:{t}:{i}",
                    f"a{i}",
                    {
                        "kind": "reminder",
                        "channel": "sms",
                        "to": f"+49151{i:08d}",
                        "text": "Salon: Erinnerung an Ihren Termin Di., 24.11., 14:30 Uhr.",
                    },
                )
                for i in range(n // tenants)
            )
            await write_plan(session, f"bench-{t}", Plan(planned), clock.now())
    env = {
        "SLOTLINE_TWILIO_ACCOUNT_SID": SID,
        "SLOTLINE_TWILIO_AUTH_TOKEN": TOKEN,
        "SLOTLINE_TWILIO_FROM": "+4940555000999",
        "SLOTLINE_TWILIO_BASE_URL": f"http://127.0.0.1:{port}",
    }
    worker = Worker(db, clock, env=env, config=WorkerConfig(batch=100, max_batches_per_drain=10_000))
    t0 = time.perf_counter()
    report = await worker.drain_once()
    elapsed = time.perf_counter() - t0
    await worker.aclose()
    await db.dispose()
    assert report.sent == n // tenants * tenants, report.as_dict()
    rate = report.sent / elapsed
    print(f"sent {report.sent} SMS for {tenants} tenant(s) in {elapsed:.2f} s: {rate:.0f} messages/s ({db.dialect})")
    return rate


async def bench_lifecycle(url: str, n: int) -> None:
    db = Database(url)
    clock = FrozenClock(bench_now())
    written = await populate(db, make_bench_tenant(), n, bench_now().date(), clock)
    start = bench_now().replace(hour=12) + timedelta(days=45)
    t0 = time.perf_counter()
    first = await advance(db, start)
    print(
        f"{written} appointments; catch-up tick after 45 days: {first.moved} moved ({first.transitions} transitions) "
        f"in {(time.perf_counter() - t0) * 1000:.0f} ms ({db.dialect})"
    )
    samples, moved = [], 0
    at = start.replace(hour=8)
    for minute in range(0, 11 * 60):
        t1 = time.perf_counter()
        report = await advance(db, at + timedelta(minutes=minute))
        samples.append((time.perf_counter() - t1) * 1000)
        moved += report.moved
    samples.sort()
    print(
        f"steady ticks, one per minute 08:00-19:00 ({len(samples)}): median {statistics.median(samples):.1f} ms, "
        f"p95 {samples[int(len(samples) * 0.95) - 1]:.1f} ms, max {samples[-1]:.1f} ms; {moved} moves"
    )
    await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="PostgreSQL URL (its public schema is dropped and recreated!)")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--appointments", type=int, default=20_000)
    args = parser.parse_args()
    port = _free_port()
    fake = multiprocessing.get_context("spawn").Process(target=_fake_sms, args=(port,), daemon=True)
    fake.start()
    _wait_listening(port)
    try:
        for what in ("send", "lifecycle"):
            if args.database_url:
                url = args.database_url
                asyncio.run(_reset_pg(url))
            else:
                url = f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='bench-messages-')}/bench.db"
            upgrade(url)
            if what == "send":
                asyncio.run(bench_sending(url, args.messages, 1, port))
                asyncio.run(bench_sending(url, args.messages, 10, port))
            else:
                asyncio.run(bench_lifecycle(url, args.appointments))
    finally:
        fake.terminate()
        fake.join(5)


if __name__ == "__main__":
    main()

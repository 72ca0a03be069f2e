"""Portal day-view benchmark: 15 staff with 40 appointments each on one day (600 appointments), the page
rendered server-side and fetched over real HTTP by a logged-in user (session lookup, tenant, the day's
query, the pure layout, Jinja2). Target (issue 21): p95 < 50 ms.

    .venv/bin/python benchmarks/bench_portal.py [--database-url URL] [--staff 15] [--per-staff 40] [--runs 200]

Default database: a fresh SQLite file. A PostgreSQL URL must name an empty scratch database.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import tempfile
import time
from datetime import datetime, timedelta

from aiohttp.test_utils import TestClient, TestServer

from agent_functions.app import create_app
from agent_functions.bootstrap import build_services
from agent_functions.replay.seed import insert_appointment
from agent_functions.settings import Settings
from booking_core.clock import FrozenClock
from booking_core.domain import CustomerInput
from booking_core.storage.migrate import upgrade
from booking_core.tenant_config import TenantConfig
from booking_core.tenant_file import read_tenant_file
from booking_core.tenant_store import save_tenant
from portal import accounts

NOW = datetime.fromisoformat("2026-11-20T10:00:00+01:00")
DAY = "2026-11-23"


def bench_tenant(staff: int) -> TenantConfig:
    """demo-salon with ``staff`` members who do every service (the 15-minute Hairdetox among them)."""
    doc = read_tenant_file("fixtures/tenants/demo-salon.yaml").model_dump(mode="json", by_alias=True)
    template = next(s for s in doc["staff"] if s["id"] == "emma")
    every = [s["id"] for s in doc["services"]]
    doc["staff"] = [
        {**template, "id": f"s{i:02d}", "name": f"Stylist {i:02d}", "aliases": [], "absences": [], "services": every}
        for i in range(1, staff + 1)
    ]
    return TenantConfig.model_validate(doc)


async def run(url: str, staff: int, per_staff: int, runs: int) -> tuple[list[float], list[float]]:
    """(wall ms, CPU ms of this process) per request after 10 warm-ups. Client and server share the
    process, so the CPU time is what one page costs here, whatever else the machine runs; the wall time
    also counts waiting for the CPU on a loaded machine."""
    services = build_services(Settings(database_url=url, retell_api_keys=["k"], admin_token="t"), FrozenClock(NOW))
    tenant = bench_tenant(staff)
    await save_tenant(services.db, tenant, NOW)
    start = datetime.fromisoformat(f"{DAY}T08:00:00+01:00")
    for member in tenant.staff:
        for i in range(per_staff):
            await insert_appointment(
                services.db,
                services.clock,
                tenant,
                service_id="hairdetox",
                staff_id=member.id,
                start=start + timedelta(minutes=15 * i),
                customer=CustomerInput(f"Kundin {i}", None),
            )
    token = await accounts.invite(services.db, tenant_id=tenant.id, email="bench@salon.example", role="owner", now=NOW)
    await accounts.accept_invitation(services.db, token, "bench password 123", NOW)
    samples: list[float] = []
    cpu: list[float] = []
    async with TestClient(TestServer(create_app(services))) as client:
        page = await (await client.get("/portal/login")).text()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        await client.post(
            "/portal/login", data={"csrf": csrf, "email": "bench@salon.example", "password": "bench password 123"}
        )
        for i in range(runs + 10):
            began, began_cpu = time.perf_counter(), time.process_time()
            response = await client.get(f"/portal/day?date={DAY}")
            body = await response.text()
            elapsed = (time.perf_counter() - began) * 1000
            used = (time.process_time() - began_cpu) * 1000
            assert response.status == 200 and body.count('data-kind="busy"') == staff * per_staff, response.status
            if i >= 10:  # warm-up
                samples.append(elapsed)
                cpu.append(used)
    await services.db.dispose()
    return samples, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--staff", type=int, default=15)
    parser.add_argument("--per-staff", type=int, default=40)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench_portal.db"
        upgrade(url)
        wall, cpu = asyncio.run(run(url, args.staff, args.per_staff, args.runs))
    load = os.getloadavg()[0]
    for what, samples in (("wall", sorted(wall)), ("cpu", sorted(cpu))):
        p95 = samples[int(len(samples) * 0.95) - 1]
        print(
            f"day view {args.staff} staff x {args.per_staff} appointments over HTTP, {what}: median "
            f"{statistics.median(samples):.1f} ms  p95 {p95:.1f} ms  max {samples[-1]:.1f} ms  (n={len(samples)}, "
            f"load {load:.1f} on {os.cpu_count()} cores)"
        )


if __name__ == "__main__":
    main()

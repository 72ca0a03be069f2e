"""A large synthetic tenant for benchmarks: 30 staff, 25 services (5 composite), many appointments.

`make_bench_tenant()` builds the config; `populate(db, tenant, n_appointments, start_day, clock)` saves
the tenant and fills its calendar with non-overlapping appointments (gaps of free/flexible composites
are reused by other appointments, as in a real salon), written in bulk. Deterministic (seeded).
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert

from booking_core.appointment_rows import segment_values
from booking_core.availability import calendar_for, from_minute
from booking_core.clock import Clock
from booking_core.intervals import IntervalIndex
from booking_core.layout import layout
from booking_core.storage import models as m
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig
from booking_core.tenant_file import parse_tenant
from booking_core.tenant_store import save_tenant

BENCH_NUMBER = "+4930555000999"  # the dialled number that reaches the bench tenant
COMPOSITE_IDS = ("colour-root", "perm", "colour-lengths", "bleach", "treatment-blocked")
# Names as callers say them, so the HTTP benchmark exercises service and staff matching on a real-sized catalogue.
SIMPLE_NAMES = (
    "Herrenhaarschnitt",
    "Damenhaarschnitt",
    "Kinderhaarschnitt",
    "Waschen und Föhnen",
    "Bartpflege",
    "Pony schneiden",
    "Hochsteckfrisur",
    "Augenbrauen zupfen",
    "Wimpern färben",
    "Kopfmassage",
    "Haarkur",
    "Spitzen schneiden",
    "Maschinenschnitt",
    "Brautfrisur",
    "Locken stylen",
    "Haare glätten",
    "Nassrasur",
    "Kurzhaarschnitt",
    "Trockenschnitt",
    "Konturenschnitt",
)
COMPOSITE_NAMES = ("Ansatz färben", "Dauerwelle", "Längen färben", "Blondierung", "Intensivbehandlung")
STAFF_NAMES = (
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Elena",
    "Finn",
    "Greta",
    "Hannes",
    "Ida",
    "Jonas",
    "Katrin",
    "Lukas",
    "Mara",
    "Nils",
    "Olga",
    "Paul",
    "Quirin",
    "Rosa",
    "Sven",
    "Tilda",
    "Uwe",
    "Vera",
    "Wilhelm",
    "Xenia",
    "Yannick",
    "Zoe",
    "Anton",
    "Berta",
    "Carlo",
    "Dora",
)


def make_bench_tenant(tenant_id: str = "bench-salon", seed: int = 7, staff_count: int = 30) -> TenantConfig:
    """The bench salon with `staff_count` staff (the first 30 always the same; more are named after
    them, "Anna 2", ..., with their own seeded hours and services)."""
    rnd = random.Random(seed)
    services: list[dict[str, Any]] = []
    for i in range(20):
        services.append(
            {
                "id": f"simple-{i:02d}",
                "name": SIMPLE_NAMES[i],
                "duration_min": rnd.choice([15, 30, 30, 45, 60]),
                "buffer_after_min": rnd.choice([0, 0, 5, 10]),
                "price": f"{rnd.randint(15, 90)}.00",
            }
        )
    policies = ("free", "flexible", "free", "never", "blocked")
    for sid, name, policy in zip(COMPOSITE_IDS, COMPOSITE_NAMES, policies):
        services.append(
            {
                "id": sid,
                "name": name,
                "price": f"{rnd.randint(60, 150)}.00",
                "pause_policy": policy,
                "buffer_after_min": 5,
                "segments": [
                    {"key": "A", "name": "Apply", "duration_min": 30, "gap_after_min": 30, "gap_after_max": 45},
                    {"key": "B", "name": "Rinse", "duration_min": 15, "gap_after_min": 0},
                    {"key": "C", "name": "Cut", "duration_min": 30},
                    {"key": "D", "name": "Style", "duration_min": 30},
                ],
            }
        )
    ids = [s["id"] for s in services]
    staff: list[dict[str, Any]] = []
    weekdays = ("mon", "tue", "wed", "thu", "fri", "sat")
    for i in range(staff_count):
        does = sorted(rnd.sample(ids[:20], 12) + rnd.sample(list(COMPOSITE_IDS), rnd.randint(1, 4)))
        off = rnd.choice(weekdays) if i % 3 == 0 else None
        start = rnd.choice(["08:00", "08:00", "09:00"])
        hours = {d: [[start, "20:00" if d != "sat" else "16:00"]] for d in weekdays if d != off}
        absences = (
            [
                {
                    "from": (date(2026, 11, 16) + timedelta(days=rnd.randint(0, 80))).isoformat(),
                    "to": (date(2026, 11, 16) + timedelta(days=rnd.randint(81, 84))).isoformat(),
                }
            ]
            if i % 7 == 0
            else []
        )
        name = STAFF_NAMES[i % 30] + (f" {i // 30 + 1}" if i >= 30 else "")
        staff.append({"id": f"staff-{i:02d}", "name": name, "services": does, "hours": hours, "absences": absences})
    return parse_tenant(
        {
            "id": tenant_id,
            "name": "Bench Salon",
            "timezone": "Europe/Berlin",
            "currency": "EUR",
            "phone_numbers": [BENCH_NUMBER],
            "holidays": {"country": "DE", "subdiv": "BE"},
            "opening_hours": {d: [["08:00", "20:00" if d != "sat" else "16:00"]] for d in weekdays},
            "booking": {"slot_interval_min": 15, "min_notice_min": 60, "max_advance_days": 120, "hold_ttl_s": 300},
            "services": services,
            "staff": staff,
        }
    )


def tenant_number(index: int) -> str:
    """The dialled number of the `index`-th bench tenant (0: the bench salon's own)."""
    return BENCH_NUMBER if index == 0 else f"+49305551{index:05d}"


def make_bench_tenants(count: int) -> list[TenantConfig]:
    """`count` tenants of the bench salon's shape: the bench salon, then `bench-salon-001`, ... with
    the same catalogue, staff and hours and each its own dialled number (`tenant_number`)."""
    first = make_bench_tenant()
    return [first] + [
        first.model_copy(update={"id": f"bench-salon-{i:03d}", "phone_numbers": (tenant_number(i),)})
        for i in range(1, count)
    ]


async def populate(
    db: Database,
    tenant: TenantConfig,
    n_appointments: int,
    start_day: date,
    clock: Clock,
    days: int = 90,
    seed: int = 11,
    *,
    save: bool = True,
    customer_count: int = 2000,
) -> int:
    """Save `tenant` (unless `save` is False: loaded already) and write about `n_appointments`
    appointments over `days` days from `start_day`, for `customer_count` customers. Returns how many
    were written."""
    rnd = random.Random(seed)
    if save:
        await save_tenant(db, tenant, clock.now())
    cal = calendar_for(tenant)
    now = clock.now()
    day_list0 = [start_day + timedelta(days=k) for k in range(days)]
    staff_days = sum(1 for d in day_list0 for member in tenant.staff if cal.working(member.id, d))
    per_staff_day = -(-n_appointments // staff_days) + 2
    appts: list[dict[str, Any]] = []
    segs: list[dict[str, Any]] = []
    customers = [
        {
            "id": str(uuid.uuid4()),
            "tenant_id": tenant.id,
            "phone": f"+49151{i:08d}",
            "name": f"Customer {i}",
            "created_at": now,
        }
        for i in range(customer_count)
    ]
    slots_done = 0
    day_list = [start_day + timedelta(days=k) for k in range(days)]
    plan_days = [(d, member) for d in day_list for member in tenant.staff]
    rnd.shuffle(plan_days)
    for d, member in plan_days:
        if slots_done >= n_appointments:
            break
        work = cal.working(member.id, d)
        if not work:
            continue
        simple = [s for s in tenant.services if member.does(s.id) and not s.composite]
        composite = [s for s in tenant.services if member.does(s.id) and s.composite]
        busy: list[tuple[int, int]] = []
        idx = IntervalIndex(work)
        per_day = 0

        def fits(
            staff: str, s: int, e: int, bu: int, idx: IntervalIndex = idx, busy: list[tuple[int, int]] = busy
        ) -> bool:
            return idx.contains(s, e) and not any(s < be and bs < bu for bs, be in busy)

        cursor = work[0][0] + 15 * rnd.randrange(0, 3)
        while slots_done < n_appointments:
            service = rnd.choice(composite) if composite and rnd.random() < 0.12 else rnd.choice(simple)
            plan = layout(service, cursor, [member.id], fits)
            if plan is None:
                # try the next quarter hours before giving up on the day
                nxt = [c for c in range(cursor + 15, work[-1][1], 15) if layout(service, c, [member.id], fits)]
                if not nxt:
                    break
                cursor = nxt[0]
                continue
            busy.extend((p.start, p.busy_until) for p in plan if p.staff_busy)
            aid = str(uuid.uuid4())
            ref = f"B{len(appts):07d}"
            appts.append(
                {
                    "id": aid,
                    "tenant_id": tenant.id,
                    "reference": ref,
                    "service_id": service.id,
                    "staff_id": member.id,
                    "customer_id": rnd.choice(customers)["id"],
                    "status": "scheduled",
                    "start": from_minute(plan[0].start),
                    "end": from_minute(max(p.end for p in plan)),
                    "price": member.prices.get(service.id, service.price),
                    "currency": tenant.currency,
                    "notes": None,
                    "call_id": None,
                    "idempotency_key": None,
                    "reschedule_count": 0,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            segs.extend(segment_values(tenant.id, aid, p, live=True) for p in plan)
            slots_done += 1
            per_day += 1
            if per_day >= per_staff_day:
                break
            # a pause between customers now and then (the day is not packed wall to wall)
            cursor = max(p.busy_until for p in plan) + rnd.choice([0, 0, 0, 15, 15, 30, 45])
    async with db.write() as session:
        await session.execute(insert(m.Customer), customers)
        for i in range(0, len(appts), 2000):
            await session.execute(insert(m.Appointment), appts[i : i + 2000])
        for i in range(0, len(segs), 4000):
            await session.execute(insert(m.AppointmentSegment), segs[i : i + 4000])
    return len(appts)


def bench_now() -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(2026, 11, 16, 8, 0, tzinfo=ZoneInfo("Europe/Berlin"))

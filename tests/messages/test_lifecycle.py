"""Appointments moved by the clock (the worker's minute tick) and by staff (HTTP, CLI), issue 16."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import func, select

from booking_core import lifecycle
from booking_core.domain import CustomerInput
from booking_core.lifecycle_clock import advance
from booking_core.storage import models as m
from booking_core.storage.db import Database
from booking_core.tenant_file import read_tenant_file
from booking_core.tenant_store import save_tenant
from tests.messages.message_helpers import (
    ADMIN,
    MOBILE,
    TENANT_FILE,
    call,
    function,
    seed_appointment,
    seeded,
    slotline,
    worker,
)

LENA = CustomerInput("Lena Vogel", MOBILE)


def local(text: str) -> datetime:
    return datetime.fromisoformat(f"2026-11-23T{text}:00+01:00")


async def haircut(db: Database, clock, tenant, start: datetime, staff: str = "mia", **kwargs):  # type: ignore[no-untyped-def]
    """Lena's men's cut (30 min) with `staff` at `start`, written as given."""
    return await seed_appointment(
        db, clock, tenant, service_id="herrenhaarschnitt", staff_id=staff, start=start, customer=LENA, **kwargs
    )


async def status_of(services, appointment_id: str) -> str:  # type: ignore[no-untyped-def]
    async with services.db.read() as session:
        return await session.scalar(select(m.Appointment.status).where(m.Appointment.id == appointment_id))


async def audit_of(db: Database, appointment_id: str) -> list[m.AuditEntry]:
    async with db.read() as session:
        return list(
            (
                await session.scalars(
                    select(m.AuditEntry).where(m.AuditEntry.entity_id == appointment_id).order_by(m.AuditEntry.id)
                )
            ).all()
        )


async def test_the_clock_drives_a_composite_through_its_day(services, clock, tenant, env):
    # Ansatzfärbung at 09:00: apply 09:00-09:30, a free gap to 10:00, rinse 10:00-10:15, blow-dry 10:15-10:45
    view = await seed_appointment(
        services.db,
        services.clock,
        tenant,
        service_id="ansatzfaerbung",
        staff_id="fabian",
        start=local("09:00"),
        customer=LENA,
    )
    w = worker(services.db, clock, env)
    seen = []
    try:
        for at in ("08:59", "09:00", "09:15", "09:30", "09:59", "10:00", "10:20", "10:45"):
            clock.set(local(at))
            await w.advance_lifecycle()
            seen.append(await status_of(services, view.id))
        assert (await w.advance_lifecycle()).moved == 0  # idempotent: the same instant again changes nothing
    finally:
        await w.aclose()
    assert seen == [
        "scheduled",
        "in_progress",
        "in_progress",
        "paused",
        "paused",
        "in_progress",
        "in_progress",
        "completed",
    ]
    steps = [
        (a.old["status"], a.new["status"], a.actor, a.reason)
        for a in await audit_of(services.db, view.id)
        if a.action == "status_changed"
    ]
    assert steps == [
        ("scheduled", "in_progress", "system", "time"),
        ("in_progress", "paused", "system", "time"),
        ("paused", "in_progress", "system", "time"),
        ("in_progress", "completed", "system", "time"),
    ]


def test_a_blocked_gap_keeps_the_appointment_in_progress_and_processing_segments_pause_it():
    blocked = lifecycle.time_spans([(0, 30, 60, True), (60, 75, 75, True)])  # busy_until reaches the next start
    assert [lifecycle.status_at(blocked, t) for t in (0, 45, 60, 75)] == [
        "in_progress",
        "in_progress",
        "in_progress",
        "completed",
    ]
    processing = lifecycle.time_spans([(0, 30, 30, True), (30, 60, 60, False), (60, 75, 80, True)])
    assert [lifecycle.status_at(processing, t) for t in (10, 40, 65, 75, 79)] == [
        "in_progress",
        "paused",
        "in_progress",
        "completed",
        "completed",
    ]


async def test_a_late_worker_applies_the_whole_path_with_an_audit_row_per_step(services, clock, tenant):
    view = await haircut(services.db, services.clock, tenant, local("09:00"))
    report = await advance(services.db, local("12:00"))
    assert (report.moved, report.transitions, report.by_status) == (1, 2, {"completed": 1})
    assert [
        (a.old["status"], a.new["status"]) for a in await audit_of(services.db, view.id) if a.action == "status_changed"
    ] == [("scheduled", "in_progress"), ("in_progress", "completed")]


async def test_two_workers_on_postgres_move_each_appointment_once(postgres_url, clock):
    tenant = read_tenant_file(TENANT_FILE)
    db_a, db_b = Database(postgres_url), Database(postgres_url)  # two pools, as two worker processes have
    try:
        await save_tenant(db_a, tenant, clock.now())
        from booking_core.service import BookingService

        booking = BookingService(db_a, clock)
        ids = []
        for day in range(10):
            for k in range(8):
                staff = ("fabian", "mia")[k % 2]
                start = datetime.fromisoformat(f"2026-11-{2 + day:02d}T09:00:00+01:00") + timedelta(
                    minutes=45 * (k // 2)
                )
                ids.append((await haircut(booking.db, booking.clock, tenant, start, staff)).id)
        moved = []
        for at in (
            datetime.fromisoformat("2026-11-11T09:10:00+01:00"),
            datetime.fromisoformat("2026-11-20T09:00:00+01:00"),
        ):
            reports = await asyncio.gather(advance(db_a, at), advance(db_b, at))
            moved.append(sum(r.moved for r in reports))
        # 9 days done and 2 of the 11th's in progress at the first tick; the rest of the 11th at the second
        assert moved == [74, 8] and len(ids) == 80
        async with db_a.read() as session:
            audits = await session.scalar(
                select(func.count()).select_from(m.AuditEntry).where(m.AuditEntry.action == "status_changed")
            )
        async with db_a.read() as session:
            statuses = dict(
                (await session.execute(select(m.Appointment.status, func.count()).group_by(m.Appointment.status))).all()
            )
            per_step = (
                await session.execute(
                    select(m.AuditEntry.entity_id, func.count())
                    .where(m.AuditEntry.action == "status_changed")
                    .group_by(m.AuditEntry.entity_id)
                )
            ).all()
        assert statuses == {"completed": 80}
        assert (
            {n for _, n in per_step} == {2} and len(per_step) == 80 and audits == 160
        )  # scheduled -> in_progress -> completed, once
    finally:
        await db_a.dispose()
        await db_b.dispose()


async def test_staff_set_statuses_over_http_and_an_illegal_one_is_refused(client, services, clock, tenant):
    view = await haircut(services.db, services.clock, tenant, local("09:00"))
    url = f"/admin/appointments/{view.id}/status"
    ok = await client.post(url, json={"status": "confirmed", "reason": "called back"}, headers=ADMIN)
    assert ok.status == 200 and (await ok.json())["appointment"]["status"] == "confirmed"
    before = [a.id for a in await audit_of(services.db, view.id)]
    for body in ({"status": "scheduled"}, {"status": "confirmed"}, {"status": "bogus"}):
        refused = await client.post(url, json=body, headers=ADMIN)
        answer = await refused.json()
        assert refused.status == 409 and answer["error"] == "illegal_transition" and answer["current"] == "confirmed", (
            answer
        )
    assert [a.id for a in await audit_of(services.db, view.id)] == before and await status_of(
        services, view.id
    ) == "confirmed"
    assert (await client.post(url, json={"status": "no_show"})).status == 401
    assert (await client.post(url, data=b"[1]", headers=ADMIN)).status == 400
    assert (
        await client.post("/admin/appointments/nope/status", json={"status": "confirmed"}, headers=ADMIN)
    ).status == 404
    clock.set(local("09:05"))
    await advance(services.db, clock.now())  # the clock has moved it to in_progress; nobody came
    no_show = await client.post(url, json={"status": "no_show", "reason": "nicht gekommen"}, headers=ADMIN)
    assert no_show.status == 200 and await status_of(services, view.id) == "no_show"
    last = (await audit_of(services.db, view.id))[-1]
    assert (last.actor, last.old["status"], last.new["status"], last.reason) == (
        "staff:admin",
        "in_progress",
        "no_show",
        "nicht gekommen",
    )
    assert (await client.post(url, json={"status": "completed"}, headers=ADMIN)).status == 409


async def test_the_agent_hears_of_a_caller_with_two_no_shows(client, services, clock, tenant):
    for day in (2, 9):
        start = datetime.fromisoformat(f"2026-11-{day:02d}T09:00:00+01:00")
        view = await haircut(services.db, services.clock, tenant, start, status="no_show")
        assert view.status == "no_show"
    answer = await function(client, "get_context", {}, call("call_ctx"))
    assert answer["data"]["context"]["caller"]["no_shows"] == 2
    assert "2 Termine nicht erschienen" in answer["message"]
    stranger = await function(client, "get_context", {}, call("call_ctx2", "+4915100000018"))
    assert stranger["data"]["context"]["caller"]["no_shows"] == 0 and "nicht erschienen" not in stranger["message"]


def test_cli_sets_a_status_and_refuses_an_illegal_one(sqlite_url):
    async def write(db, tenant, booking):  # type: ignore[no-untyped-def]
        view = await haircut(booking.db, booking.clock, tenant, local("09:00"), reference="K7M2")
        return view.id

    appointment_id = seeded(sqlite_url, write)
    done = slotline(
        sqlite_url, "appointments", "status", appointment_id, "cancelled", "--reason", "Kundin hat abgesagt"
    )
    assert done.returncode == 0 and "K7M2" in done.stdout and "cancelled" in done.stdout
    refused = slotline(sqlite_url, "appointments", "status", "K7M2", "confirmed", "--tenant", "messages-salon")
    assert (
        refused.returncode == 1
        and "illegal transition" in refused.stderr
        and "cancelled cannot become confirmed" in refused.stderr
    )
    assert slotline(sqlite_url, "appointments", "status", "nope", "confirmed").returncode == 1

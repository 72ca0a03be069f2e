"""The booking service on SQLite and PostgreSQL: holds, booking, idempotency, reschedule, cancel, audit."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from agent_functions.replay.seed import insert_appointment
from booking_core.domain import CustomerInput, SlotRequest
from booking_core.errors import InvalidTransition, NotFound, NotQualified, PolicyDenied, SlotUnavailable
from booking_core.storage import models as m
from tests.core.helpers import at, make_tenant

LENA = CustomerInput("Lena Vogel", "+4915100000017")
MAX = CustomerInput("Max Muster", "+4915100000001")


async def seed(svc, tenant, **appointment):
    """An appointment written as given (fixture setup, no booking rules)."""
    return await insert_appointment(svc.db, svc.clock, tenant, **appointment)


def req(service: str, staff: str | None, *when: int) -> SlotRequest:
    return SlotRequest(service, staff, at(*when))


async def count(db, model, *where) -> int:
    async with db.read() as s:
        return await s.scalar(select(func.count()).select_from(model).where(*where))


async def test_check_holds_and_book_consumes_hold(svc, tenant, db):
    out = await svc.check(tenant, req("colour-free", "anna", 2026, 11, 23, 10, 0), "call-1")
    assert out.available and out.reason is None
    assert out.slot.staff_id == "anna" and [s.key for s in out.slot.segments] == ["A", "B"]
    assert out.slot.segments[1].start == at(2026, 11, 23, 11, 0)
    assert out.hold_expires_at is not None
    assert await count(db, m.Hold) == 1
    view, created = await svc.book(tenant, req("colour-free", "anna", 2026, 11, 23, 10, 0), LENA, "call-1")
    assert created and view.status == "scheduled" and view.price == Decimal("60.00")
    assert view.customer_name == "Lena Vogel" and len(view.reference) == 4
    assert await count(db, m.Hold) == 0
    again, created_again = await svc.book(tenant, req("colour-free", None, 2026, 11, 23, 10, 0), LENA, "call-1")
    assert again.id == view.id and not created_again
    assert await count(db, m.Appointment) == 1
    assert await count(db, m.AuditEntry, m.AuditEntry.action == "created") == 1


async def test_hold_blocks_other_call_until_expiry(svc, tenant, clock):
    first = await svc.check(tenant, req("cut", "anna", 2026, 11, 23, 10, 0), "call-1")
    assert first.available
    second = await svc.check(tenant, req("cut", "anna", 2026, 11, 23, 10, 0), "call-2")
    assert not second.available and second.reason == "taken"
    assert second.alternatives and all(
        a.start != at(2026, 11, 23, 10, 0) or a.staff_id != "anna" for a in second.alternatives
    )
    with pytest.raises(SlotUnavailable) as info:
        await svc.book(tenant, req("cut", "anna", 2026, 11, 23, 10, 0), MAX, "call-2")
    assert info.value.reason == "taken"
    # the same call sees its own hold as free
    assert (await svc.check(tenant, req("cut", "anna", 2026, 11, 23, 10, 0), "call-1")).available
    clock.advance(301)
    assert (await svc.check(tenant, req("cut", "anna", 2026, 11, 23, 10, 0), "call-2")).available


async def test_release_holds(svc, tenant):
    assert (await svc.check(tenant, req("cut", "anna", 2026, 11, 23, 10, 0), "call-1")).available
    assert await svc.release_holds(tenant.id, "call-1") == 1
    assert (await svc.check(tenant, req("cut", "anna", 2026, 11, 23, 10, 0), "call-2")).available


async def test_one_hold_per_call(svc, tenant, db):
    assert (await svc.check(tenant, req("cut", "anna", 2026, 11, 23, 10, 0), "call-1")).available
    assert (await svc.check(tenant, req("cut", "anna", 2026, 11, 23, 11, 0), "call-1")).available
    assert await count(db, m.Hold) == 1
    assert (await svc.check(tenant, req("cut", "anna", 2026, 11, 23, 10, 0), "call-2")).available


async def test_reasons(svc, tenant):
    async def reason(r: SlotRequest) -> str | None:
        return (await svc.check(tenant, r, None)).reason

    assert await reason(req("cut", "anna", 2026, 11, 19, 10, 0)) == "past"
    assert await reason(req("cut", "anna", 2026, 11, 20, 10, 30)) == "notice"
    assert await reason(req("cut", "anna", 2027, 3, 1, 10, 0)) == "too_far"
    assert await reason(req("cut", "anna", 2026, 12, 25, 10, 0)) == "closed"  # closure
    assert (
        await reason(req("cut", "anna", 2027, 1, 1, 10, 0)) == "closed"
    )  # public holiday (beyond advance? no: 42 days)
    assert await reason(req("cut", "anna", 2026, 11, 23, 10, 16)) == "off_grid"
    assert await reason(req("cut", "anna", 2026, 11, 23, 17, 45)) == "closed"  # would run past closing time
    assert await reason(req("colour-free", "cara", 2026, 12, 1, 10, 0)) == "staff_off"  # absent
    assert await reason(req("colour-free", "cara", 2026, 11, 25, 11, 30)) == "staff_off"  # absent for two hours
    assert (
        await reason(req("colour-free", "cara", 2026, 11, 21, 11, 0)) == "staff_off"
    )  # her day off: the salon is open
    assert await reason(req("colour-free", "ben", 2026, 11, 23, 10, 0)) == "not_qualified"
    with pytest.raises(NotFound):
        await svc.check(tenant, req("nope", None, 2026, 11, 23, 10, 0), None)
    with pytest.raises(NotQualified):
        await svc.book(tenant, req("colour-free", "ben", 2026, 11, 23, 10, 0), LENA, "c")


async def test_off_grid_alternatives_nearest_same_staff(svc, tenant):
    out = await svc.check(tenant, req("cut", "anna", 2026, 11, 23, 16, 16), None)
    assert out.reason == "off_grid"
    starts = [(a.start.hour, a.start.minute) for a in out.alternatives]
    assert starts[:2] == [(16, 15), (16, 30)]
    assert all(a.staff_id == "anna" for a in out.alternatives)


async def test_alternatives_never_in_past_or_outside_hours(svc, tenant):
    out = await svc.check(tenant, req("cut", "anna", 2026, 11, 20, 10, 15), None)
    assert out.reason == "notice"
    for a in out.alternatives:
        assert a.start >= at(2026, 11, 20, 11, 0)
        assert a.start.hour >= 9 and a.end <= a.start.replace(hour=18, minute=0)


@pytest.mark.parametrize(
    ("service", "free"),
    [("colour-free", True), ("colour-flex", True), ("colour-blocked", False), ("colour-never", False)],
)
async def test_cut_into_colour_gap(svc, tenant, service, free):
    await seed(svc, tenant, service_id=service, staff_id="anna", start=at(2026, 11, 23, 10, 0), customer=LENA)
    out = await svc.check(tenant, req("cut", "anna", 2026, 11, 23, 10, 30), "call-x")
    assert out.available is free


@pytest.mark.parametrize(
    ("service", "ok", "b_start"),
    [
        ("colour-free", True, (11, 0)),
        ("colour-flex", True, (11, 0)),
        ("colour-blocked", False, None),
        ("colour-never", False, None),
    ],
)
async def test_composite_around_existing_appointment_in_its_gap(svc, tenant, service, ok, b_start):
    await seed(svc, tenant, service_id="cut", staff_id="anna", start=at(2026, 11, 23, 10, 30), customer=MAX)
    if ok:
        view, _ = await svc.book(tenant, req(service, "anna", 2026, 11, 23, 10, 0), LENA, "call-1")
        assert (view.segments[1].start.hour, view.segments[1].start.minute) == b_start
    else:
        with pytest.raises(SlotUnavailable) as info:
            await svc.book(tenant, req(service, "anna", 2026, 11, 23, 10, 0), LENA, "call-1")
        assert info.value.reason == "taken"


async def test_flexible_gap_stretches_where_free_does_not(svc, tenant):
    await seed(svc, tenant, service_id="cut", staff_id="anna", start=at(2026, 11, 23, 10, 30), customer=MAX)
    await seed(svc, tenant, service_id="cut", staff_id="anna", start=at(2026, 11, 23, 11, 0), customer=MAX)
    with pytest.raises(SlotUnavailable):
        await svc.book(tenant, req("colour-free", "anna", 2026, 11, 23, 10, 0), LENA, "call-1")
    view, _ = await svc.book(tenant, req("colour-flex", "anna", 2026, 11, 23, 10, 0), LENA, "call-1")
    assert view.segments[1].start == at(2026, 11, 23, 11, 30) and view.end == at(2026, 11, 23, 12, 0)


async def test_staff_per_segment(svc, tenant):
    # anna busy for B's time, so B goes to someone else qualified for the service
    await seed(svc, tenant, service_id="cut", staff_id="anna", start=at(2026, 11, 23, 11, 0), customer=MAX)
    out = await svc.check(tenant, req("colour-split", "anna", 2026, 11, 23, 10, 0), None)
    assert out.available
    assert out.slot.segments[0].staff_id == "anna" and out.slot.segments[1].staff_id != "anna"


async def test_buffer_blocks(svc, tenant):
    await seed(svc, tenant, service_id="cut-buffer", staff_id="ben", start=at(2026, 11, 23, 10, 0), customer=MAX)
    assert not (await svc.check(tenant, req("cut", "ben", 2026, 11, 23, 10, 30), None)).available
    assert (await svc.check(tenant, req("cut", "ben", 2026, 11, 23, 10, 45), None)).available


async def test_external_busy_blocks(svc, tenant, db, clock):
    async with db.write() as s:
        s.add(
            m.ExternalBusy(
                tenant_id=tenant.id,
                staff_id=None,
                source="calcom",
                external_id="x1",
                start=at(2026, 11, 23, 12, 0),
                end=at(2026, 11, 23, 13, 0),
                active=True,
                updated_at=clock.now(),
            )
        )
    assert not (await svc.check(tenant, req("cut", "ben", 2026, 11, 23, 12, 30), None)).available
    assert (await svc.check(tenant, req("cut", "ben", 2026, 11, 23, 13, 0), None)).available


async def test_day_window_and_next_available_spread(svc, tenant):
    day = await svc.check(tenant, SlotRequest("cut", "anna", at(2026, 11, 23), at(2026, 11, 24), exact=False), None)
    assert day.available and len(day.slots) == 3
    hours = [s.start.hour for s in day.slots]
    assert hours[0] == 9 and hours[1] >= 12 and hours[2] >= 15
    nxt = await svc.check(tenant, SlotRequest("colour-free", None, at(2026, 11, 20, 10, 0), None, exact=False), None)
    assert nxt.available and nxt.slots[0].start == at(2026, 11, 20, 11, 0)
    assert [s.start for s in nxt.slots] == sorted(s.start for s in nxt.slots)
    closed = await svc.check(tenant, SlotRequest("cut", None, at(2026, 12, 25), at(2026, 12, 26), exact=False), None)
    assert not closed.available and closed.reason == "closed" and closed.alternatives


async def test_failed_reschedule_keeps_original(svc, tenant, db):
    original, _ = await svc.book(tenant, req("cut", "anna", 2026, 11, 23, 10, 0), LENA, "call-1")
    await seed(svc, tenant, service_id="cut", staff_id="anna", start=at(2026, 11, 23, 14, 0), customer=MAX)
    with pytest.raises(SlotUnavailable) as info:
        await svc.reschedule(
            tenant, original.id, req("cut", "anna", 2026, 11, 23, 14, 0), call_id="call-2", reason="later"
        )
    assert info.value.reason == "taken" and info.value.alternatives
    after = await svc.get_appointment(tenant, original.id)
    assert after.start == original.start and after.version == original.version and after.reschedule_count == 0
    assert (
        await count(
            db,
            m.AppointmentSegment,
            m.AppointmentSegment.appointment_id == original.id,
            m.AppointmentSegment.live.is_(True),
        )
        == 1
    )
    assert await count(db, m.AuditEntry, m.AuditEntry.action == "rescheduled") == 0


async def test_reschedule_overlapping_itself(svc, tenant, db):
    original, _ = await svc.book(tenant, req("colour-free", "anna", 2026, 11, 23, 10, 0), LENA, "call-1")
    moved, decision = await svc.reschedule(
        tenant, original.id, req("colour-free", None, 2026, 11, 23, 10, 30), call_id="call-2", reason="later"
    )
    assert decision.allowed and decision.rule == "reschedule.free"
    assert moved.start == at(2026, 11, 23, 10, 30) and moved.staff_id == "anna"
    assert moved.reschedule_count == 1 and moved.version == original.version + 1
    assert await count(db, m.AppointmentSegment, m.AppointmentSegment.appointment_id == original.id) == 2
    async with db.read() as s:
        audit = (await s.scalars(select(m.AuditEntry).where(m.AuditEntry.action == "rescheduled"))).one()
    assert audit.old["start"] == original.start.isoformat() and audit.policy["rule"] == "reschedule.free"
    assert audit.reason == "later" and audit.call_id == "call-2"


async def test_reschedule_limits(svc, tenant):
    v, _ = await svc.book(tenant, req("cut", "anna", 2026, 11, 23, 10, 0), LENA, "c")
    await svc.reschedule(tenant, v.id, req("cut", "anna", 2026, 11, 23, 11, 0), call_id="c", reason=None)
    await svc.reschedule(tenant, v.id, req("cut", "anna", 2026, 11, 23, 12, 0), call_id="c", reason=None)
    decision = await svc.decide(tenant, v.id, "reschedule")
    assert not decision.allowed and decision.rule == "reschedule.max_per_appointment"
    with pytest.raises(PolicyDenied):
        await svc.reschedule(tenant, v.id, req("cut", "anna", 2026, 11, 23, 13, 0), call_id="c", reason=None)


async def test_cancel_fee_and_notice(svc, tenant, clock, db):
    soon, _ = await svc.book(tenant, req("cut", "anna", 2026, 11, 21, 16, 0), LENA, "c1")  # ~30 h ahead
    later, _ = await svc.book(tenant, req("cut", "anna", 2026, 11, 25, 10, 0), LENA, "c1")
    d = await svc.decide(tenant, soon.id, "cancel")
    assert d.allowed and d.fee == Decimal("10.00") and d.rule == "cancel.fee_tier"
    assert await count(db, m.AuditEntry) == 2  # dry run wrote nothing
    view, d2 = await svc.cancel(tenant, soon.id, call_id="c2", reason="sick")
    assert view.status == "cancelled" and d2.fee == Decimal("10.00")
    free = await svc.decide(tenant, later.id, "cancel")
    assert free.allowed and free.fee == 0 and free.rule == "cancel.free" and free.deadline == at(2026, 11, 23, 10, 0)
    # the same call again (a retry whose answer was lost) hears the first outcome; nothing is written
    again, d3 = await svc.cancel(tenant, soon.id, call_id="c2", reason=None)
    assert again.status == "cancelled" and d3 == d2 and await count(db, m.AuditEntry) == 3
    with pytest.raises(InvalidTransition):  # any other call: it is gone
        await svc.cancel(tenant, soon.id, call_id="c9", reason=None)
    # the cancelled slot is free again
    assert (await svc.check(tenant, req("cut", "anna", 2026, 11, 21, 16, 0), None)).available
    clock.advance(3600 * 20)  # now 10 h before `later`... no: later is 4 days out; use a close one
    close, _ = await svc.book(tenant, req("cut", "anna", 2026, 11, 21, 16, 0), LENA, "c3")
    denied = await svc.decide(tenant, close.id, "cancel")
    assert not denied.allowed and denied.rule == "cancel.notice"
    with pytest.raises(PolicyDenied) as info:
        await svc.cancel(tenant, close.id, call_id="c3", reason=None)
    assert info.value.decision.rule == "cancel.notice"


async def test_cancel_max_per_month(svc, tenant):
    ids = []
    for h in (10, 11, 12):
        v, _ = await svc.book(tenant, req("cut", "anna", 2026, 11, 27, h, 0), LENA, f"c{h}")
        ids.append(v.id)
    await svc.cancel(tenant, ids[0], call_id="x", reason=None)
    await svc.cancel(tenant, ids[1], call_id="x", reason=None)
    d = await svc.decide(tenant, ids[2], "cancel")
    assert not d.allowed and d.rule == "cancel.max_per_month"


async def test_outbox_and_audit_rows(db, clock):
    from booking_core.service import BookingService
    from booking_core.tenant_store import save_tenant

    tenant = make_tenant(
        "t-hooks", integrations={"calcom": {"enabled": True}, "webhooks": ["https://example.test/hook"]}
    )
    await save_tenant(db, tenant, clock.now())
    svc = BookingService(db, clock)
    v, _ = await svc.book(tenant, req("cut", "anna", 2026, 11, 23, 10, 0), LENA, "c1")
    await svc.reschedule(tenant, v.id, req("cut", "anna", 2026, 11, 23, 11, 0), call_id="c1", reason=None)
    await svc.cancel(tenant, v.reference, call_id="c1", reason="x")
    async with db.read() as s:
        rows = (await s.scalars(select(m.OutboxMessage).order_by(m.OutboxMessage.id))).all()
    assert [(r.topic, r.target) for r in rows] == [
        ("appointment.created", "calcom"),
        ("appointment.created", "webhook"),
        ("appointment.rescheduled", "calcom"),
        ("appointment.rescheduled", "webhook"),
        ("appointment.cancelled", "calcom"),
        ("appointment.cancelled", "webhook"),
    ]
    assert rows[1].payload["url"] == "https://example.test/hook"
    assert rows[2].payload["old_start"] == at(2026, 11, 23, 10, 0).isoformat()
    assert rows[0].payload["price"] == {"amount": "35.00", "currency": "EUR"}
    assert rows[0].payload["customer"] == {"name": "Lena Vogel", "phone": "+4915100000017"}
    assert rows[0].payload["tenant_id"] == "t-hooks"


async def test_lifecycle_and_progress(svc, tenant, clock, db):
    v = await seed(
        svc, tenant, service_id="colour-free", staff_id="anna", start=at(2026, 11, 20, 10, 30), customer=LENA
    )
    with pytest.raises(InvalidTransition):
        await svc.transition(tenant, v.id, "completed", actor="staff")
    confirmed = await svc.transition(tenant, v.id, "confirmed", actor="staff")
    assert confirmed.status == "confirmed" and confirmed.version == v.version + 1
    assert await svc.progress(tenant) == 0
    clock.set(at(2026, 11, 20, 10, 45))
    assert await svc.progress(tenant) == 1
    assert (await svc.get_appointment(tenant, v.id)).status == "in_progress"
    assert await svc.progress(tenant) == 0
    clock.set(at(2026, 11, 20, 11, 15))
    assert await svc.progress(tenant) == 1
    assert (await svc.get_appointment(tenant, v.id)).status == "paused"
    clock.set(at(2026, 11, 20, 12, 0))
    assert await svc.progress(tenant) == 1
    assert (await svc.get_appointment(tenant, v.id)).status == "completed"
    with pytest.raises(InvalidTransition):
        await svc.transition(tenant, v.id, "cancelled", actor="staff")
    assert await count(db, m.AuditEntry, m.AuditEntry.action == "status_changed") == 4


async def test_no_show_releases_staff(svc, tenant):
    v = await seed(svc, tenant, service_id="cut", staff_id="anna", start=at(2026, 11, 23, 10, 0), customer=LENA)
    assert not (await svc.check(tenant, req("cut", "anna", 2026, 11, 23, 10, 0), None)).available
    await svc.transition(tenant, v.id, "no_show", actor="staff")
    assert (await svc.check(tenant, req("cut", "anna", 2026, 11, 23, 10, 0), None)).available


async def test_find_and_tenant_scoping(svc, tenant, db, clock):
    from booking_core.tenant_store import save_tenant

    v, _ = await svc.book(
        tenant, req("cut", "anna", 2026, 11, 23, 10, 0), CustomerInput("Jürgen Müller", "+4915100000099"), "c1"
    )
    other = make_tenant("t2")
    await save_tenant(db, other, clock.now())
    assert await svc.get_appointment(other, v.id) is None
    assert await svc.get_appointment(other, v.reference) is None
    assert (await svc.get_appointment(tenant, v.reference.lower())).id == v.id
    assert [a.id for a in await svc.find_appointments(tenant, name="juergen mueller")] == [v.id]
    assert [a.id for a in await svc.find_appointments(tenant, name="MULLER")] == [v.id]
    assert await svc.find_appointments(other, name="Müller") == []
    assert [a.id for a in await svc.upcoming_for_phone(tenant, "+4915100000099")] == [v.id]
    assert [a.id for a in await svc.find_appointments(tenant, day=at(2026, 11, 23).date())] == [v.id]
    # another name on the same number is another customer with that phone (CONTRACT section 14)
    await svc.book(
        tenant, req("cut", "anna", 2026, 11, 24, 10, 0), CustomerInput("Someone Else", "+4915100000099"), "c2"
    )
    assert [a.customer_name for a in await svc.upcoming_for_phone(tenant, "+4915100000099")] == [
        "Jürgen Müller",
        "Someone Else",
    ]
    assert len(await svc.appointments_for_tenant(tenant)) == 2
    cb = await svc.create_callback(tenant, call_id="c1", customer_name="X", phone=None, reason="r", details={"a": 1})
    assert cb


async def test_withheld_number_books(svc, tenant):
    v, created = await svc.book(tenant, req("cut", None, 2026, 11, 23, 10, 0), CustomerInput("Anon", None), "c1")
    assert created and v.customer_phone is None and v.customer_name == "Anon"


@pytest.mark.parametrize(("day", "utc_hour"), [((2026, 10, 25), 15), ((2027, 3, 28), 14)])
async def test_booking_on_dst_days(svc, tenant, clock, db, day, utc_hour):
    clock.set(at(*day) - timedelta(days=3))
    nxt = await svc.check(tenant, SlotRequest("colour-free", "anna", at(*day), at(*day, 23, 59), exact=False), None)
    assert nxt.slots[0].start == at(*day, 9, 0)
    v, _ = await svc.book(tenant, req("colour-free", "anna", *day, 16, 30), LENA, "c-dst")
    assert v.end == at(*day, 18, 0)
    async with db.read() as s:
        appt = await s.get(m.Appointment, v.id)
    assert (
        appt.start == at(*day, 16, 30) and appt.start.hour == utc_hour and appt.start.utcoffset().total_seconds() == 0
    )
    assert (await svc.check(tenant, req("cut", "anna", *day, 9, 0), None)).available

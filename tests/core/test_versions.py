"""Optimistic locking inside the core transaction (issue 21): move, cancel and status changes given an
`expected_version` are refused with ChangedMeanwhile when the stored version differs, and write nothing;
an owner's policy override of a cancel is audited with its reason and actor. Both engines."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from booking_core.clock import FrozenClock
from booking_core.domain import CustomerInput, SlotRequest
from booking_core.errors import ChangedMeanwhile, PolicyDenied
from booking_core.service import BookingService
from booking_core.storage import models as m
from booking_core.storage.db import Database
from booking_core.tenant_store import save_tenant
from tests.core.helpers import at, make_tenant

LENA = CustomerInput("Lena Vogel", "+4915100000017")


async def snapshot(db: Database) -> tuple[list[tuple[object, ...]], int, int]:
    """Every appointment's (status, version, start, staff), the audit and outbox row counts."""
    async with db.read() as s:
        rows = (
            await s.execute(
                select(m.Appointment.status, m.Appointment.version, m.Appointment.start, m.Appointment.staff_id)
            )
        ).all()
        audits = await s.scalar(select(func.count()).select_from(m.AuditEntry))
        outbox = await s.scalar(select(func.count()).select_from(m.OutboxMessage))
    return [tuple(r) for r in rows], int(audits or 0), int(outbox or 0)


def req(staff: str, hour: int) -> SlotRequest:
    return SlotRequest("cut", staff, at(2026, 11, 23, hour, 0))


async def test_each_change_with_a_stale_version_is_refused_and_writes_nothing(svc, tenant, db):
    v, _ = await svc.book(tenant, req("anna", 10), LENA, "c1")
    assert v.version == 1
    moved, _ = await svc.reschedule(tenant, v.id, req("anna", 11), call_id=None, reason=None, expected_version=1)
    assert moved.version == 2 and moved.start == at(2026, 11, 23, 11, 0)
    before = await snapshot(db)
    with pytest.raises(ChangedMeanwhile) as info:
        await svc.reschedule(tenant, v.id, req("anna", 12), call_id=None, reason=None, expected_version=1)
    assert (info.value.expected, info.value.current) == (1, 2)
    with pytest.raises(ChangedMeanwhile):
        await svc.cancel(tenant, v.id, call_id=None, reason=None, expected_version=1)
    with pytest.raises(ChangedMeanwhile):
        await svc.transition(tenant, v.id, "confirmed", actor="staff", expected_version=1)
    assert await snapshot(db) == before
    confirmed = await svc.transition(tenant, v.id, "confirmed", actor="staff", expected_version=2)
    assert confirmed.status == "confirmed" and confirmed.version == 3
    cancelled, _ = await svc.cancel(tenant, v.id, call_id=None, reason="ill", expected_version=3)
    assert cancelled.status == "cancelled" and cancelled.version == 4


async def test_without_an_expected_version_changes_work_as_before(svc, tenant):
    v, _ = await svc.book(tenant, req("anna", 10), LENA, "c1")
    await svc.transition(tenant, v.id, "confirmed", actor="staff")
    moved, _ = await svc.reschedule(tenant, v.id, req("anna", 12), call_id=None, reason=None)
    assert moved.version == 3


async def test_an_override_cancels_despite_the_policy_and_is_audited(svc, tenant, clock, db):
    clock.advance(3600 * 20)  # the appointment below is then within the notice period
    close, _ = await svc.book(tenant, SlotRequest("cut", "anna", at(2026, 11, 21, 16, 0)), LENA, "c3")
    with pytest.raises(PolicyDenied):
        await svc.cancel(tenant, close.id, call_id=None, reason=None, actor="portal:owner@x")
    before = await snapshot(db)
    with pytest.raises(ValueError):  # an override without a reason
        await svc.cancel(tenant, close.id, call_id=None, reason="  ", actor="portal:owner@x", override_policy=True)
    assert await snapshot(db) == before
    view, decision = await svc.cancel(
        tenant, close.id, call_id=None, reason="customer in hospital", actor="portal:owner@x", override_policy=True
    )
    assert view.status == "cancelled" and not decision.allowed and decision.rule == "cancel.notice"
    async with db.read() as s:
        entry = (
            await s.scalars(select(m.AuditEntry).where(m.AuditEntry.action == "cancelled").order_by(m.AuditEntry.id))
        ).all()[-1]
    assert entry.actor == "portal:owner@x" and entry.reason == "customer in hospital"
    assert entry.policy["overridden"] is True and entry.policy["rule"] == "cancel.notice"


@pytest.mark.postgres
async def test_two_writers_with_the_same_version_one_wins(postgres_url):
    """Two connections change one appointment at once, both from version 1: exactly one change lands,
    the other is told "changed meanwhile" (the compare-and-set inside the transaction, not the edge)."""
    tenant = make_tenant()
    clock = FrozenClock(at(2026, 11, 20, 10))
    setup = Database(postgres_url)
    await save_tenant(setup, tenant, clock.now())
    v, _ = await BookingService(setup, clock).book(tenant, req("anna", 10), LENA, "c1")
    dbs = [Database(postgres_url, pool_size=1) for _ in range(8)]
    try:

        async def attempt(i: int) -> object:
            svc = BookingService(dbs[i], clock)
            try:
                if i % 2:
                    return await svc.transition(tenant, v.id, "confirmed", actor=f"s{i}", expected_version=1)
                moved, _ = await svc.reschedule(
                    tenant, v.id, req("anna", 11 + i // 2), call_id=None, reason=None, expected_version=1
                )
                return moved
            except ChangedMeanwhile as exc:
                return exc

        results = await asyncio.gather(*(attempt(i) for i in range(8)))
        wins = [r for r in results if not isinstance(r, ChangedMeanwhile)]
        assert len(wins) == 1, results
        rows, audits, _ = await snapshot(setup)
        assert rows[0][1] == 2 and audits == 2  # created + the one change
    finally:
        for d in dbs:
            await d.dispose()
        await setup.dispose()

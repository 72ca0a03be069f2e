"""New appointment rows: the appointment and its segments, written from a plan in one session.

The segment rows are what the slot search reads back as busy (`booking_store.load_busy`); on
PostgreSQL their exclusion constraint is the last guard against a double booking.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core import lifecycle, package_credits
from booking_core.availability import from_minute
from booking_core.booking_store import view
from booking_core.customers import fold_name
from booking_core.domain import AppointmentView, appointment_to_dict
from booking_core.layout import AppointmentSegment
from booking_core.records import audit, audit_values, outbox
from booking_core.references import CHECKED_ATTEMPTS, candidate
from booking_core.request import BookingContext
from booking_core.slots import Plan
from booking_core.storage import models as m
from booking_core.storage.db import dialect_insert
from booking_core.tenant_config import Service
from booking_core.vocabulary import AppointmentStatus, AuditAction, OutboxTopic

__all__ = ["insert_appointment", "insert_booking", "insert_recorded", "segment_rows", "segment_values"]


async def insert_appointment(
    session: AsyncSession,
    ctx: BookingContext,
    service: Service,
    plan: Plan,
    customer: m.Customer | None,
    *,
    status: AppointmentStatus = AppointmentStatus.SCHEDULED,
    reference: str | None = None,
    notes: str | None = None,
    idempotent: bool = True,
    series_id: str | None = None,
    visit_id: str | None = None,
    created: Callable[[m.Appointment, list[m.AppointmentSegment]], dict[str, Any]] | None = None,
) -> tuple[m.Appointment, list[m.AppointmentSegment]]:
    """Add the appointment of `plan` for `ctx.call_id` with its segment rows, and flush.

    The price is the first segment's staff member's price for the service, else the service's.
    `reference`: as given, else a new one. `idempotent`: with a call id, set the key that makes the
    same call booking the same thing for the same person twice collide (a unique index), so a retry
    finds the first. `series_id`: the recurring series the appointment is one occurrence of;
    `visit_id`: the visit it is a part of. `created`: the `new` of the appointment's `created` audit
    row from the rows as written, when this function is to write that row too (on PostgreSQL in the
    same statement as the appointment)."""
    tenant = ctx.tenant
    member = ctx.cal.staff[plan[0].staff_id]
    start = from_minute(plan[0].start)
    call_id = ctx.call_id
    values: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "tenant_id": tenant.id,
        "reference": reference,
        "service_id": service.id,
        "staff_id": member.id,
        "customer_id": customer.id if customer else None,
        "status": status,
        "start": start,
        "end": from_minute(max(p.end for p in plan)),
        "price": member.prices.get(service.id, service.price),
        "currency": tenant.currency,
        "notes": notes,
        "call_id": call_id,
        "idempotency_key": _idempotency_key(call_id, service.id, member.id, start, customer)
        if call_id and idempotent
        else None,
        "reschedule_count": 0,
        "version": 1,
        "created_at": ctx.now,
        "updated_at": ctx.now,
        "series_id": series_id,
        "visit_id": visit_id,
    }
    await session.flush()  # rows the session holds go first (the customer's email, a package card)
    segments = [segment_values(tenant.id, values["id"], p, live=status not in lifecycle.RELEASING) for p in plan]

    def written() -> tuple[m.Appointment, list[m.AppointmentSegment]]:
        # the rows as written, outside the session (callers read their columns)
        return m.Appointment(**values), [m.AppointmentSegment(**row) for row in segments]

    def audit_row() -> dict[str, Any] | None:  # (its `new` names the reference being tried)
        if created is None:
            return None
        return audit_values(ctx, values["id"], AuditAction.CREATED, old=None, new=created(*written()), reason=None)

    await _insert_rows(session, values, segments, audit_row)
    return written()


async def _insert_rows(
    session: AsyncSession,
    values: dict[str, Any],
    segments: list[dict[str, Any]],
    audit_row: Callable[[], dict[str, Any] | None],
) -> None:
    """INSERT the appointment row and its segment rows. Without a reference, each `references.candidate`
    is tried in the INSERT itself (ON CONFLICT on (tenant, reference) DO NOTHING: no SELECT before)
    until one is free; any other conflict (the idempotency key, the segments' exclusion constraint)
    raises IntegrityError as before. On PostgreSQL both tables are written by one statement (the
    appointment's INSERT a CTE the segments, and the audit row when there is one, are selected from:
    nothing when the code was taken)."""
    table = cast(Table, m.Appointment.__table__)
    dialect = session.get_bind().dialect.name
    given = values["reference"] is not None
    for attempt in range(CHECKED_ATTEMPTS + 1):
        if not given:
            values["reference"] = candidate(attempt)
        head = dialect_insert(dialect, table).values(values)
        if not given and attempt < CHECKED_ATTEMPTS:  # checked: a code taken writes nothing, try the next
            head = head.on_conflict_do_nothing(index_elements=["tenant_id", "reference"])
        logged = audit_row()
        if dialect == "postgresql":
            if len((await session.execute(_with_segments(head, segments, logged))).all()) == len(segments):
                return
        elif (await session.execute(head.returning(table.c.id))).first() is not None:
            await session.execute(insert(_SEGMENTS), segments)
            if logged is not None:
                await session.execute(insert(_AUDIT).values(logged))
            return
    raise AssertionError("the last code is written unchecked")  # pragma: no cover


_SEGMENTS = cast(Table, m.AppointmentSegment.__table__)
_AUDIT = cast(Table, m.AuditEntry.__table__)
_SEGMENT_COLUMNS = (
    "tenant_id",
    "staff_id",
    "key",
    "name",
    "position",
    "start",
    "end",
    "busy_until",
    "staff_busy",
    "live",
)


def _with_segments(head: Any, segments: list[dict[str, Any]], logged: dict[str, Any] | None) -> Any:
    """INSERT INTO appointment_segments SELECT the appointment's id (its INSERT ... RETURNING id as a CTE)
    with each segment's columns, RETURNING id: one row per segment written, none when `head` wrote
    nothing; with `logged`, the audit row too (a CTE selecting it once per appointment written)."""
    booked = head.returning(m.Appointment.__table__.c.id).cte("booked")
    # one SELECT of literals per segment (a VALUES list would do, but SQLAlchemy compiles it afresh each time)
    rows = [select(booked.c.id, *(literal(row[c], _SEGMENTS.c[c].type) for c in _SEGMENT_COLUMNS)) for row in segments]
    source = rows[0] if len(rows) == 1 else union_all(*rows)
    statement = insert(_SEGMENTS).from_select(["appointment_id", *_SEGMENT_COLUMNS], source)
    if logged is not None:
        row = select(*(literal(v, _AUDIT.c[k].type) for k, v in logged.items())).select_from(booked)
        statement = statement.add_cte(insert(_AUDIT).from_select(list(logged), row).cte("logged"))
    return statement.returning(_SEGMENTS.c.id)


async def insert_booking(
    session: AsyncSession,
    ctx: BookingContext,
    service: Service,
    plan: Plan,
    customer: m.Customer | None,
    notes: str | None = None,
    *,
    series_id: str | None = None,
    visit_id: str | None = None,
) -> AppointmentView:
    """`insert_appointment` with its `created` audit row (in the same statement when no package card can
    pay for it; else after the card was used, which the audit row names): the appointment as the
    caller is told it."""
    if customer is not None and ctx.tenant.packages_for(service.id):  # the one query more, only then
        appt, segments = await insert_appointment(
            session, ctx, service, plan, customer, notes=notes, series_id=series_id, visit_id=visit_id
        )
        v = view(ctx.cal, appt, segments, customer)
        v = replace(
            v, package=await package_credits.use_credit(session, ctx, service.id, customer.id, appt.id, v.start)
        )
        audit(session, ctx, appt.id, AuditAction.CREATED, old=None, new=appointment_to_dict(v), reason=None)
        return v
    appt, segments = await insert_appointment(
        session,
        ctx,
        service,
        plan,
        customer,
        notes=notes,
        series_id=series_id,
        visit_id=visit_id,
        created=lambda a, s: appointment_to_dict(view(ctx.cal, a, s, customer)),
    )
    return view(ctx.cal, appt, segments, customer)


async def insert_recorded(
    session: AsyncSession,
    ctx: BookingContext,
    service: Service,
    plan: Plan,
    customer: m.Customer | None,
    *,
    notes: str | None = None,
    series_id: str | None = None,
    visit_id: str | None = None,
) -> AppointmentView:
    """`insert_booking` for one part of a series or a visit, with its outbox message written in the same
    session: the appointment as the caller is told it. A card of the customer's for the service pays
    for it while it has credits (booking_core.package_credits)."""
    v = await insert_booking(session, ctx, service, plan, customer, notes, series_id=series_id, visit_id=visit_id)
    await outbox(session, ctx, OutboxTopic.APPOINTMENT_CREATED, appointment_to_dict(v))
    return v


def _idempotency_key(call_id: str, service_id: str, staff_id: str, start: datetime, customer: m.Customer | None) -> str:
    """One booking per call, service, staff, start and customer name: the retry of a write lost in
    flight meets the first write here; a family member at the same time does not (CONTRACT section 14)."""
    name = fold_name(customer.name or "") if customer is not None else ""
    return f"{call_id}|{service_id}|{staff_id}|{start.isoformat()}|{name[:40]}"[:200]


def segment_rows(tenant_id: str, appointment_id: str, plan: Plan, live: bool = True) -> list[m.AppointmentSegment]:
    """The `appointment_segments` rows of a plan; `live` False for appointments that free the staff."""
    return [m.AppointmentSegment(**segment_values(tenant_id, appointment_id, p, live)) for p in plan]


def segment_values(tenant_id: str, appointment_id: str, p: AppointmentSegment, live: bool) -> dict[str, Any]:
    """The `appointment_segments` columns of one planned segment (instants as UTC datetimes); `live` is
    False for an appointment whose status releases its staff (lifecycle.RELEASING)."""
    return {
        "appointment_id": appointment_id,
        "tenant_id": tenant_id,
        "staff_id": p.staff_id,
        "key": p.key,
        "name": p.name,
        "position": p.position,
        "start": from_minute(p.start),
        "end": from_minute(p.end),
        "busy_until": from_minute(p.busy_until),
        "staff_busy": p.staff_busy,
        "live": live,
    }

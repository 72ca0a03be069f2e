"""Appointments as they were at an earlier moment, rebuilt from the audit log.

The audit log (append-only, `audit_log`) has a row for every change of an appointment: `created`
with the whole appointment in `new`; `rescheduled` and `cancelled` with the whole appointment before
and after; `status_changed` (and a staff cancellation) with `{"status", "version"}` only. Folding an
appointment's rows up to a moment gives the appointment as it was then, in the section-3 shape of
`appointment_to_dict` (`{"id", "reference", "status", "start", "end", "service": {"id", "name"},
"staff": {"id", "name"}, "customer": {"name", "phone"}, ...}`, times ISO 8601).

Used to capture a real call as a replay fixture (CONTRACT section 13): the appointments of the days
the call looked at, before the call changed any of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from booking_core.storage import models as m
from booking_core.storage.db import Database

__all__ = ["AppointmentHistory", "Change", "appointment_history", "histories"]


@dataclass(frozen=True)
class Change:
    """One audit row of an appointment: when, by which call (None: staff, setup, the clock), what; who
    (`actor`: "agent", "system", "portal:<email>", ...), why (`reason`) and under which policy decision
    (`policy`, as `PolicyDecision.to_dict`, with ``"overridden": true`` when an owner overrode it)."""

    at: datetime
    call_id: str | None
    action: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    actor: str | None = None
    reason: str | None = None
    policy: dict[str, Any] | None = None


@dataclass(frozen=True)
class AppointmentHistory:
    """Every recorded change of one appointment, oldest first."""

    id: str
    changes: tuple[Change, ...]

    def at(self, instant: datetime, *, without_call: str | None = None) -> dict[str, Any] | None:
        """The appointment as it was at `instant` (changes at that very moment included), leaving out
        every change made by the call `without_call`; None when it did not exist yet."""
        state: dict[str, Any] | None = None
        for change in self.changes:
            if change.at > instant or (without_call is not None and change.call_id == without_call):
                continue
            if change.new is None:
                continue
            if change.action == "created" or "start" in change.new:  # the whole appointment
                state = dict(change.new)
            elif state is not None:  # a status change carries only what changed
                state = {**state, **change.new}
        return state

    def changed_by(self, call_id: str) -> list[Change]:
        return [c for c in self.changes if c.call_id == call_id]


async def histories(
    db: Database,
    tenant_id: str,
    *,
    since: datetime,
    call_id: str | None,
    starting: tuple[datetime, datetime] | None,
    customer_phone: str | None,
) -> list[AppointmentHistory]:
    """The histories of the tenant's appointments that can matter for a moment `since`: those now
    starting within `starting` (UTC bounds, end exclusive), those changed at or after `since` or by the
    call `call_id` (they may have been elsewhere before), and those of the customer with this phone."""
    ids: set[str] = set()
    async with db.read() as session:
        if starting is not None:
            first, end = starting
            ids.update(
                await session.scalars(
                    select(m.Appointment.id).where(
                        m.Appointment.tenant_id == tenant_id, m.Appointment.start >= first, m.Appointment.start < end
                    )
                )
            )
        later = [m.AuditEntry.at >= since] + ([m.AuditEntry.call_id == call_id] if call_id else [])
        ids.update(
            await session.scalars(
                select(m.AuditEntry.entity_id).where(
                    m.AuditEntry.tenant_id == tenant_id, m.AuditEntry.entity == "appointment", or_(*later)
                )
            )
        )
        if customer_phone:
            ids.update(
                await session.scalars(
                    select(m.Appointment.id)
                    .join(m.Customer, m.Customer.id == m.Appointment.customer_id)
                    .where(m.Customer.tenant_id == tenant_id, m.Customer.phone == customer_phone)
                )
            )
        rows = await _changes(session, tenant_id, sorted(ids))
    return [AppointmentHistory(appointment_id, tuple(changes)) for appointment_id, changes in sorted(rows.items())]


async def _changes(session: Any, tenant_id: str, ids: Sequence[str]) -> dict[str, list[Change]]:
    out: dict[str, list[Change]] = {}
    for chunk in _chunks(ids, 500):
        query = (
            select(m.AuditEntry)
            .where(
                m.AuditEntry.tenant_id == tenant_id,
                m.AuditEntry.entity == "appointment",
                m.AuditEntry.entity_id.in_(chunk),
            )
            .order_by(m.AuditEntry.id)
        )
        for row in await session.scalars(query):
            out.setdefault(row.entity_id, []).append(
                Change(row.at, row.call_id, row.action, row.old, row.new, row.actor, row.reason, row.policy)
            )
    return out


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def appointment_history(db: Database, tenant_id: str, appointment_id: str) -> AppointmentHistory:
    """Every audit row of one of the tenant's appointments, oldest first (empty for another tenant's id)."""
    async with db.read() as session:
        rows = await _changes(session, tenant_id, [appointment_id])
    return AppointmentHistory(appointment_id, tuple(rows.get(appointment_id, [])))

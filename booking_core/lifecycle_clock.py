"""Moving appointments along by the clock (CONTRACT section 9), for every tenant at once.

Once a minute the worker calls `advance(db, now)`: scheduled|confirmed -> in_progress at the first
segment's start -> paused in a gap in which the staff is free -> in_progress -> completed at the end
(`lifecycle.time_spans` and `status_at` decide; this module only reads and writes).

Safe with several workers on PostgreSQL: each change is a conditional UPDATE ... WHERE id IN (...)
AND status = <the status read> RETURNING id, so of two workers that read the same appointment only
one moves it (the other's UPDATE finds the status changed and returns nothing), and an audit row is
written only for the ids that moved: no transition twice, none lost (a worker that read a stale
status writes nothing, the one that moved it wrote the audit). One step per tick and appointment
when several are due at once (a worker that was down) is never needed: the path is applied whole.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select, update

from booking_core import lifecycle
from booking_core.availability import to_minute, to_minute_ceil
from booking_core.storage import models as m
from booking_core.storage.db import Database

__all__ = ["AdvanceReport", "advance"]

CHUNK = 500  # ids per statement: well inside both engines' parameter limits


@dataclass
class AdvanceReport:
    examined: int = 0
    moved: int = 0  # appointments whose status changed
    transitions: int = 0  # audit rows written (a jump scheduled -> completed is two)
    by_status: dict[str, int] = field(default_factory=dict)


async def advance(db: Database, now: datetime, *, tenant_id: str | None = None) -> AdvanceReport:
    """Move every active appointment whose time has come to the status the clock gives it."""
    report = AdvanceReport()
    now_min = to_minute(now)
    query = select(m.Appointment.id, m.Appointment.tenant_id, m.Appointment.status).where(
        m.Appointment.status.in_(sorted(lifecycle.ACTIVE)), m.Appointment.start <= now
    )
    if tenant_id is not None:
        query = query.where(m.Appointment.tenant_id == tenant_id)
    async with db.read() as session:
        appts = (await session.execute(query)).all()
        report.examined = len(appts)
        segments: dict[str, list[tuple[int, int, int, bool]]] = defaultdict(list)
        ids = [a.id for a in appts]
        for i in range(0, len(ids), CHUNK):
            rows = await session.execute(
                select(
                    m.AppointmentSegment.appointment_id,
                    m.AppointmentSegment.start,
                    m.AppointmentSegment.end,
                    m.AppointmentSegment.busy_until,
                    m.AppointmentSegment.staff_busy,
                ).where(m.AppointmentSegment.appointment_id.in_(ids[i : i + CHUNK]))
            )
            for aid, start, end, busy_until, staff_busy in rows.all():
                segments[aid].append(
                    (to_minute(start), to_minute_ceil(end), to_minute_ceil(busy_until), bool(staff_busy))
                )
    # (old status, path) -> [(id, tenant)]
    moves: dict[tuple[str, tuple[str, ...]], list[tuple[str, str]]] = defaultdict(list)
    for aid, tid, status in appts:
        target = lifecycle.status_at(lifecycle.time_spans(segments.get(aid, [])), now_min)
        path: tuple[str, ...] = tuple(lifecycle.path(status, target)) if target else ()
        if path:
            moves[(status, path)].append((aid, tid))
    for (old, steps), items in moves.items():
        for i in range(0, len(items), CHUNK):
            await _move(db, old, steps, items[i : i + CHUNK], now, report)
    return report


async def _move(
    db: Database, old: str, steps: tuple[str, ...], items: list[tuple[str, str]], now: datetime, report: AdvanceReport
) -> None:
    tenants = dict(items)
    async with db.write() as session:
        moved = (
            await session.execute(
                update(m.Appointment)
                .where(m.Appointment.id.in_(list(tenants)), m.Appointment.status == old)
                .values(status=steps[-1], version=m.Appointment.version + 1, updated_at=now)
                .returning(m.Appointment.id, m.Appointment.version)
                .execution_options(synchronize_session=False)
            )
        ).all()
        audit = []
        for aid, version in moved:
            before = old
            for step in steps:
                audit.append(
                    {
                        "tenant_id": tenants[aid],
                        "at": now,
                        "actor": "system",
                        "call_id": None,
                        "entity": "appointment",
                        "entity_id": aid,
                        "action": "status_changed",
                        "old": {"status": before},
                        "new": {"status": step, "version": version},
                        "reason": "time",
                        "policy": None,
                    }
                )
                before = step
        if audit:
            await session.execute(insert(m.AuditEntry), audit)
    report.moved += len(moved)
    report.transitions += len(moved) * len(steps)
    report.by_status[steps[-1]] = report.by_status.get(steps[-1], 0) + len(moved)

"""Loading tenants in bulk: many validated configs written in one transaction, a few statements per table.

What `save_tenant` used to do per tenant (an ORM object per row, a lookup per service and staff
member, a flush per step) cost hundreds of round trips per tenant: 500 bench tenants took minutes.
Here every table gets one DELETE or UPDATE over all the tenants' ids and one executemany INSERT of
all their rows, so loading is bound by the rows written, not by round trips. The rows are the same
as the row-by-row load wrote (tests/core/test_tenant_bulk.py compares both on both engines):
catalogue, staff, hours, absences, closures and routes replaced; services and staff that a file no
longer names kept but marked inactive (appointments refer to them); appointments and calls untouched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.storage import models as m
from booking_core.storage.db import Database
from booking_core.tenant_config import WEEKDAYS, TenantConfig

__all__ = ["save_tenants"]

CHUNK = 500  # ids per IN list and rows per INSERT batch: far below either engine's parameter limit
_REPLACED = (m.StaffService, m.Absence, m.WeeklyHours, m.Closure, m.ServiceSegment, m.PhoneNumber, m.AgentRoute)
_KEPT = (m.Service, m.StaffMember)


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


async def save_tenants(db: Database, configs: Sequence[TenantConfig], now: datetime) -> dict[str, int]:
    """Upsert every tenant in `configs` and everything it owns, in one transaction; returns each
    tenant's new revision by id (1 for a new tenant, else the stored one plus 1).

    Raises ValueError when an id appears twice (which of the two is meant?), and the database's
    IntegrityError, with nothing written, when a phone number or agent id belongs to another tenant.
    """
    ids = [c.id for c in configs]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValueError(f"tenant ids given more than once: {', '.join(repeated)}")
    if not configs:
        return {}
    async with db.write() as session:
        await _upsert_tenants(session, db, configs, now)
        for chunk in _chunks(ids):
            for model in _REPLACED:
                await session.execute(delete(model).where(model.tenant_id.in_(chunk)))
            for kept in _KEPT:
                await session.execute(update(kept).where(kept.tenant_id.in_(chunk)).values(active=False))
        await _upsert(session, db, m.Service, ("tenant_id", "id"), [r for c in configs for r in _services(c)])
        await _upsert(session, db, m.StaffMember, ("tenant_id", "id"), [r for c in configs for r in _staff(c)])
        for model, rows in _children(configs):
            await _insert(session, model, rows)
        revisions: dict[str, int] = {}
        for chunk in _chunks(ids):
            found = await session.execute(select(m.Tenant.id, m.Tenant.revision).where(m.Tenant.id.in_(chunk)))
            revisions.update({tenant_id: revision for tenant_id, revision in found})
    return revisions


async def _upsert_tenants(session: AsyncSession, db: Database, configs: Sequence[TenantConfig], now: datetime) -> None:
    """The tenants' own rows; a stored tenant's revision goes up by one in the same statement, so two
    loaders never hand out the same revision."""
    rows = [
        {
            "id": c.id,
            "name": c.name,
            "timezone": c.timezone,
            "language": c.language,
            "currency": c.currency,
            "document": c.model_dump(mode="json", by_alias=True, exclude_none=True),
            "revision": 1,
            "updated_at": now,
        }
        for c in configs
    ]
    table = m.Tenant.__table__
    stmt = db.insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.id],
        set_={
            **{col: stmt.excluded[col] for col in ("name", "timezone", "language", "currency", "document")},
            "updated_at": stmt.excluded.updated_at,
            "revision": table.c.revision + 1,
        },
    )
    for batch in _chunks(rows):
        await session.execute(stmt, list(batch))


async def _upsert(
    session: AsyncSession, db: Database, model: Any, keys: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    """Insert `rows`, or update every column of the row with the same key (services and staff are
    kept across loads because appointments refer to them)."""
    if not rows:
        return
    stmt = db.insert(model.__table__)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys), set_={col: stmt.excluded[col] for col in rows[0] if col not in keys}
    )
    for batch in _chunks(rows):
        await session.execute(stmt, list(batch))


async def _insert(session: AsyncSession, model: Any, rows: list[dict[str, Any]]) -> None:
    """Append `rows` (dicts with the same keys) to the model's table: PostgreSQL's COPY on the
    session's own connection (one stream instead of a statement per row: the bulk of a load), an
    executemany INSERT on SQLite (a loop in C over one prepared statement)."""
    if not rows:
        return
    table = model.__table__
    conn = await session.connection()
    if conn.dialect.name == "postgresql":
        columns = list(rows[0])
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        records = [tuple(row[c] for c in columns) for row in rows]
        try:
            await driver.copy_records_to_table(table.name, records=records, columns=columns)
        except Exception as exc:  # the driver's own error: say it as SQLAlchemy does for every other statement
            if str(getattr(exc, "sqlstate", "")).startswith("23"):  # integrity constraint violation
                raise IntegrityError(f"COPY {table.name}", None, exc) from exc
            raise
        return
    for batch in _chunks(rows):
        await session.execute(table.insert(), list(batch))


def _services(c: TenantConfig) -> list[dict[str, Any]]:
    return [
        {
            "tenant_id": c.id,
            "id": s.id,
            "name": s.name,
            "aliases": list(s.aliases),
            "duration_min": s.duration_min,
            "buffer_after_min": s.buffer_after_min,
            "price": s.price,
            "pause_policy": s.pause_policy,
            "staff_per_segment": s.staff_per_segment,
            "policies": s.policies.model_dump(mode="json", exclude_none=True) if s.policies else None,
            "description": s.description,
            "position": position,
            "active": True,
        }
        for position, s in enumerate(c.services)
    ]


def _staff(c: TenantConfig) -> list[dict[str, Any]]:
    return [
        {
            "tenant_id": c.id,
            "id": s.id,
            "name": s.name,
            "aliases": list(s.aliases),
            "position": position,
            "active": True,
        }
        for position, s in enumerate(c.staff)
    ]


def _children(configs: Sequence[TenantConfig]) -> list[tuple[Any, list[dict[str, Any]]]]:
    """The rows of every replaced table, parents (segments of services) before nothing else needs them."""
    segments, offers, hours, absences, closures, numbers, routes = [], [], [], [], [], [], []
    for c in configs:
        tid = c.id
        for s in c.services:
            segments += [
                {
                    "tenant_id": tid,
                    "service_id": s.id,
                    "key": seg.key,
                    "position": position,
                    "name": seg.name,
                    "duration_min": seg.duration_min,
                    "gap_after_min": seg.gap_after_min,
                    "gap_after_max": seg.gap_after_max,
                    "staff_busy": seg.staff_busy,
                }
                for position, seg in enumerate(s.segments)
            ]
        for member in c.staff:
            offers += [
                {"tenant_id": tid, "staff_id": member.id, "service_id": s.id, "price": member.prices.get(s.id)}
                for s in c.services
                if member.does(s.id)
            ]
            own = c.staff_hours(member).items() if member.hours is not None else ()
            hours += [_hours(tid, member.id, day, r) for day, ranges in own for r in ranges]
            absences += [
                {
                    "tenant_id": tid,
                    "staff_id": member.id,
                    "first_day": a.first_day,
                    "last_day": a.last_day,
                    "start": a.start,
                    "end": a.end,
                    "reason": a.reason,
                }
                for a in member.absences
            ]
        hours += [_hours(tid, None, day, r) for day, ranges in c.opening_hours.items() for r in ranges]
        closures += [{"tenant_id": tid, "first_day": x.from_, "last_day": x.to, "reason": x.reason} for x in c.closures]
        numbers += [{"number": n, "tenant_id": tid} for n in c.phone_numbers]
        routes += [{"agent_id": a, "tenant_id": tid} for a in c.agent_ids]
    return [
        (m.ServiceSegment, segments),
        (m.StaffService, offers),
        (m.WeeklyHours, hours),
        (m.Absence, absences),
        (m.Closure, closures),
        (m.PhoneNumber, numbers),
        (m.AgentRoute, routes),
    ]


def _hours(tenant_id: str, staff_id: str | None, day: str, r: Any) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "staff_id": staff_id,
        "weekday": WEEKDAYS.index(day),
        "start": r.start,
        "end": r.end,
    }

"""Loading one tenant row by row, as `tenant_store.save_tenant` did before issue 20 (an ORM object
per row, a lookup per service and staff member), kept as the reference the bulk loader
`booking_core.tenant_bulk.save_tenants` must agree with (tests/core/test_tenant_bulk.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.storage import models as m
from booking_core.storage.db import Database
from booking_core.tenant_config import WEEKDAYS, TenantConfig

__all__ = ["save_tenant_row_by_row"]


def _document(config: TenantConfig) -> dict[str, Any]:
    return config.model_dump(mode="json", by_alias=True, exclude_none=True)


async def save_tenant_row_by_row(db: Database, config: TenantConfig, now: datetime) -> int:
    """Upsert a tenant and everything it owns; returns the new revision."""
    async with db.write() as session:
        tenant = await session.get(m.Tenant, config.id)
        revision = (tenant.revision + 1) if tenant else 1
        if tenant is None:
            tenant = m.Tenant(id=config.id)
            session.add(tenant)
        tenant.name = config.name
        tenant.timezone = config.timezone
        tenant.language = config.language
        tenant.currency = config.currency
        tenant.document = _document(config)
        tenant.revision = revision
        tenant.updated_at = now
        await session.flush()
        await _replace_children(session, config)
    return revision


async def _replace_children(session: AsyncSession, config: TenantConfig) -> None:
    tid = config.id
    for model in (m.StaffService, m.Absence, m.WeeklyHours, m.Closure, m.ServiceSegment, m.PhoneNumber, m.AgentRoute):
        await session.execute(delete(model).where(model.tenant_id == tid))
    # Services and staff are kept (appointments refer to them) and marked inactive when dropped.
    for kept in (m.Service, m.StaffMember):
        await session.execute(update(kept).where(kept.tenant_id == tid).values(active=False))
    for position, service in enumerate(config.services):
        row = await session.get(m.Service, (tid, service.id)) or m.Service(tenant_id=tid, id=service.id)
        row.name, row.aliases, row.duration_min = service.name, list(service.aliases), service.duration_min
        row.buffer_after_min, row.price = service.buffer_after_min, service.price
        row.pause_policy, row.staff_per_segment = service.pause_policy, service.staff_per_segment
        row.description, row.position, row.active = service.description, position, True
        row.policies = service.policies.model_dump(mode="json", exclude_none=True) if service.policies else None
        session.add(row)
        for seg_pos, seg in enumerate(service.segments):
            session.add(
                m.ServiceSegment(
                    tenant_id=tid,
                    service_id=service.id,
                    key=seg.key,
                    position=seg_pos,
                    name=seg.name,
                    duration_min=seg.duration_min,
                    gap_after_min=seg.gap_after_min,
                    gap_after_max=seg.gap_after_max,
                    staff_busy=seg.staff_busy,
                )
            )
    await session.flush()
    for position, member in enumerate(config.staff):
        staff_row = await session.get(m.StaffMember, (tid, member.id)) or m.StaffMember(tenant_id=tid, id=member.id)
        staff_row.name, staff_row.aliases = member.name, list(member.aliases)
        staff_row.position, staff_row.active = position, True
        session.add(staff_row)
    await session.flush()
    for member in config.staff:
        for service in config.services:
            if member.does(service.id):
                session.add(
                    m.StaffService(
                        tenant_id=tid, staff_id=member.id, service_id=service.id, price=member.prices.get(service.id)
                    )
                )
        for day, ranges in config.staff_hours(member).items() if member.hours is not None else ():
            for r in ranges:
                session.add(
                    m.WeeklyHours(
                        tenant_id=tid, staff_id=member.id, weekday=WEEKDAYS.index(day), start=r.start, end=r.end
                    )
                )
        for a in member.absences:
            session.add(
                m.Absence(
                    tenant_id=tid,
                    staff_id=member.id,
                    first_day=a.first_day,
                    last_day=a.last_day,
                    start=a.start,
                    end=a.end,
                    reason=a.reason,
                )
            )
    for day, ranges in config.opening_hours.items():
        for r in ranges:
            session.add(
                m.WeeklyHours(tenant_id=tid, staff_id=None, weekday=WEEKDAYS.index(day), start=r.start, end=r.end)
            )
    for c in config.closures:
        session.add(m.Closure(tenant_id=tid, first_day=c.from_, last_day=c.to, reason=c.reason))
    for number in config.phone_numbers:
        session.add(m.PhoneNumber(number=number, tenant_id=tid))
    for agent_id in config.agent_ids:
        session.add(m.AgentRoute(agent_id=agent_id, tenant_id=tid))

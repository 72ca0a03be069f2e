"""Cost reports over call records: every call of a period costed, aggregated per call, day or month
in the tenant's zone (`booking_core.costs.report`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from booking_core.call_outcomes import outcomes_by_call
from booking_core.calls.fx_rates import load_fx_table
from booking_core.calls.records import cost_view
from booking_core.costs.report import By, CallLine, Report, build_report
from booking_core.storage import models as m
from booking_core.storage.call_models import Call
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig

__all__ = ["call_lines", "cost_report"]


def _local_midnight(day: date, tenant: TenantConfig) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tenant.zone).astimezone(UTC)


async def call_lines(db: Database, tenant: TenantConfig, start: date, end: date) -> list[CallLine]:
    """Every call whose local start date lies in [start, end], costed (unrounded EUR)."""
    lo, hi = _local_midnight(start, tenant), _local_midnight(end + timedelta(days=1), tenant)
    async with db.read() as session:
        rows = list(
            (
                await session.scalars(
                    select(Call).where(Call.tenant_id == tenant.id, Call.started_at >= lo, Call.started_at < hi)
                )
            ).all()
        )
        if not rows:
            return []
        fx = await load_fx_table(session, start, end)
        counts = dict(
            (
                await session.execute(
                    select(m.Appointment.call_id, func.count())
                    .join(Call, (Call.tenant_id == m.Appointment.tenant_id) & (Call.call_id == m.Appointment.call_id))
                    .where(Call.tenant_id == tenant.id, Call.started_at >= lo, Call.started_at < hi)
                    .group_by(m.Appointment.call_id)
                )
            ).all()
        )
        outcomes = await outcomes_by_call(session, tenant.id, [r.call_id for r in rows])
    lines = []
    for row in rows:
        view = cost_view(row, tenant, fx)
        lines.append(
            CallLine(
                call_id=row.call_id,
                started_at=row.started_at,
                duration_s=Decimal(row.duration_ms or 0) / 1000,
                billed_minutes=view.cost.minutes,
                retell_eur=view.retell_eur,
                telephony_eur=view.telephony_eur,
                llm_eur=view.llm_eur,
                billed_eur=view.billed_eur,
                bookings=int(counts.get(row.call_id, 0)),
                state=view.cost.state,
                fx_source=view.fx.source,
                outcomes=frozenset(outcomes.get(row.call_id, ())),
            )
        )
    return lines


async def cost_report(db: Database, tenant: TenantConfig, start: date, end: date, by: By) -> Report:
    return build_report(tenant.id, start, end, by, await call_lines(db, tenant, start, end), tenant.zone)

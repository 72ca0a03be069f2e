"""ECB exchange rates in storage (1 EUR = x USD per day): loading them, and the table a cost
computation needs (`booking_core.costs.fx`). Rates loaded after a call still apply to it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.costs.fx import FxTable
from booking_core.storage.call_models import FxRate
from booking_core.storage.db import Database

__all__ = ["load_fx_table", "store_fx_rates"]


async def store_fx_rates(
    db: Database,
    rates: Mapping[date, Decimal | str],
    *,
    currency: str = "USD",
    source: str = "ecb",
    now: datetime | None = None,
) -> int:
    """Insert or update rates (1 EUR = x `currency`) by date; returns how many were new or changed."""
    if not rates:
        return 0
    now = now or datetime.now(UTC)
    wanted = {(d if isinstance(d, date) else date.fromisoformat(str(d))): Decimal(str(r)) for d, r in rates.items()}
    changed = 0
    async with db.write() as session:
        existing = {
            row.day: row
            for row in (
                await session.scalars(
                    select(FxRate).where(
                        FxRate.currency == currency, FxRate.day >= min(wanted), FxRate.day <= max(wanted)
                    )
                )
            ).all()
        }
        for day, rate in sorted(wanted.items()):
            row = existing.get(day)
            if row is None:
                session.add(FxRate(day=day, currency=currency, rate=rate, source=source, loaded_at=now))
                changed += 1
            elif row.rate != rate:
                row.rate, row.source, row.loaded_at = rate, source, now
                changed += 1
    return changed


async def load_fx_table(session: AsyncSession, first: date, last: date, currency: str = "USD") -> FxTable:
    """The rates needed for calls dated first..last: those in range plus the last one before it
    (or, when there is none before, the earliest one after)."""
    anchor = await session.scalar(select(func.max(FxRate.day)).where(FxRate.currency == currency, FxRate.day <= first))
    if anchor is None:
        anchor = await session.scalar(select(func.min(FxRate.day)).where(FxRate.currency == currency))
        if anchor is None:
            return FxTable({})
    rows = await session.execute(
        select(FxRate.day, FxRate.rate).where(
            FxRate.currency == currency, FxRate.day >= min(anchor, first), FxRate.day <= max(anchor, last)
        )
    )
    return FxTable({day: rate for day, rate in rows.all()})

"""Tables for calls and their costs: one row per (tenant, call id), and ECB exchange rates by date.

A call row keeps the payload of each lifecycle event as received (minus transcripts), so the merge
can be recomputed from scratch: whatever order the events arrive in, the row ends up the same. The
denormalised columns (`started_at`, `status`, ...) are derived from those payloads for queries.
Costs are derived when read (booking_core.calls.records), because they depend on the tenant's current rates
and on exchange rates that may be loaded after the call.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from booking_core.storage.models import Base

__all__ = ["Call", "FxRate"]


class Call(Base):
    __tablename__ = "calls"
    __table_args__ = (Index("ix_calls_tenant_started", "tenant_id", "started_at"),)

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    call_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    # {"call_started": {"received_at": ISO, "call": {...}}, "call_ended": ..., "call_analyzed": ...}
    events: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Derived from `events` on every write:
    status: Mapped[str] = mapped_column(String(16))  # ongoing | ended
    last_event: Mapped[str] = mapped_column(String(32))  # the highest lifecycle event seen
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    disconnection_reason: Mapped[str | None] = mapped_column(String(100))
    from_number: Mapped[str | None] = mapped_column(String(32))
    to_number: Mapped[str | None] = mapped_column(String(32))
    direction: Mapped[str | None] = mapped_column(String(16))
    agent_id: Mapped[str | None] = mapped_column(String(100))
    cost_event: Mapped[str | None] = mapped_column(String(32))  # the event whose call_cost is used
    # Set by hand (reconciliation): a real telephony price replacing the estimate; `reconciled` = final.
    telephony_usd: Mapped[Decimal | None]
    reconciled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class FxRate(Base):
    """ECB reference rate: 1 EUR = `rate` units of `currency` on `day`."""

    __tablename__ = "fx_rates"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    rate: Mapped[Decimal]
    source: Mapped[str] = mapped_column(String(32), default="ecb")
    loaded_at: Mapped[datetime]

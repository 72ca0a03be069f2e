"""What an agent should know as a call starts: the business's hours today and who is calling.

Shared by `get_context` (asked for during the call) and the inbound-call webhook (`inbound`, asked
before the call is answered), so both tell the agent the same.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date

from agent_functions.context import AppServices
from booking_core.availability import calendar_for
from booking_core.customers import customer_name_by_phone, is_known
from booking_core.domain import AppointmentView
from booking_core.tenant_config import TenantConfig


@dataclass(frozen=True)
class Caller:
    """A caller as the tenant knows them by their number; unknown (or withheld) when `known` is False."""

    known: bool = False
    name: str | None = None
    upcoming: list[AppointmentView] = field(default_factory=list)  # soonest first


async def caller_facts(services: AppServices, tenant: TenantConfig, phone: str | None) -> Caller:
    """The caller behind `phone` (E.164; None for a withheld number or a web call)."""
    if not phone:
        return Caller()
    # Two independent lookups at once: on PostgreSQL each is a round trip, and the inbound webhook is
    # answered while the phone rings.
    name, upcoming = await asyncio.gather(
        customer_name_by_phone(services.db, tenant.id, phone), services.booking.upcoming_for_phone(tenant, phone)
    )
    known = name is not None or bool(upcoming) or await is_known(services.db, tenant.id, phone)
    return Caller(known, name, upcoming)


def opening_hours_on(tenant: TenantConfig, day: date) -> tuple[list[list[str]], str | None]:
    """(the business's opening ranges that local day as [["09:00", "18:00"]], why it is closed).

    Public holidays (tenant `holidays`) and closures apply, as they do to availability; the reason is
    the closure's own (else "holiday"), or None when the day is open or a regular day off.
    """
    calendar = calendar_for(tenant)
    ranges = [
        [f"{start // 60:02d}:{start % 60:02d}", f"{end // 60:02d}:{end % 60:02d}"]
        for start, end in calendar.opening_minutes(day)
    ]
    if ranges:
        return ranges, None
    closure = next((c for c in tenant.closures if c.from_ <= day <= c.to), None)
    if closure is not None:
        return [], closure.reason or "closure"
    return [], "holiday" if calendar.is_holiday(day) else None


def hours_text(ranges: list[list[str]], lang: str) -> str:
    """'09:00 bis 18:00 Uhr und ...' / '09:00 to 18:00 and ...'."""
    if lang == "de":
        return " und ".join(f"{a} bis {b} Uhr" for a, b in ranges)
    return " and ".join(f"{a} to {b}" for a, b in ranges)

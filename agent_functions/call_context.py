"""Who is calling, as an agent should know it when a call starts, and the hours as it says them.

Shared by `get_context` (asked for during the call) and the inbound-call webhook (`inbound`, asked
before the call is answered), so both tell the agent the same. The hours themselves, with public
holidays and closures applied, come from `booking_core.opening`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agent_functions.context import AppServices
from booking_core.domain import AppointmentView
from booking_core.tenant_config import TenantConfig


@dataclass(frozen=True)
class Caller:
    """A caller as the tenant knows them by their number; unknown (or withheld) when `known` is False.
    A number several customers share (a family) has several `names`; `name` is the first."""

    known: bool = False
    names: list[str] = field(default_factory=list)
    upcoming: list[AppointmentView] = field(default_factory=list)  # soonest first
    no_shows: int = 0  # appointments of this number marked no_show (issue 16: the agent is told at 2+)

    @property
    def name(self) -> str | None:
        return self.names[0] if self.names else None


async def caller_facts(services: AppServices, tenant: TenantConfig, phone: str | None) -> Caller:
    """The caller behind `phone` (E.164; None for a withheld number or a web call)."""
    if not phone:
        return Caller()
    # One read: a stranger costs one query (the customers on the number, with their no-shows), a known
    # caller one more for the appointments; the inbound webhook is answered while the phone rings.
    record = await services.booking.caller(tenant, phone)
    return Caller(record.known, record.names, record.upcoming, record.no_shows)


def hours_text(ranges: list[list[str]], lang: str) -> str:
    """'09:00 bis 18:00 Uhr und ...' / '09:00 to 18:00 and ...'."""
    if lang == "de":
        return " und ".join(f"{a} bis {b} Uhr" for a, b in ranges)
    return " and ".join(f"{a} to {b}" for a, b in ranges)

"""The request context every booking use case opens with, and the service wish it resolves.

`BookingContext` carries what a use case needs about its moment (the tenant's calendar, the instant,
the search bounds, the call and who acts), so the use cases pass one value instead of ten positional
arguments. `Wish` is the service and staff a request names, checked against the tenant's catalogue.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.availability import TenantCalendar, calendar_for, to_minute_ceil
from booking_core.booking_store import load_busy
from booking_core.clock import Clock
from booking_core.errors import NotFound
from booking_core.slots import Board, Rules, rules_for
from booking_core.storage.db import Database
from booking_core.tenant_config import Service, TenantConfig
from booking_core.vocabulary import Actor

__all__ = ["BookingContext", "Wish", "first_then", "open_context", "wish_for"]


@dataclass(frozen=True)
class BookingContext:
    """One request's fixed facts.

    `now`: the injected clock's instant (aware, UTC); `rules`: the search bounds at `now` (minimum
    notice, maximum advance); `call_id`: the phone call asking (its own hold never blocks it), None for
    staff and tools; `moving`: the appointment being moved, whose own segments never block its new
    time; `actor`: who acts, as the audit log records it.
    """

    db: Database
    cal: TenantCalendar
    now: datetime
    rules: Rules
    call_id: str | None = None
    moving: str | None = None
    actor: str = Actor.AGENT

    @property
    def tenant(self) -> TenantConfig:
        return self.cal.config

    async def board(
        self, session: AsyncSession, staff_ids: Sequence[str], first: date, last: date, busy_until: int | None = None
    ) -> Board:
        """Working and blocked time of `staff_ids` over the local days [first, last], as storage knows
        them in `session` (this call's hold and the moved appointment left out). `busy_until` (epoch
        minute): load blocked time only up to there (default: the end of `last`)."""
        cal = self.cal
        lo = cal.local_minute(first, 0)
        hi = cal.local_minute(last + timedelta(days=1), 0) if busy_until is None else busy_until
        busy = await load_busy(
            session,
            cal.config.id,
            list(staff_ids),
            lo,
            hi,
            self.now,
            exclude_call_id=self.call_id,
            exclude_appointment_id=self.moving,
        )
        return Board.build(cal, staff_ids, first, last, busy)


def open_context(
    db: Database,
    clock: Clock,
    tenant: TenantConfig,
    *,
    call_id: str | None = None,
    moving: str | None = None,
    actor: str = Actor.AGENT,
) -> BookingContext:
    """The context of a request arriving now (the calendar is cached per tenant config)."""
    cal = calendar_for(tenant)
    now = clock.now()
    return BookingContext(db, cal, now, rules_for(cal, to_minute_ceil(now)), call_id, moving, actor)


@dataclass(frozen=True)
class Wish:
    """The service a request names and who should do it.

    `requested`: the named staff member (a known id), None for anyone; `qualified`: the staff who do
    the service, in the tenant's order; `not_qualified`: someone was named who does not do it.
    """

    service: Service
    requested: str | None
    qualified: list[str]
    not_qualified: bool

    @property
    def preferred(self) -> str | None:
        """The named staff member when they do the service, else None (anyone)."""
        return None if self.not_qualified else self.requested

    @property
    def staff_try(self) -> list[str]:
        """Who may take it, in order: the named (qualified) person alone, else every qualified one."""
        return [self.requested] if self.requested and not self.not_qualified else self.qualified

    @property
    def others(self) -> list[str] | None:
        """Who may take later segments when the service allows staff per segment, else None."""
        return self.qualified if self.service.staff_per_segment else None


def wish_for(cal: TenantCalendar, service_id: str, staff_id: str | None, not_staff: Collection[str] = ()) -> Wish:
    """Resolve ids against the catalogue. Raises NotFound for an unknown service or staff member.
    `not_staff` (ids), with `staff_id` None: anyone who does the service but them ("nicht Fabian"),
    for every segment; unknown ids are ignored."""
    service = cal.services.get(service_id)
    if service is None:
        raise NotFound(f"unknown service {service_id!r}", kind="service", id=service_id)
    qualified = [sid for sid in cal.staff_order if cal.staff[sid].does(service.id)]
    if staff_id is None:
        return Wish(service, None, [sid for sid in qualified if sid not in not_staff], False)
    if staff_id not in cal.staff:
        raise NotFound(f"unknown staff {staff_id!r}", kind="staff", id=staff_id)
    return Wish(service, staff_id, qualified, staff_id not in qualified)


def first_then(staff_id: str, order: Sequence[str]) -> list[str]:
    """`order` with `staff_id` moved to the front (added when missing)."""
    return [staff_id, *(s for s in order if s != staff_id)]

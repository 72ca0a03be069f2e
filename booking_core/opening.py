"""When the business is open on a given day: its weekly hours, minus public holidays and closures.

One computation for every place that says so (CONTRACT section 14): `get_context` (today and the
week ahead), the inbound-call webhook's `opening_hours_today`, and the reason a wished time is
refused (`booking_core.refusals`). A closed day has no hours and a `ClosedReason`: a configured
closure (its reason as written in the tenant file), a public holiday (its name from the `holidays`
package, in the tenant's language), or a weekday without opening hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from booking_core.availability import TenantCalendar, calendar_for
from booking_core.tenant_config import WEEKDAYS, TenantConfig

__all__ = ["ClosedKind", "ClosedReason", "DayHours", "closed_reason", "day_hours", "hours_today", "week_hours"]

ClosedKind = Literal["closure", "holiday", "weekly"]


@dataclass(frozen=True)
class ClosedReason:
    """Why the business is closed on a day: `kind`, and `name` (the holiday's or the closure's, if any)."""

    kind: ClosedKind
    name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name}


@dataclass(frozen=True)
class DayHours:
    """The business's opening ranges on one local day as ("HH:MM", "HH:MM") pairs ("24:00" may end a
    day); empty, with `closed`, when it does not open that day."""

    day: date
    hours: tuple[tuple[str, str], ...]
    closed: ClosedReason | None

    @property
    def weekday(self) -> str:
        """ "mon" .. "sun" (the tenant file's keys)."""
        return WEEKDAYS[self.day.weekday()]

    def pairs(self) -> list[list[str]]:
        """The hours as JSON lists, the CONTRACT section 3 shape: [["09:00", "18:00"]]."""
        return [list(r) for r in self.hours]

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "weekday": self.weekday,
            "hours": self.pairs(),
            "closed_reason": self.closed.to_dict() if self.closed else None,
        }


def closed_reason(cal: TenantCalendar, day: date) -> ClosedReason | None:
    """Why the whole business is closed on `day`, None when it opens. A closure wins over a holiday
    (its reason is the owner's own word for the day)."""
    closure = cal.closure_reason(day)
    if closure is not None:
        return ClosedReason("closure", closure or None)
    holiday = cal.holiday_name(day)
    if holiday is not None:
        return ClosedReason("holiday", holiday)
    if not cal.opening[day.weekday()]:
        return ClosedReason("weekly")
    return None


def day_hours(config: TenantConfig, day: date) -> DayHours:
    """The business's hours on the local date `day` (empty on holidays, closures and closed weekdays)."""
    cal = calendar_for(config)
    closed = closed_reason(cal, day)
    if closed is not None:
        return DayHours(day, (), closed)
    ranges = config.opening_hours.get(WEEKDAYS[day.weekday()], ())
    return DayHours(day, tuple((r.as_pair()[0], r.as_pair()[1]) for r in ranges), None)


def week_hours(config: TenantConfig, first: date, days: int = 7) -> list[DayHours]:
    """`day_hours` for `days` consecutive days from `first` (today and the six days after: each weekday
    once, as the caller would name it)."""
    return [day_hours(config, first + timedelta(days=k)) for k in range(days)]


def hours_today(config: TenantConfig, now: datetime) -> DayHours:
    """`day_hours` of the tenant's local date at the instant `now` (aware)."""
    return day_hours(config, now.astimezone(calendar_for(config).zone).date())

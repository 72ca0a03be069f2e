"""Checking a series: every occurrence of a recurring wish at once (CONTRACT section 10).

The dates come from the pure planner (`booking_core.series.plan_dates`); each is checked at the
wished local time of day on that day's board. The same staff member is preferred throughout: the
named one, else the qualified person who is free on most of the dates (ties in the tenant's order),
with the others as fallback for a date that person cannot take. A date that cannot be had (holiday,
closure, absence, taken, a month without that day) is a conflict carrying its reason and up to three
alternatives nearest to the wished time (`search.nearest`: that day first, then the days around it).

A series check holds nothing (a call has one hold, a series has many slots); the booking re-checks
every occurrence under the staff locks (`booking_core.series_book`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from booking_core.availability import TenantCalendar, from_minute
from booking_core.domain import Slot
from booking_core.refusals import Refusal
from booking_core.request import BookingContext, Wish, first_then
from booking_core.search import nearest, to_slot, why_not
from booking_core.series import PlannedDate, SeriesRule, first_date, plan_dates
from booking_core.slots import Board, alternatives, bookable_plan, plan_at

__all__ = ["NO_SUCH_DAY", "SeriesConflict", "SeriesOutcome", "check_series", "planned_starts", "series_dates"]

#: The conflict reason of a monthly date the month does not have (the 31st in April, a 5th Monday).
NO_SUCH_DAY = "no_such_day"


@dataclass(frozen=True)
class SeriesConflict:
    """A planned date that cannot be had. `day` None when the month has no such day (`label` names
    it, e.g. "2027-02-31"); `reason` a refusal code (`booking_core.refusals`) or :data:`NO_SUCH_DAY`, `refusal` the
    refusal itself (None for a missing day);
    `alternatives` the free slots nearest to the wished time (same staff first)."""

    day: date | None
    label: str
    reason: str
    alternatives: tuple[Slot, ...]
    refusal: Refusal | None = None


@dataclass(frozen=True)
class SeriesOutcome:
    """The series as checked: the free `occurrences` (in date order) and the `conflicts`; `planned`
    how many dates the rule gave; `staff_id` the preferred staff member (None when nobody fits)."""

    occurrences: tuple[Slot, ...]
    conflicts: tuple[SeriesConflict, ...]
    planned: int
    staff_id: str | None


def series_dates(start: datetime, rule: SeriesRule, count: int | None, until: date | None) -> list[PlannedDate]:
    """The planned dates of a series whose first wished day is `start`'s local date (moved forward
    to the rule's weekday). Raises `series.SeriesTooLong` beyond 26, ValueError for a bad count."""
    return plan_dates(first_date(rule, start.date()), rule, count, until)


def planned_starts(
    cal: TenantCalendar, start: datetime, rule: SeriesRule, count: int | None, until: date | None
) -> list[datetime]:
    """The instants (UTC) of a series' planned dates at `start`'s local time of day (missing days left out)."""
    local = start.astimezone(cal.zone)
    at = local.hour * 60 + local.minute
    return [from_minute(cal.local_minute(p.day, at)) for p in series_dates(local, rule, count, until) if p.day]


async def check_series(
    ctx: BookingContext, wish: Wish, start: datetime, rule: SeriesRule, count: int | None, until: date | None
) -> SeriesOutcome:
    """Check every occurrence of the series at `start`'s local time of day (`start` aware).

    Raises `series.SeriesTooLong` (more than 26 occurrences) and ValueError (count below 1) before
    reading anything."""
    cal, rules, service = ctx.cal, ctx.rules, wish.service
    local = start.astimezone(cal.zone)
    minute_of_day = local.hour * 60 + local.minute
    planned = series_dates(local, rule, count, until)
    staff = sorted(set(wish.staff_try) | set(wish.others or ()))
    occurrences: list[Slot] = []
    conflicts: list[SeriesConflict] = []
    days = [p.day for p in planned if p.day is not None]
    async with ctx.db.read() as session:
        board = await ctx.board(session, staff, min(days), max(days)) if days else None  # one read for all dates
        minutes = {day: cal.local_minute(day, minute_of_day) for day in days}
        preferred = _preferred_staff(wish, board, minutes) if board else None
        order = first_then(preferred, wish.staff_try) if preferred else wish.staff_try
        for p in planned:
            if p.day is None:
                conflicts.append(SeriesConflict(None, p.label, NO_SUCH_DAY, ()))
                continue
            at = minutes[p.day]
            assert board is not None
            plan = None if wish.not_qualified else bookable_plan(board, service, at, order, rules, wish.others)
            if plan is not None:
                occurrences.append(to_slot(cal, service, plan))
                continue
            conflicts.append(await _conflict(session, ctx, wish, p, at, preferred))
    return SeriesOutcome(tuple(occurrences), tuple(conflicts), len(planned), preferred)


def _preferred_staff(wish: Wish, board: Board, minutes: dict[date, int]) -> str | None:
    """The named staff member, else the qualified one free at the wished time on most dates (the
    tenant's order breaks ties); None when nobody can take any date."""
    if wish.preferred:
        return wish.preferred
    best, best_count = None, 0
    for sid in wish.qualified:
        fits = sum(1 for at in minutes.values() if plan_at(board, wish.service, at, [sid], wish.others))
        if fits > best_count:
            best, best_count = sid, fits
    return best


async def _conflict(
    session: AsyncSession, ctx: BookingContext, wish: Wish, planned: PlannedDate, at: int, preferred: str | None
) -> SeriesConflict:
    """Why `planned` cannot be had at `at`, with up to three alternatives nearest to it: on that day
    among every qualified person (`preferred` first), else on the days around it (`search.nearest`)."""
    assert planned.day is not None
    staff = sorted(set(wish.qualified) | set(wish.others or ()))
    day_board = await ctx.board(session, staff, planned.day, planned.day)
    why = Refusal("not_qualified") if wish.not_qualified else why_not(ctx, wish, at)
    plans = alternatives(
        day_board, wish.service, at, preferred, wish.qualified, ctx.rules, 3, days_out=0, others=wish.others
    )
    if plans:
        found = tuple(to_slot(ctx.cal, wish.service, p) for p in plans)
    else:
        found = await nearest(session, ctx, wish, at, preferred, day_board)
    return SeriesConflict(planned.day, planned.label, why.code, found, why)

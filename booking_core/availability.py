"""A tenant's static calendar: when each staff member works, per local day, as UTC epoch minutes.

Built once per `TenantConfig` object (configs are immutable; the tenant directory hands out one object
per revision) and cached by identity. Every day is computed in the tenant's IANA zone from local wall
times, so DST days simply have 23 or 25 hours and 09:00 is 09:00 on both sides of a change.

Working time = the staff member's week (their own `hours`, else the opening hours; CONTRACT section 4:
`hours` replaces opening_hours), minus closures, public holidays and absences. What is *booked* (busy
segments, holds, external calendars) is not static; it comes from storage and is subtracted by the
slot search.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from booking_core.intervals import Interval, normalize, subtract
from booking_core.tenant_config import WEEKDAYS, TenantConfig, TimeRange

__all__ = ["TenantCalendar", "calendar_for", "from_minute", "set_calendar_cache_size", "to_minute", "to_minute_ceil"]

UTC = UTC
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_minute(dt: datetime) -> int:
    """Aware datetime -> UTC epoch minute (floor)."""
    if dt.tzinfo is None:
        raise ValueError("naive datetime")
    return int(dt.timestamp()) // 60


def to_minute_ceil(dt: datetime) -> int:
    ts = dt.timestamp()
    m = int(ts) // 60
    return m if m * 60 == ts else m + 1


def from_minute(minute: int, zone: ZoneInfo | timezone = UTC) -> datetime:
    return (EPOCH + timedelta(minutes=minute)).astimezone(zone)


def _range_minutes(r: TimeRange) -> tuple[int, int]:
    end = 24 * 60 if r.end == time.max else r.end.hour * 60 + r.end.minute
    return r.start.hour * 60 + r.start.minute, end


Week = tuple[tuple[tuple[int, int], ...], ...]
_WEEKS: dict[int, tuple[dict[str, tuple[TimeRange, ...]], Week]] = {}


def _week(hours: dict[str, tuple[TimeRange, ...]]) -> Week:
    """The week as local minutes per weekday; one per hours object (configs share equal hours:
    booking_core.tenant_share), so a hundred staff on the salon's hours hold one week."""
    hit = _WEEKS.get(id(hours))
    if hit is not None and hit[0] is hours:
        return hit[1]
    week = tuple(tuple(sorted(_range_minutes(r) for r in hours.get(day, ()))) for day in WEEKDAYS)
    with _CACHE_LOCK:
        if len(_WEEKS) > 10_000:
            _WEEKS.clear()
        _WEEKS[id(hours)] = (hours, week)  # the hours stay alive with it, so the id stays theirs
    return week


class TenantCalendar:
    """Static, per-tenant schedule facts with per-day memoisation."""

    def __init__(self, config: TenantConfig) -> None:
        self.config = config
        self.zone = ZoneInfo(config.timezone)
        self.interval = config.booking.slot_interval_min
        self.opening = _week(config.opening_hours)
        self.staff_week = {m.id: _week(config.staff_hours(m)) for m in config.staff}
        self.closed_days: set[date] = set()
        for c in config.closures:
            d = c.from_
            while d <= c.to:
                self.closed_days.add(d)
                d += timedelta(days=1)
        self.absent_days: dict[str, set[date]] = {}
        self.partial_absences: dict[str, dict[date, list[tuple[int, int]]]] = {}
        for m in config.staff:
            whole: set[date] = set()
            partial: dict[date, list[tuple[int, int]]] = {}
            for a in m.absences:
                if a.whole_day:
                    d = a.first_day
                    while d <= a.last_day:
                        whole.add(d)
                        d += timedelta(days=1)
                else:
                    assert a.start is not None and a.end is not None and a.date is not None
                    partial.setdefault(a.date, []).append(
                        (
                            a.start.hour * 60 + a.start.minute,
                            24 * 60 if a.end == time.max else a.end.hour * 60 + a.end.minute,
                        )
                    )
            self.absent_days[m.id] = whole
            self.partial_absences[m.id] = partial
        self._holidays: Any = None
        self._lock = threading.Lock()
        if config.holidays is not None:
            self._holidays, self._lock = _holiday_calendar(config)  # shared: the lock guards its lazy years
        self._holiday_cache: dict[date, bool] = {}
        self._work_cache: dict[tuple[str, date], list[Interval]] = {}
        self._raw_cache: dict[tuple[str, date], list[Interval]] = {}
        self.services = {s.id: s for s in config.services}
        self.staff = {m.id: m for m in config.staff}
        self.staff_order = [m.id for m in config.staff]

    # --- days ------------------------------------------------------------------------------

    def local_minute(self, day: date, minute_of_day: int) -> int:
        """Local wall time on `day` -> UTC epoch minute (24:00 = next day's 00:00)."""
        if minute_of_day >= 24 * 60:
            day = day + timedelta(days=minute_of_day // (24 * 60))
            minute_of_day %= 24 * 60
        local = datetime.combine(day, time(minute_of_day // 60, minute_of_day % 60), tzinfo=self.zone)
        return int(local.timestamp()) // 60

    def day_of(self, minute: int) -> date:
        return from_minute(minute, self.zone).date()

    def today(self, now: datetime) -> date:
        return now.astimezone(self.zone).date()

    def is_holiday(self, day: date) -> bool:
        if self._holidays is None:
            return False
        hit = self._holiday_cache.get(day)
        if hit is None:
            with self._lock:
                hit = day in self._holidays
            self._holiday_cache[day] = hit
        return hit

    def holiday_name(self, day: date) -> str | None:
        """The public holiday's name in the tenant's language ("Neujahr", "Boxing Day"), None on other days."""
        if not self.is_holiday(day):
            return None
        with self._lock:
            return str(self._holidays.get(day))

    def closure_reason(self, day: date) -> str | None:
        """The reason of the configured closure covering `day` ("Weihnachten"); "" for one without a reason,
        None when no closure covers it."""
        if day not in self.closed_days:
            return None
        return next((c.reason or "" for c in self.config.closures if c.from_ <= day <= c.to), "")

    def is_closed(self, day: date) -> bool:
        """The whole business is closed: closure or public holiday."""
        return day in self.closed_days or self.is_holiday(day)

    def opening_minutes(self, day: date) -> tuple[tuple[int, int], ...]:
        """The business's opening ranges that day as local minutes of day (empty when closed)."""
        if self.is_closed(day):
            return ()
        return self.opening[day.weekday()]

    def grid_anchor(self, day: date, staff_ids: list[str] | None = None) -> int | None:
        """Local minute of day the slot grid counts from: the opening time (else the earliest staff start)."""
        ranges = self.opening[day.weekday()]
        if ranges:
            return ranges[0][0]
        starts = [r[0][0] for sid in (staff_ids or self.staff_order) if (r := self.staff_week[sid][day.weekday()])]
        return min(starts) if starts else None

    def on_grid(self, minute: int) -> bool:
        local = from_minute(minute, self.zone)
        day = local.date()
        anchor = self.grid_anchor(day)
        if anchor is None:
            anchor = 0
        mod = local.hour * 60 + local.minute - anchor
        return local.second == 0 and mod % self.interval == 0

    def raw_hours(self, staff_id: str, day: date) -> list[Interval]:
        """The staff member's week for that day in epoch minutes, ignoring closures and absences."""
        key = (staff_id, day)
        hit = self._raw_cache.get(key)
        if hit is None:
            hit = [
                (self.local_minute(day, s), self.local_minute(day, e))
                for s, e in self.staff_week[staff_id][day.weekday()]
            ]
            self._raw_cache[key] = hit
        return hit

    def working(self, staff_id: str, day: date) -> list[Interval]:
        """When the staff member works on that local day, in UTC epoch minutes (normalized)."""
        key = (staff_id, day)
        hit = self._work_cache.get(key)
        if hit is not None:
            return hit
        if self.is_closed(day) or day in self.absent_days[staff_id]:
            hit = []
        else:
            hit = self.raw_hours(staff_id, day)
            partial = self.partial_absences[staff_id].get(day)
            if partial:
                absent = normalize((self.local_minute(day, s), self.local_minute(day, e)) for s, e in partial)
                hit = subtract(hit, absent)
        if len(self._work_cache) > 200_000:
            self._work_cache.clear()
        self._work_cache[key] = hit
        return hit

    def days(self, first: date, last: date) -> list[date]:
        out = []
        d = first
        while d <= last:
            out.append(d)
            d += timedelta(days=1)
        return out


_HOLIDAYS: dict[tuple[str, str | None, str], tuple[Any, threading.Lock]] = {}


def _holiday_calendar(config: TenantConfig) -> tuple[Any, threading.Lock]:
    """The `holidays` package's calendar of the tenant's country and region, names in the tenant's
    language, and the lock that guards it (it fills in years as they are asked for): one per process
    for every tenant of that country, region and language (each was ~8 KB, plus its years)."""
    assert config.holidays is not None
    key = (config.holidays.country, config.holidays.subdiv, config.language)
    with _CACHE_LOCK:
        hit = _HOLIDAYS.get(key)
    if hit is None:
        made = (_new_holiday_calendar(config), threading.Lock())
        with _CACHE_LOCK:
            hit = _HOLIDAYS.setdefault(key, made)
    return hit


def _new_holiday_calendar(config: TenantConfig) -> Any:
    """The package's calendar, its names in the tenant's language (the package's default language
    depends on the process locale, so it is always named)."""
    import holidays as holidays_lib

    assert config.holidays is not None
    country = holidays_lib.country_holidays(config.holidays.country, subdiv=config.holidays.subdiv)
    wanted = {"de": ("de",), "en": ("en_GB", "en_US")}.get(config.language, ())
    language = next((lang for lang in wanted if lang in getattr(country, "supported_languages", ())), None)
    if language is None:
        return country
    return holidays_lib.country_holidays(config.holidays.country, subdiv=config.holidays.subdiv, language=language)


_CACHE: OrderedDict[int, tuple[TenantConfig, TenantCalendar]] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = [256]


def set_calendar_cache_size(size: int) -> None:
    """Keep at most `size` calendars (least recently used dropped first); the server sets it from
    SLOTLINE_TENANT_CACHE_SIZE, the same bound as the tenant directory's."""
    with _CACHE_LOCK:
        _CACHE_SIZE[0] = max(1, size)
        while len(_CACHE) > _CACHE_SIZE[0]:
            _CACHE.popitem(last=False)


def calendar_for(config: TenantConfig) -> TenantCalendar:
    """The cached calendar of this config object (keyed by identity; the config is kept alive with it).
    A bounded LRU: past its size the least recently used calendar is dropped, not all of them."""
    key = id(config)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] is config:
            _CACHE.move_to_end(key)
            return hit[1]
    cal = TenantCalendar(config)
    with _CACHE_LOCK:
        _CACHE[key] = (config, cal)
        _CACHE.move_to_end(key)
        while len(_CACHE) > _CACHE_SIZE[0]:
            _CACHE.popitem(last=False)
    return cal

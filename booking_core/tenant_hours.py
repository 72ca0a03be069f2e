"""When a business and its staff work, as the tenant file says it: opening hours per weekday, public
holidays, closures, staff absences (CONTRACT section 4). Local wall-clock times; the calendar
(`booking_core.availability`) turns them into instants per day."""

from __future__ import annotations

import datetime as _dt
from datetime import date, time
from itertools import pairwise

from pydantic import ConfigDict, Field, field_validator, model_serializer, model_validator

from booking_core.tenant_base import WEEKDAYS, Frozen, parse_hhmm

__all__ = ["Absence", "Closure", "Holidays", "TimeRange", "WeekHours", "check_week"]


class TimeRange(Frozen):
    """One opening interval of a day, local wall-clock time. 24:00 is allowed as an end."""

    start: time
    end: time

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, value: object) -> object:
        if isinstance(value, (list, tuple)):
            if len(value) != 2:
                raise ValueError("an interval is [start, end]")
            return {"start": parse_hhmm(value[0]), "end": parse_hhmm(value[1])}
        if isinstance(value, dict):
            return {k: parse_hhmm(v) for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> TimeRange:
        if self.end <= self.start:
            raise ValueError(f"interval ends ({self.end:%H:%M}) before it starts ({self.start:%H:%M})")
        return self

    @model_serializer
    def as_pair(self) -> list[str]:
        end = "24:00" if self.end == time.max else self.end.strftime("%H:%M")
        return [self.start.strftime("%H:%M"), end]


WeekHours = dict[str, tuple[TimeRange, ...]]


def check_week(hours: dict[str, tuple[TimeRange, ...]]) -> dict[str, tuple[TimeRange, ...]]:
    unknown = [k for k in hours if k not in WEEKDAYS]
    if unknown:
        raise ValueError(f"unknown weekday(s) {unknown}; use {', '.join(WEEKDAYS)}")
    for day, ranges in hours.items():
        ordered = sorted(ranges, key=lambda r: r.start)
        for a, b in pairwise(ordered):
            if b.start < a.end:
                raise ValueError(f"{day}: intervals overlap")
    return hours


class Holidays(Frozen):
    country: str
    subdiv: str | None = None

    @model_validator(mode="after")
    def _known(self) -> Holidays:
        import holidays as holidays_lib

        try:
            holidays_lib.country_holidays(self.country, subdiv=self.subdiv, years=2026)
        except NotImplementedError as exc:
            raise ValueError(f"unknown holiday country {self.country!r}") from exc
        except Exception as exc:
            raise ValueError(str(exc)) from exc
        return self


class Closure(Frozen):
    """Whole days the business is closed (inclusive range)."""

    from_: date = Field(alias="from")
    to: date
    reason: str | None = None

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _ordered(self) -> Closure:
        if self.to < self.from_:
            raise ValueError("closure ends before it starts")
        return self


class Absence(Frozen):
    """A staff absence: a range of whole days (`from`/`to`), or part of one day (`date`, `start`, `end`)."""

    from_: _dt.date | None = Field(default=None, alias="from")
    to: _dt.date | None = None
    date: _dt.date | None = None
    start: time | None = None
    end: time | None = None
    reason: str | None = None

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @field_validator("start", "end", mode="before")
    @classmethod
    def _time(cls, value: object) -> object:
        return None if value is None else parse_hhmm(value)

    @model_validator(mode="after")
    def _shape(self) -> Absence:
        if self.date is not None:
            if self.from_ is not None or self.to is not None:
                raise ValueError("use either date (+start/end) or from/to, not both")
            if (self.start is None) != (self.end is None):
                raise ValueError("a partial absence needs both start and end")
            if self.start is not None and self.end is not None and self.end <= self.start:
                raise ValueError("absence ends before it starts")
        else:
            if self.from_ is None:
                raise ValueError("an absence needs `date` or `from`")
            if self.start is not None or self.end is not None:
                raise ValueError("start/end go with `date`, not with from/to")
        return self

    @property
    def first_day(self) -> _dt.date:
        return self.date if self.date is not None else self.from_  # type: ignore[return-value]

    @property
    def last_day(self) -> _dt.date:
        if self.date is not None:
            return self.date
        return self.to if self.to is not None else self.from_  # type: ignore[return-value]

    @property
    def whole_day(self) -> bool:
        return self.start is None

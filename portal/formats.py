"""Dates and times on portal pages: in the tenant's zone, in the user's language (babel, CLDR patterns).

``moments(lang, zone)`` gives the ``when`` a template calls with a datetime or an ISO 8601 string (the call
records and timelines carry strings); an unreadable or missing value shows as "–", never an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_time

__all__ = ["locale_of", "moments"]


def locale_of(lang: str) -> str:
    """The babel locale of a portal language: en_GB for "en", else de_DE."""
    return "en_GB" if lang == "en" else "de_DE"


def moments(lang: str, zone: ZoneInfo) -> Callable[..., str]:
    """``when(value, part="datetime"|"time")``: a datetime or ISO string as local short date and time (or
    the time with seconds, for a call's timeline)."""
    loc = locale_of(lang)

    def when(value: datetime | str | None, part: str = "datetime") -> str:
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                return "–"
        if value is None:
            return "–"
        local = value.astimezone(zone)
        if part == "time":
            return format_time(local, format="medium", locale=loc)
        return format_datetime(local, format="short", locale=loc)

    return when

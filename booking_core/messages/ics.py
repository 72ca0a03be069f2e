"""The calendar file attached to an email confirmation (RFC 5545, built with `icalendar`).

One VEVENT from the first segment's start to the last segment's end (processing gaps included: the
customer is there throughout), SUMMARY "service with staff", LOCATION the business (and its address
when the tenant file gives one). UID is the appointment's, so a calendar updates the same entry when
the change message brings a higher SEQUENCE, and removes it for METHOD:CANCEL.
"""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event

__all__ = ["calendar_file"]

PRODID = "-//Slotline//Booking messages//EN"


def calendar_file(
    *,
    uid: str,
    start: datetime,
    end: datetime,
    summary: str,
    location: str,
    description: str,
    sequence: int,
    stamp: datetime,
    cancelled: bool = False,
) -> str:
    """The .ics text (CRLF lines). Instants are written in UTC (aware datetimes in, `Z` out)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"{uid}@slotline")
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", end.astimezone(UTC))
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    cal.add_component(event)
    text: str = cal.to_ical().decode("utf-8")
    return text

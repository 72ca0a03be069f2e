"""The tenant file's `notifications` section: messages after the call (CONTRACT section 9)."""

from __future__ import annotations

import re
from datetime import time

from pydantic import Field, field_validator

from booking_core.tenant_base import E164, Frozen, parse_hhmm

__all__ = ["Notifications"]


class Notifications(Frozen):
    """Messages after the call (CONTRACT section 9): confirmations, changes, cancellations and reminders
    to the caller by SMS (mobile numbers only) and email (when the address is known); new callback
    requests to `staff_email`. `quiet_hours` is a local [start, end) window that may wrap midnight
    ("20:00"-"08:00"): a reminder due inside it waits for its end. Absent section: nothing is sent."""

    sms: bool = True
    email: bool = True
    remind_hours_before: tuple[int, ...] = Field((24,), max_length=5)
    quiet_hours: tuple[str, str] | None = None
    staff_email: str | None = None
    reply_phone: str | None = None
    address: str | None = Field(None, max_length=200)  # the .ics LOCATION after the business name

    @field_validator("remind_hours_before")
    @classmethod
    def _hours(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(h <= 0 or h > 24 * 30 for h in value):
            raise ValueError("remind_hours_before: hours between 1 and 720")
        return tuple(sorted(set(value), reverse=True))

    @field_validator("quiet_hours", mode="before")
    @classmethod
    def _quiet(cls, value: object) -> object:
        if value is None:
            return None
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            raise ValueError('quiet_hours is ["HH:MM", "HH:MM"] (local; may wrap midnight)')
        start, end = parse_hhmm(value[0]), parse_hhmm(value[1])
        if start == end:
            raise ValueError("quiet_hours: start and end are the same")
        return (start.strftime("%H:%M"), end.strftime("%H:%M"))

    @field_validator("staff_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise ValueError(f"staff_email {value!r} is not an email address")
        return value

    @field_validator("reply_phone")
    @classmethod
    def _reply_phone(cls, value: str | None) -> str | None:
        if value is not None and not E164.match(value):
            raise ValueError(f"reply_phone {value!r} is not an E.164 number")
        return value

    @property
    def quiet(self) -> tuple[time, time] | None:
        """The quiet window as local times (start, end), or None."""
        if self.quiet_hours is None:
            return None
        start, end = self.quiet_hours
        return parse_hhmm(start), parse_hhmm(end)

"""Why a wish cannot be booked, said truthfully (CONTRACT section 14; codes in booking_core.refusals).

"Closed" is said only when the business is closed; a person's day off, absence, break or working
hours are said as what they are ("Fabian arbeitet samstags nicht.", "Fabian fängt am Montag erst
um 10 Uhr an."). Pure: a `Refusal` and plain values in, one or two sentences out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import get_args

from agent_functions.speech import (
    DE_WEEKDAYS,
    EN_WEEKDAYS,
    capital,
    join_and,
    say_clock,
    say_date,
    say_on_day,
    say_time,
)
from booking_core.refusals import Refusal, RefusalCode


@dataclass(frozen=True)
class Wish:
    """What was asked: the local start (of the day or window when not `exact`), the first name of the
    person wished for (None: anyone), and the service's name as it may be spoken."""

    at: datetime
    exact: bool
    staff: str | None
    service: str


def say_refusal(refusal: Refusal, wish: Wish, lang: str, today: date) -> str:
    """The refusal as the caller should hear it, German or English."""
    de = lang == "de"
    day = wish.at.date()
    when_de = capital(say_time(wish.at, "de")) if wish.exact else capital(_on_de(day, today))
    when_en = capital(say_time(wish.at, "en")) if wish.exact else capital(say_on_day(day, "en", today))
    code: str = refusal.code if refusal.code in get_args(RefusalCode) else "taken"  # never a wrong excuse
    if code == "closed":
        return _closed(refusal, wish, lang, today)
    if code == "staff_off":
        return _staff_off(refusal, wish, lang, today)
    if code == "taken":
        who_de, who_en = (f" bei {wish.staff}", f" with {wish.staff}") if wish.staff else ("", "")
        if wish.exact:
            return (
                f"{when_de}{who_de} ist leider schon belegt."
                if de
                else f"{capital(say_clock(wish.at, 'en'))}{who_en} is already taken, I'm afraid."
            )
        return (
            f"{when_de} ist{who_de} leider nichts mehr frei."
            if de
            else f"{when_en} there's nothing free{who_en}, I'm afraid."
        )
    fixed = {
        "past": ("Dieser Zeitpunkt ist leider schon vorbei.", "That time has already passed."),
        "notice": (
            "So kurzfristig kann ich leider nicht mehr buchen.",
            "That's too short notice for a booking, I'm afraid.",
        ),
        "too_far": ("So weit im Voraus kann ich leider noch nicht buchen.", "I can't book that far ahead yet."),
        "off_grid": ("Termine beginnen bei uns nur zu festen Zeiten.", "Appointments start at fixed times only."),
        "not_qualified": (
            f"{wish.staff or 'Das'} bietet das leider nicht an.",
            f"{wish.staff or 'That person'} doesn't offer that, I'm afraid.",
        ),
    }
    pair = fixed.get(code, fixed["off_grid"])
    return pair[0] if de else pair[1]


def _closed(refusal: Refusal, wish: Wish, lang: str, today: date) -> str:
    de = lang == "de"
    day = wish.at.date()
    if refusal.detail == "closure":
        why_de = f" wegen {refusal.name}" if refusal.name else " leider"
        why_en = f" for {refusal.name}" if refusal.name else ""
        return (
            f"{capital(_on_de(day, today))} haben wir{why_de} geschlossen."
            if de
            else f"We're closed {say_on_day(day, 'en', today)}{why_en}, I'm afraid."
        )
    if refusal.detail == "holiday":
        holiday_de = f"des Feiertags {refusal.name}" if refusal.name else "eines Feiertags"
        holiday_en = f", {refusal.name}," if refusal.name else ""
        return (
            f"{capital(_on_de(day, today))} haben wir wegen {holiday_de} geschlossen."
            if de
            else f"{capital(say_date(day, 'en', today))} is a public holiday{holiday_en} so we're closed, I'm afraid."
        )
    if refusal.detail == "weekly":
        return (
            f"{DE_WEEKDAYS[day.weekday()]}s haben wir leider geschlossen."
            if de
            else f"We're closed on {EN_WEEKDAYS[day.weekday()]}s, I'm afraid."
        )
    hours_de = _hours(refusal.hours, day, "de")
    hours_en = _hours(refusal.hours, day, "en")
    if refusal.detail == "closing" and wish.exact and refusal.hours:
        close = _clock(day, refusal.hours[-1][1])
        return (
            f"{capital(say_time(wish.at, 'de'))} reicht die Zeit für {wish.service} bis Ladenschluss "
            f"um {say_clock(close, 'de')} leider nicht mehr."
            if de
            else f"At {say_clock(wish.at, 'en')} there isn't enough time for {wish.service} before we close at "
            f"{say_clock(close, 'en')}, I'm afraid."
        )
    first = "Zu der Zeit haben wir leider nicht geöffnet." if de else "We're not open at that time, I'm afraid."
    if wish.exact and refusal.hours:
        if wish.at < _clock(day, refusal.hours[0][0], wish.at):
            first = (
                f"{capital(say_time(wish.at, 'de'))} haben wir noch nicht geöffnet."
                if de
                else f"We're not open yet at {say_clock(wish.at, 'en')}."
            )
        elif wish.at >= _clock(day, refusal.hours[-1][1], wish.at):
            first = (
                f"{capital(say_time(wish.at, 'de'))} haben wir schon geschlossen."
                if de
                else f"We've already closed by {say_clock(wish.at, 'en')}."
            )
    if hours_de:  # one sentence with the refusal: an answer stays within its sentence budget
        first = first[:-1] + (
            f"; {_on_de(day, today)} haben wir {hours_de} geöffnet."
            if de
            else f"; {say_on_day(day, 'en', today)} we're open {hours_en}."
        )
    return first


def _staff_off(refusal: Refusal, wish: Wish, lang: str, today: date) -> str:
    de = lang == "de"
    day = wish.at.date()
    name = wish.staff if refusal.staff_id else None
    if name is None:
        when_de = say_time(wish.at, "de") if wish.exact else _on_de(day, today)
        when_en = f"at {say_clock(wish.at, 'en')}" if wish.exact else f"{say_on_day(day, 'en', today)}"
        return (
            f"{capital(when_de)} ist für {wish.service} leider niemand von uns da."
            if de
            else f"Nobody who does {wish.service} is in {when_en}, I'm afraid."
        )
    if refusal.detail == "day_off":
        return (
            f"{name} arbeitet {DE_WEEKDAYS[day.weekday()].lower()}s nicht."
            if de
            else f"{name} doesn't work on {EN_WEEKDAYS[day.weekday()]}s."
        )
    if refusal.detail in ("absence", "away") or not refusal.hours:
        if wish.exact and refusal.detail == "away":
            return (
                f"{name} ist {_on_de(day, today)} {say_time(wish.at, 'de')} leider nicht da."
                if de
                else f"{name} isn't in {say_on_day(day, 'en', today)} at {say_clock(wish.at, 'en')}, I'm afraid."
            )
        return (
            f"{name} ist {_on_de(day, today)} leider nicht da."
            if de
            else f"{name} isn't in {say_on_day(day, 'en', today)}, I'm afraid."
        )
    on_de, on_en = _on_de(day, today), say_date(day, "en", today)
    start, end = _clock(day, refusal.hours[0][0], wish.at), _clock(day, refusal.hours[-1][1], wish.at)
    if refusal.detail == "break":
        return (
            f"{name} hat zu der Zeit Pause. {capital(on_de)} ist {name} {_hours(refusal.hours, day, 'de')} da."
            if de
            else f"{name} is on a break then. On {on_en} {name} works {_hours(refusal.hours, day, 'en')}."
        )
    if refusal.detail == "closing" and wish.exact:
        return (
            f"{name} arbeitet {on_de} nur bis {say_clock(end, 'de')}, das reicht {say_time(wish.at, 'de')} "
            f"für {wish.service} leider nicht mehr."
            if de
            else f"{name} only works until {say_clock(end, 'en')} on {on_en}, which isn't enough time for "
            f"{wish.service} at {say_clock(wish.at, 'en')}, I'm afraid."
        )
    if wish.exact and wish.at < start:
        return (
            f"{name} fängt {on_de} erst {say_time(start, 'de')} an."
            if de
            else f"{name} doesn't start until {say_clock(start, 'en')} on {on_en}."
        )
    return (
        f"{name} arbeitet {on_de} {_hours(refusal.hours, day, 'de')}."
        if de
        else f"{name} works {_hours(refusal.hours, day, 'en')} on {on_en}."
    )


def _on_de(day: date, today: date) -> str:
    """'am Montag, den 23. November,': the date's apposition closed by a comma, as German writes it
    inside a sentence."""
    return say_on_day(day, "de", today) + ","


def _clock(day: date, minute: int, like: datetime | None = None) -> datetime:
    """The local minute of `day` as a datetime (in `like`'s zone, if given); 24:00 reads as 23:59."""
    zone = like.tzinfo if like is not None else None
    if minute >= 24 * 60:
        return datetime.combine(day, time(23, 59), tzinfo=zone)
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)


def _hours(ranges: tuple[tuple[int, int], ...], day: date, lang: str) -> str:
    """'von 10 bis 13 Uhr und von 14 bis 19 Uhr' / '10 am to 1 pm and 2 pm to 7 pm'."""
    parts = []
    for s, e in ranges:
        a, b = _clock(day, s), _clock(day, e)
        if lang == "de":
            parts.append(f"von {_de_hour(a)} bis {_de_hour(b)} Uhr")
        else:
            parts.append(f"{say_clock(a, 'en')} to {say_clock(b, 'en')}")
    return join_and(parts, lang)


def _de_hour(at: datetime) -> str:
    return str(at.hour) if at.minute == 0 else f"{at.hour}:{at.minute:02d}"

"""Offers as a listener follows them: in time order, each day said once, each person said once (per
day, or per option when one day has several).

"Am Samstag, den 5. Dezember, um 10 Uhr, um halb elf oder um 11 Uhr bei Sarah" /
"Tuesday 1 December at 8 am, 9:30 am or 11 am". A day the caller already named is not repeated,
unless the offer is with another person than the one they asked for (then the day is said, so
"10 Uhr bei Sarah" is never heard as the day they were just told is impossible). English times
after "I have" / "I could offer you" go without "at" ("I have 8 am, 9:30 am or 11 am"), never
"I have at 8 am". Pure: local datetimes and first names in, text out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

from agent_functions.speech import join_words, say_clock, say_date, say_on_day, say_time


@dataclass(frozen=True)
class SpokenOffer:
    """One option: its local start and the first name of the person."""

    at: datetime
    staff: str


def say_offers(
    offers: Sequence[SpokenOffer],
    lang: str,
    today: date,
    *,
    known_day: date | None = None,
    asked_staff: str | None = None,
) -> str:
    """The options as one phrase, in time order.

    `known_day`: the day the caller asked about (said already, so not repeated for options with the
    person they asked for); `asked_staff`: that person's first name, or None when they had no wish."""
    ordered = sorted(offers, key=lambda o: o.at)
    if not ordered:
        return ""
    one_person = len({o.staff for o in ordered}) == 1
    groups: list[str] = []
    for day, items in groupby(ordered, key=lambda o: o.at.date()):
        group = list(items)
        per_offer = len({o.staff for o in group}) > 1
        listed = join_words([_time(o.at, lang) + (_with(o.staff, lang) if per_offer else "") for o in group], lang)
        if not per_offer and not one_person:
            listed += _with(group[0].staff, lang)
        if day == known_day and all(asked_staff in (None, o.staff) for o in group):
            groups.append(listed)
        elif lang == "de":
            groups.append(f"{say_on_day(day, lang, today)}, {listed}")
        else:
            groups.append(f"{say_date(day, lang, today)} at {listed}")
    text = _join_groups(groups, lang)
    return text + (_with(ordered[0].staff, lang) if one_person else "")


def _time(at: datetime, lang: str) -> str:
    """'um 10 Uhr' / '10 am' (English lists carry one 'at' for the day, none after 'I have')."""
    return say_time(at, lang) if lang == "de" else say_clock(at, lang)


def _with(staff: str, lang: str) -> str:
    return f" bei {staff}" if lang == "de" else f" with {staff}"


def _join_groups(groups: list[str], lang: str) -> str:
    """Days hold commas of their own ("am Montag, den 7. Dezember, um 10 Uhr"), so each further day is
    introduced by 'oder' / 'or', not by a bare comma."""
    if len(groups) == 1:
        return groups[0]
    word = ", oder " if lang == "de" else ", or "
    return word.join(groups)

"""What series answers say (CONTRACT section 10): the check's two sentences ("Alle sechs Dienstage um
17 Uhr sind frei, außer am 22. Dezember; da ginge 18 Uhr."), the booking's confirmation with the dates
left out, `data.series` and the brief slot and appointment shapes that keep a 26-occurrence answer
under the platform's size limit. Pure: values in, words and JSON-able dicts out.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from agent_functions.functions.base import FunctionContext
from agent_functions.functions.offer_speech import offer_list, spell_reference, with_staff
from agent_functions.functions.package_speech import booked_sentence, package_data
from agent_functions.functions.wish import Wish
from agent_functions.replies import Reply, iso, ref, slot_data
from agent_functions.speech import DE_SMALL, EN_SMALL, join_and, say_clock, say_date, say_time
from booking_core.domain import AppointmentView, Slot
from booking_core.series_search import SeriesOutcome
from nlu import Repeat

__all__ = ["booked_brief", "booked_series_reply", "none_free_reply", "say_count", "series_data", "series_summary"]

DE_WEEKDAYS_PLURAL = ("Montage", "Dienstage", "Mittwoche", "Donnerstage", "Freitage", "Samstage", "Sonntage")
EN_WEEKDAYS_PLURAL = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")


def booked_series_reply(
    ctx: FunctionContext, data: dict[str, Any], outcome: SeriesOutcome, views: list[AppointmentView]
) -> Reply:
    """'Ich habe sechs Termine um 17 Uhr bei Fabian eingetragen, vom ... bis ....' and the dates left out."""
    first, last = views[0].start.astimezone(ctx.zone), views[-1].start.astimezone(ctx.zone)
    n = say_count(ctx, len(views))
    staff = with_staff(ctx, views[0].staff_id)
    message = ctx.say(
        f"Ich habe {n} Termine {say_time(first, 'de')} {staff} eingetragen, vom {say_date(first.date(), 'de')} "
        f"bis {say_date(last.date(), 'de')}.",
        f"I've booked {n} appointments {say_time(first, 'en')} {staff}, from {say_date(first.date(), 'en')} "
        f"to {say_date(last.date(), 'en')}.",
    )
    if outcome.conflicts:
        skipped = join_and([_day_said(ctx, c.day, c.label) for c in outcome.conflicts], ctx.lang)
        message += " " + ctx.say(f"Nicht eingetragen ist {skipped}.", f"Not booked: {skipped}.")
    uses = [v.package for v in views]
    card = booked_sentence(ctx, uses, None, claimed=False)  # one credit per occurrence while they last
    message += f" {card}" if card else ""
    message += " " + ctx.say(
        f"Ihre Buchungsnummer ist {spell_reference(views[0].reference)}.",
        f"Your booking reference is {spell_reference(views[0].reference)}.",
    )
    left_out = [{"date": c["date"], "reason": c["reason"]} for c in data["series"]["conflicts"]]
    series_out = {"id": views[0].series_id, "conflicts": left_out, "count": data["series"]["count"]}
    return Reply(
        "booked",
        message,
        {
            **data,
            "series": series_out,
            "appointments": [booked_brief(ctx, v) for v in views],
            **package_data(ctx, uses),
        },
    )


def series_data(ctx: FunctionContext, outcome: SeriesOutcome, repeat: Repeat, defaulted: bool) -> dict[str, Any]:
    """`data.series`: occurrences and conflicts (CONTRACT section 10), the count and whether it was
    the default, and the repeat as understood."""
    return {
        "occurrences": [_brief(ctx, s) for s in outcome.occurrences],
        "conflicts": [
            {
                "date": c.day.isoformat() if c.day else c.label,
                "reason": c.reason,
                "alternatives": [_brief(ctx, s) for s in c.alternatives],
            }
            for c in outcome.conflicts
        ],
        "count": outcome.planned,
        "default_count": defaulted,
        "repeat": repeat.to_dict(),
    }


def _brief(ctx: FunctionContext, slot: Slot) -> dict[str, Any]:
    """A slot in a series answer: start, end and staff only (answers stay under the platform's size
    limit, `replies.MAX_RESPONSE_CHARS`, even for 26 occurrences' worth of slots)."""
    return {
        "start": iso(slot.start, ctx.zone),
        "end": iso(slot.end, ctx.zone),
        "staff": ref(slot.staff_id, slot.staff_name),
    }


def booked_brief(ctx: FunctionContext, view: AppointmentView) -> dict[str, Any]:
    """An appointment of a series answer: id, reference, status, start, staff."""
    return {
        "id": view.id,
        "reference": view.reference,
        "status": view.status,
        "start": iso(view.start, ctx.zone),
        "staff": ref(view.staff_id, view.staff_name),
    }


def series_summary(ctx: FunctionContext, outcome: SeriesOutcome) -> str:
    """'Alle sechs Dienstage um 17 Uhr bei Fabian sind frei, außer am 22. Dezember; da ginge 18 Uhr.'"""
    first = outcome.occurrences[0]
    local = first.start.astimezone(ctx.zone)
    days = [s.start.astimezone(ctx.zone).date() for s in outcome.occurrences]
    days += [c.day for c in outcome.conflicts if c.day]
    same_weekday = len({d.weekday() for d in days}) == 1
    what = (
        ctx.say(DE_WEEKDAYS_PLURAL[local.weekday()], EN_WEEKDAYS_PLURAL[local.weekday()])
        if same_weekday
        else ctx.say("Termine", "appointments")
    )
    n = say_count(ctx, outcome.planned)
    staff = with_staff(ctx, first.staff_id)
    head = ctx.say(
        f"Alle {n} {what} {say_time(local, 'de')} {staff} sind frei",
        f"All {n} {what} {say_time(local, 'en')} {staff} are free",
    )
    if not outcome.conflicts:
        return head + "."
    except_days = join_and([_day_said(ctx, c.day, c.label) for c in outcome.conflicts], ctx.lang)
    head += ctx.say(f", außer {except_days}", f", except {except_days}")
    offers = [(c, c.alternatives[0]) for c in outcome.conflicts if c.alternatives]
    if len(offers) == 1 and len(outcome.conflicts) == 1:
        conflict, alt = offers[0]
        return head + ctx.say(
            f"; da ginge {_alt_said(ctx, alt, conflict.day, 'de', first.staff_id)}.",
            f"; {_alt_said(ctx, alt, conflict.day, 'en', first.staff_id)} would work then.",
        )
    if offers:
        said = join_and([_alt_said(ctx, alt, None, ctx.lang, first.staff_id) for _, alt in offers], ctx.lang)
        return head + ctx.say(f"; als Ersatz ginge {said}.", f"; instead I could offer {said}.")
    return head + "."


def _alt_said(ctx: FunctionContext, alt: Slot, day: date | None, lang: str, staff_id: str) -> str:
    """'18 Uhr' on the conflict's own day, else 'am 23. Dezember um 18 Uhr'; 'bei Emma' when
    someone other than the series' staff member."""
    local = alt.start.astimezone(ctx.zone)
    said = (
        say_clock(local, lang)
        if day is not None and local.date() == day
        else (f"{_day_said(ctx, local.date(), '')} {say_time(local, lang)}")
    )
    return said + (f" {with_staff(ctx, alt.staff_id)}" if alt.staff_id != staff_id else "")


def _day_said(ctx: FunctionContext, day: date | None, label: str) -> str:
    """'am 22. Dezember' / '22 December'; a month without that day: 'im Februar (den 31. gibt es nicht)'."""
    if day is not None:
        date_de, date_en = say_date(day, "de").split(", den ")[-1], say_date(day, "en").split(" ", 1)[-1]
        return ctx.say(f"am {date_de}", date_en)
    year, month = int(label[:4]), int(label[5:7])
    month_said = say_date(date(year, month, 1), ctx.lang).split(" ")[-1]
    if label[8:10].isdigit():
        number = int(label[8:10])
        return ctx.say(f"am {number}. {month_said}, den es nicht gibt", f"{number} {month_said}, which doesn't exist")
    return ctx.say(f"im {month_said}, der diesen Tag nicht hat", f"{month_said}, which has no such day")


def none_free_reply(ctx: FunctionContext, wish: Wish, outcome: SeriesOutcome, data: dict[str, Any]) -> Reply:
    """No occurrence is free: say so and offer the alternatives of the first date that has some."""
    alternatives = next((c.alternatives for c in outcome.conflicts if c.alternatives), ())
    n = say_count(ctx, outcome.planned)
    lead = ctx.say(f"Zu dieser Zeit ist keiner der {n} Termine frei.", f"None of the {n} dates is free at that time.")
    payload = {
        **data,
        "alternatives": [slot_data(s, ctx.tenant) for s in alternatives],
        "reason": outcome.conflicts[0].reason if outcome.conflicts else None,
    }
    if not alternatives:
        return Reply(
            "unavailable",
            lead + " " + ctx.say("Möchten Sie eine andere Uhrzeit versuchen?", "Would you like to try another time?"),
            payload,
        )
    offer = offer_list(ctx, alternatives)
    offered = ctx.say(
        f"Ich könnte Ihnen {offer} anbieten. Passt Ihnen davon etwas?",
        f"I could offer you {offer}. Would any of those suit you?",
    )
    return Reply("unavailable", f"{lead} {offered}", payload)


def say_count(ctx: FunctionContext, n: int) -> str:
    """'sechs' / 'six' up to ten, else digits."""
    small = DE_SMALL if ctx.lang == "de" else EN_SMALL
    if 2 <= n < len(small):
        return small[n]
    return "einen" if n == 1 and ctx.lang == "de" else ("one" if n == 1 else str(n))

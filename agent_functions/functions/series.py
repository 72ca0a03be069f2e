"""Series by phone (CONTRACT section 10): `repeat`, `count` and `until` on check_availability and
book_appointment.

The arguments are read together through `nlu.parse_repeat` ("jeden Dienstag" + count "sechs" +
until "Weihnachten"). A check answers every occurrence at once in two sentences ("Alle sechs
Dienstage um 17 Uhr sind frei, außer am 22. Dezember; da ginge 18 Uhr."); a booking books the free
occurrences as one series, all or nothing. Bad input (no frequency, more than 26, an end that cannot
be read) is asked back and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from agent_functions.call_memory import forget_offers
from agent_functions.functions.base import FunctionContext
from agent_functions.functions.offer_speech import offer_list, spell_reference, unavailable_reply, with_staff
from agent_functions.functions.package_speech import booked_sentence, package_data
from agent_functions.functions.wish import Wish
from agent_functions.replies import Reply, iso, ref, slot_data
from agent_functions.speech import DE_SMALL, EN_SMALL, join_and, say_clock, say_date, say_time
from agent_functions.understanding import text_arg
from booking_core.domain import AppointmentView, CustomerInput, Slot
from booking_core.errors import SlotUnavailable
from booking_core.series import MAX_OCCURRENCES, SeriesRule, SeriesTooLong
from booking_core.series_search import SeriesOutcome
from nlu import Repeat, parse_repeat

DE_WEEKDAYS_PLURAL = ("Montage", "Dienstage", "Mittwoche", "Donnerstage", "Freitage", "Samstage", "Sonntage")
EN_WEEKDAYS_PLURAL = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")


@dataclass(frozen=True)
class SeriesWish:
    """A repeat as understood: the core's rule, the count and end said (None: not said)."""

    rule: SeriesRule
    count: int | None
    until: date | None
    repeat: Repeat

    @property
    def defaulted(self) -> bool:
        """Neither a count nor an end was said: the default of six applies (and is said)."""
        return self.count is None and self.until is None


def wants_series(args: dict[str, Any]) -> bool:
    """Whether the arguments ask for a series at all."""
    return any(text_arg(args, key) for key in ("repeat", "count", "until"))


def understand_series(ctx: FunctionContext, args: dict[str, Any], data: dict[str, Any]) -> SeriesWish | Reply:
    """The series the arguments ask for, or the question to ask back (`needs_clarification`)."""
    words = [text_arg(args, "repeat") or ""]
    count = text_arg(args, "count")
    if count:
        words.append(f"{count} {ctx.say('mal', 'times')}")
    until = text_arg(args, "until")
    if until:
        words.append(f"{ctx.say('bis', 'until')} {until}")
    repeat = parse_repeat(" ".join(w for w in words if w), ctx.now(), ctx.lang)
    if repeat is None or "no_frequency" in repeat.issues:
        return Reply(
            "needs_clarification",
            ctx.say(
                "Wie oft soll der Termin stattfinden: jede Woche, alle zwei Wochen oder einmal im Monat?",
                "How often should the appointment be: every week, every two weeks or once a month?",
            ),
            {**data, "missing": ["repeat"]},
        )
    if "too_many" in repeat.issues:
        return too_many_reply(ctx, data)
    if "bad_until" in repeat.issues:
        return Reply(
            "needs_clarification",
            ctx.say("Bis wann soll die Terminserie laufen?", "Until when should the series run?"),
            {**data, "missing": ["until"]},
        )
    rule = SeriesRule(repeat.freq, repeat.interval, repeat.weekday, repeat.nth)
    return SeriesWish(rule, repeat.count, repeat.until, repeat)


def too_many_reply(ctx: FunctionContext, data: dict[str, Any]) -> Reply:
    return Reply(
        "needs_clarification",
        ctx.say(
            f"Eine Terminserie kann höchstens {MAX_OCCURRENCES} Termine haben. Wie viele Termine möchten Sie?",
            f"A series can have at most {MAX_OCCURRENCES} appointments. How many would you like?",
        ),
        {**data, "missing": ["count"]},
    )


async def checked_series(ctx: FunctionContext, wish: Wish, series: SeriesWish) -> SeriesOutcome | Reply:
    """The series checked at the wish's exact time, or the question to ask back."""
    request = wish.request
    assert request is not None
    if not request.exact:
        return Reply(
            "needs_clarification",
            ctx.say("Um wie viel Uhr sollen die Termine jeweils sein?", "At what time should the appointments be?"),
            {**wish.data, "missing": ["time"]},
        )
    try:
        return await ctx.services.booking.check_series(
            ctx.tenant, request, series.rule, count=series.count, until=series.until
        )
    except SeriesTooLong:
        return too_many_reply(ctx, wish.data)


async def check_series_reply(ctx: FunctionContext, wish: Wish, series: SeriesWish) -> Reply:
    """check_availability with a repeat: every occurrence and conflict, spoken in two sentences."""
    outcome = await checked_series(ctx, wish, series)
    if isinstance(outcome, Reply):
        return outcome
    data = {**wish.data, "series": series_data(ctx, outcome, series)}
    if not outcome.occurrences:
        return _none_free(ctx, wish, outcome, data)
    first = _summary(ctx, outcome)
    n = _number(ctx, len(outcome.occurrences))
    if series.defaulted:
        second = ctx.say(
            f"Ich habe mit {_number(ctx, outcome.planned)} Terminen gerechnet, weil keine Anzahl genannt "
            f"wurde; soll ich die {n} freien Termine buchen?",
            f"I've assumed {_number(ctx, outcome.planned)} appointments as no number was given; "
            f"shall I book the {n} free ones?",
        )
    else:
        second = ctx.say(f"Soll ich die {n} freien Termine buchen?", f"Shall I book the {n} free ones?")
    if len(outcome.occurrences) == 1:
        second = second.replace(
            ctx.say(f"die {n} freien Termine", f"the {n} free ones"), ctx.say("den freien Termin", "the free one")
        )
    return Reply("available", f"{first} {second}", data)


async def book_series_reply(
    ctx: FunctionContext, wish: Wish, series: SeriesWish, name: str, phone: str | None, notes: str | None
) -> Reply:
    """book_appointment with a repeat: the free occurrences booked as one series, all or nothing. A
    retry of this call's booking answers the series it booked."""
    outcome = await checked_series(ctx, wish, series)
    if isinstance(outcome, Reply):
        return outcome
    request = wish.request
    assert request is not None
    booked = await ctx.services.booking.series_booked_by_call(
        ctx.tenant, request, series.rule, count=series.count, until=series.until, call_id=ctx.call.call_id
    )
    if booked:
        outcome = replace(outcome, occurrences=(), conflicts=())
        return _booked(ctx, {**wish.data, "series": series_data(ctx, outcome, series)}, outcome, booked)
    data = {**wish.data, "series": series_data(ctx, outcome, series)}
    if not outcome.occurrences:
        return _none_free(ctx, wish, outcome, data)
    booking, tenant = ctx.services.booking, ctx.tenant
    try:
        views, _created = await booking.book_series(
            tenant,
            request.service_id,
            request.staff_id,
            list(outcome.occurrences),
            CustomerInput(name, phone),
            ctx.call.call_id,
            notes=notes,
        )
    except SlotUnavailable as exc:  # taken between the check and the booking: nothing was written
        return unavailable_reply(ctx, request, exc.reason, exc.alternatives, data, exc.refusal)
    await forget_offers(ctx.services, tenant.id, ctx.call.call_id)
    return _booked(ctx, data, outcome, views)


def _booked(ctx: FunctionContext, data: dict[str, Any], outcome: SeriesOutcome, views: list[AppointmentView]) -> Reply:
    """'Ich habe sechs Termine um 17 Uhr bei Fabian eingetragen, vom ... bis ....' and the dates left out."""
    first, last = views[0].start.astimezone(ctx.zone), views[-1].start.astimezone(ctx.zone)
    n = _number(ctx, len(views))
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


def series_data(ctx: FunctionContext, outcome: SeriesOutcome, series: SeriesWish) -> dict[str, Any]:
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
        "default_count": series.defaulted,
        "repeat": series.repeat.to_dict(),
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


def _summary(ctx: FunctionContext, outcome: SeriesOutcome) -> str:
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
    n = _number(ctx, outcome.planned)
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


def _none_free(ctx: FunctionContext, wish: Wish, outcome: SeriesOutcome, data: dict[str, Any]) -> Reply:
    """No occurrence is free: say so and offer the alternatives of the first date that has some."""
    alternatives = next((c.alternatives for c in outcome.conflicts if c.alternatives), ())
    n = _number(ctx, outcome.planned)
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


def _number(ctx: FunctionContext, n: int) -> str:
    """'sechs' / 'six' up to ten, else digits."""
    small = DE_SMALL if ctx.lang == "de" else EN_SMALL
    if 2 <= n < len(small):
        return small[n]
    return "einen" if n == 1 and ctx.lang == "de" else ("one" if n == 1 else str(n))

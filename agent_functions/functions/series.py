"""Series by phone (CONTRACT section 10): `repeat`, `count` and `until` on check_availability and
book_appointment.

The arguments are read together through `nlu.parse_repeat` ("jeden Dienstag" + count "sechs" +
until "Weihnachten"). A check answers every occurrence at once in two sentences ("Alle sechs
Dienstage um 17 Uhr sind frei, außer am 22. Dezember; da ginge 18 Uhr."); a booking books the free
occurrences as one series, all or nothing. Bad input (no frequency, more than 26, an end that cannot
be read) is asked back and writes nothing. What the answers say is `series_speech`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from agent_functions.call_memory import forget_offers
from agent_functions.functions.base import FunctionContext
from agent_functions.functions.offer_speech import unavailable_reply
from agent_functions.functions.series_speech import (
    booked_brief,
    booked_series_reply,
    none_free_reply,
    say_count,
    series_data,
    series_summary,
)
from agent_functions.functions.wish import Wish
from agent_functions.replies import Reply
from agent_functions.understanding import text_arg
from booking_core.domain import CustomerInput
from booking_core.errors import SlotUnavailable
from booking_core.series import MAX_OCCURRENCES, SeriesRule, SeriesTooLong
from booking_core.series_search import SeriesOutcome
from nlu import Repeat, parse_repeat

__all__ = [
    "SeriesWish",
    "book_series_reply",
    "booked_brief",
    "check_series_reply",
    "checked_series",
    "too_many_reply",
    "understand_series",
    "wants_series",
]


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
    data = {**wish.data, "series": series_data(ctx, outcome, series.repeat, series.defaulted)}
    if not outcome.occurrences:
        return none_free_reply(ctx, wish, outcome, data)
    first = series_summary(ctx, outcome)
    n = say_count(ctx, len(outcome.occurrences))
    if series.defaulted:
        second = ctx.say(
            f"Ich habe mit {say_count(ctx, outcome.planned)} Terminen gerechnet, weil keine Anzahl genannt "
            f"wurde; soll ich die {n} freien Termine buchen?",
            f"I've assumed {say_count(ctx, outcome.planned)} appointments as no number was given; "
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
        return booked_series_reply(
            ctx, {**wish.data, "series": series_data(ctx, outcome, series.repeat, series.defaulted)}, outcome, booked
        )
    data = {**wish.data, "series": series_data(ctx, outcome, series.repeat, series.defaulted)}
    if not outcome.occurrences:
        return none_free_reply(ctx, wish, outcome, data)
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
    return booked_series_reply(ctx, data, outcome, views)

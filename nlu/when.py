"""``parse_when``: what a caller said about *when*, as a concrete time (CONTRACT section 6).

:mod:`nlu.when_grammar` reads the pieces; :mod:`nlu.when_days` and :mod:`nlu.when_times` resolve
them; this module puts them together and is the public API. Together they decide:

* which day: relative days, weekday rules, explicit dates with past-date repair, weeks, weekends,
  months, ranges ("zwischen Montag und Mittwoch"), self-corrections ("nicht Montag sondern
  Dienstag": negated mentions drop out, otherwise the last mention wins);
* which time: clock times with the 12-hour choice (:mod:`nlu.conventions`), parts of the day,
  ranges and open bounds ("ab 16 Uhr");
* and the result kind: "datetime" (a point), "date" (a whole day), "window" (a span) or "none".

Issues (``When.issues``) say what the caller or the agent may want to confirm:

============================  =====================================================================
``past_date_repaired``        a past date (stale LLM calendar) was moved to the next matching date
``ambiguous_past_date``       a past date could not be repaired unambiguously (kind "none")
``invalid_date``              no such day (31.02., month 13, year 0) (kind "none")
``invalid_time``              no such time (25:00, 14:75) (kind "none")
``weekday_date_conflict``     weekday and date disagree ("Friday the 5th" when the 5th is a
                              Saturday); ``alternatives`` holds candidate days (kind "none")
``ambiguous_weekday_today``   today's weekday was named ("Freitag" on a Friday -> next week's)
``date_just_passed``          a day-month without year that just passed was read as next year's
``time_passed``               the time named for today is already past
``in_past``                   the result lies before ``now``
``utc_offset_ignored``        an ISO time with "Z"/+00:00 was read as local wall time
``clock_ignored_for_range``   a clock time with a multi-day span (the span is returned)
``asap``                      "so bald wie möglich": the next two weeks from now
``internal_error``            a bug: never raised to the caller, reported here (kind "none")
============================  =====================================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal, get_args

from nlu import conventions as conv
from nlu.conventions import Hours
from nlu.normalize import clean_input
from nlu.when_days import resolve_days, single_day
from nlu.when_formal import apply_iso_offset, dateparser_fallback
from nlu.when_grammar import scan
from nlu.when_reading import Unresolvable
from nlu.when_times import clock_point, resolve_times, time_span

#: What a phrase resolved to: a point in time, a whole day, a span, or nothing usable.
WhenKind = Literal["datetime", "date", "window", "none"]
KINDS: tuple[WhenKind, ...] = get_args(WhenKind)


@dataclass(frozen=True)
class When:
    """A resolved time expression. ``start``/``end`` are aware datetimes in ``now``'s zone:
    "datetime" -> end None; "date" -> the day's 00:00 to the next day's 00:00; "window" -> its span;
    "none" -> both None. The context (``now``, ``lang``, ``hours``) is kept for :func:`combine_when`
    and is not part of equality."""

    kind: WhenKind
    start: datetime | None
    end: datetime | None
    text: str
    has_date: bool = False
    has_time: bool = False
    formal: bool = False
    issues: tuple[str, ...] = ()
    alternatives: tuple[date, ...] = ()
    lang: str = field(default="de", compare=False, repr=False)
    now: datetime | None = field(default=None, compare=False, repr=False)
    hours: Hours | None = field(default=None, compare=False, repr=False)

    @property
    def day(self) -> date | None:
        """The local calendar day of ``start`` (None for kind "none")."""
        return self.start.date() if self.start is not None else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (CONTRACT section 3 ``request.when`` plus the flags)."""
        return {
            "kind": self.kind,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "text": self.text,
            "has_date": self.has_date,
            "has_time": self.has_time,
            "formal": self.formal,
            "issues": list(self.issues),
            "alternatives": [d.isoformat() for d in self.alternatives],
        }


# --- public API ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """What a When keeps of the call for :func:`combine_when`."""

    lang: str
    now: datetime | None
    hours: Hours | None


def _when(
    ctx: _Context,
    kind: WhenKind,
    start: datetime | None,
    end: datetime | None,
    text: str,
    *,
    has_date: bool,
    has_time: bool,
    formal: bool = False,
    issues: Sequence[str] = (),
    alternatives: tuple[date, ...] = (),
) -> When:
    return When(
        kind,
        start,
        end,
        text,
        has_date,
        has_time,
        formal,
        tuple(dict.fromkeys(issues)),
        alternatives,
        lang=ctx.lang,
        now=ctx.now,
        hours=ctx.hours,
    )


def _none(
    ctx: _Context,
    text: str,
    issues: list[str],
    alternatives: tuple[date, ...] = (),
    has_date: bool = False,
    has_time: bool = False,
) -> When:
    return _when(
        ctx, "none", None, None, text, has_date=has_date, has_time=has_time, issues=issues, alternatives=alternatives
    )


def parse_when(text: str, now: datetime, lang: str = "de", hours: Hours | None = None) -> When:
    """Read a spoken or formal date/time phrase relative to ``now`` (aware; its zone is the
    tenant's). ``hours`` (weekday 0=Monday -> opening intervals) steers the 12-hour choice and
    open-ended windows. Never raises: any failure is kind "none" with an issue."""
    safe = clean_input(text)
    ctx = _Context(lang, now if isinstance(now, datetime) else None, hours)
    try:
        if not isinstance(now, datetime):
            return _none(ctx, safe, ["invalid_now"])
        if now.tzinfo is None or now.utcoffset() is None:
            now = now.replace(tzinfo=UTC)
            ctx = _Context(lang, now, hours)
        return _parse(safe, now, lang, hours, ctx)
    except Exception:  # noqa: BLE001 - the phone line must always get an answer
        return _none(ctx, safe, ["internal_error"])


def _parse(text: str, now: datetime, lang: str, hours: Hours | None, ctx: _Context) -> When:
    tz = now.tzinfo or UTC
    today = now.date()
    issues: list[str] = []
    sc = scan(text, lang)
    if not sc.days and not sc.times:
        fallback = dateparser_fallback(text, now, lang)
        if fallback is not None:
            sc = fallback
    has_date = bool(sc.days)
    if sc.times:
        apply_iso_offset(sc, tz, issues)
    try:
        day = resolve_days(sc.text, sc.days, now, today, issues)
        t = resolve_times(sc.text, sc.times)
    except Unresolvable as bad:
        return _none(ctx, text, [*issues, bad.issue], bad.alternatives, has_date, bool(sc.times))
    has_time = t is not None and (t.kind != "part" or t.part is not None)
    if t is not None and t.part_today and day is None:
        day = single_day(today)
        has_date = True
    formal = bool(t and t.a is not None and t.a.data.get("formal") and not t.a.data.get("noon"))

    def result(kind: WhenKind, start: datetime, end: datetime | None) -> When:
        final = list(issues)
        if kind == "window" and end is not None and end <= start:
            end = start + timedelta(hours=1)  # degenerate spans ("bis 8" before opening)
        if kind == "datetime" and start < now.replace(second=0, microsecond=0):
            final.append("time_passed" if start.date() == today else "in_past")
        elif kind in ("date", "window") and end is not None and end <= now:
            final.append("in_past")
        return _when(ctx, kind, start, end, text, has_date=has_date, has_time=has_time, formal=formal, issues=final)

    try:
        if t is not None and t.kind == "offset":
            stamp = (now.replace(second=0, microsecond=0).astimezone(UTC) + timedelta(minutes=t.minutes)).astimezone(tz)
            has_date = bool(sc.days)
            return result("datetime", stamp, None)
        if day is None:
            if t is None:
                return _none(ctx, text, issues)
            day = single_day(today)
        if day.from_now is not None:
            start = now.replace(second=0, microsecond=0)
            if day.from_now == "asap":
                issues.append("asap")
                return result("window", start, conv.at(day.end, 0, tz))
            close = conv.at(today, conv.day_span(hours, today)[1], tz)
            return result("window", start, close if close > start else start + timedelta(hours=2))
        if day.single:
            d = day.start
            if t is None or (t.kind == "part" and t.part is None):
                return result("date", conv.at(d, 0, tz), conv.at(d, 24 * 60, tz))
            point = clock_point(t, d, hours)
            if point is not None:
                return result("datetime", conv.at(d, point, tz), None)
            s, e = time_span(t, d, hours)
            return result("window", conv.at(d, s, tz), conv.at(d, e, tz))
        # a multi-day span
        if t is None or (t.kind == "part" and t.part is None):
            return result("window", conv.at(day.start, 0, tz), conv.at(day.end, 0, tz))
        if t.kind == "point":
            issues.append("clock_ignored_for_range")
            return result("window", conv.at(day.start, 0, tz), conv.at(day.end, 0, tz))
        n_days = (day.end - day.start).days
        all_days = [day.start + timedelta(days=k) for k in range(n_days)]
        open_days = [x for x in all_days if conv.is_workday(hours, x)] or all_days
        first, last = open_days[0], open_days[-1]
        return result(
            "window", conv.at(first, time_span(t, first, hours)[0], tz), conv.at(last, time_span(t, last, hours)[1], tz)
        )
    except Unresolvable as bad:
        return _none(ctx, text, [*issues, bad.issue], bad.alternatives, has_date, has_time)


def combine_when(day: When, clock: When) -> When:
    """Join separately sent fields: a day (``datum``) and a time (``uhrzeit``) -> one When.

    "morgen" + "halb drei", "2026-11-21" + "14:30", "Dienstag" + "vormittags". The time phrase is
    read again as if said on the target day, so the 12-hour choice uses that day's opening hours.
    If either is "none", the other is returned; if the roles are swapped, they are swapped back.
    """
    if day.kind == "none":
        return clock
    if clock.kind == "none":
        return day
    if not day.has_date and clock.has_date:
        day, clock = clock, day
    if not clock.has_time:
        return day
    text = f"{day.text} {clock.text}".strip()
    now = day.now or clock.now
    if now is None or day.start is None:
        return day
    tz = now.tzinfo or UTC
    hours = day.hours if day.hours is not None else clock.hours
    lang = day.lang
    issues = [i for i in day.issues if i not in ("in_past", "time_passed")]
    ctx = _Context(lang, now, hours)
    first = day.start.date()
    base_now = now if first == now.date() else conv.at(first, 0, tz)
    reread = parse_when(clock.text, base_now, lang, hours)
    if reread.kind == "none" or reread.start is None:
        return day
    span_days = 1
    if day.kind == "window" and day.end is not None and not day.has_time:
        span_days = max(1, (day.end.date() - first).days)
    if span_days > 1:
        if reread.kind == "datetime" or reread.end is None:
            return _when(
                ctx,
                "window",
                day.start,
                day.end,
                text,
                has_date=True,
                has_time=True,
                formal=reread.formal,
                issues=[*issues, "clock_ignored_for_range"],
            )
        all_days = [first + timedelta(days=k) for k in range(span_days)]
        open_days = [x for x in all_days if conv.is_workday(hours, x)] or all_days
        s_t, e_t = reread.start.timetz(), reread.end.timetz()
        start = conv.at(open_days[0], s_t.hour * 60 + s_t.minute, tz)
        end = conv.at(open_days[-1], e_t.hour * 60 + e_t.minute, tz)
        return _when(ctx, "window", start, end, text, has_date=True, has_time=True, formal=reread.formal, issues=issues)
    extra = [i for i in reread.issues if i not in ("time_passed", "in_past")]
    final = issues + extra
    if reread.start < now.replace(second=0, microsecond=0):
        final.append("time_passed" if reread.start.date() == now.date() else "in_past")
    return _when(
        ctx,
        reread.kind,
        reread.start,
        reread.end,
        text,
        has_date=True,
        has_time=True,
        formal=reread.formal,
        issues=final,
    )


__all__ = ["KINDS", "When", "WhenKind", "combine_when", "parse_when"]

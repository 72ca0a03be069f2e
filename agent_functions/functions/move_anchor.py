"""Where a move goes when the caller says it relative to the appointment being moved.

"Um halb drei statt um zehn" names only a new time: the day stays the appointment's (not today's).
"Am selben Tag", "same day" is the appointment's day; "eine Woche später", "a day earlier" count
days from it (same time unless a new time is said); "eine Stunde später", "half an hour earlier"
move the start on the same day. The arguments are rewritten to formal values (ISO date, HH:MM) before
the wish is read, so every other rule (grid, hours, holds) applies as usual.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from agent_functions.functions.base import FunctionContext
from agent_functions.understanding import tenant_language, text_arg
from nlu import parse_when
from textfold import fold

_SAME_DAY = re.compile(
    r"\b(?:(?:am\s+)?(?:selben|gleichen|gleicher|derselbe|demselben|dem\s+gleichen)\s+tag|same\s+day|that\s+day)\b"
)
_COUNT = r"(?P<n>\d+|eine?n?|a|an|one|zwei|two|drei|three|halbe?|half\s+an?)"
_SHIFT = re.compile(
    _COUNT + r"\s+(?P<unit>tage?n?|days?|wochen?|weeks?|stunden?|hours?|minuten|minutes)\s+"
    r"(?P<dir>spaeter|later|frueher|earlier|eher|davor|danach|before|after)\b"
)
_NUMBERS = {"ein": 1, "eine": 1, "einen": 1, "a": 1, "an": 1, "one": 1, "zwei": 2, "two": 2, "drei": 3, "three": 3}


def _shift(text: str) -> timedelta | None:
    m = _SHIFT.search(fold(text))
    if m is None:
        return None
    raw = m.group("n")
    n = 0.5 if raw.startswith(("halb", "half")) else float(_NUMBERS.get(raw, raw) if not raw.isdigit() else raw)
    unit = m.group("unit")
    if unit.startswith(("tag", "day")):
        delta = timedelta(days=n)
    elif unit.startswith(("woche", "week")):
        delta = timedelta(weeks=n)
    elif unit.startswith(("stunde", "hour")):
        delta = timedelta(hours=n)
    else:
        delta = timedelta(minutes=n)
    return -delta if m.group("dir") in ("frueher", "earlier", "eher", "davor", "before") else delta


def anchor_move(ctx: FunctionContext, args: dict[str, Any], old_start: datetime) -> dict[str, Any]:
    """``args`` with ``new_date`` / ``new_time`` filled from the appointment (``old_start``, local)
    when the caller's new time is said relative to it; unchanged otherwise."""
    if text_arg(args, "new_when") or text_arg(args, "new_datetime"):
        return args
    day_text, time_text = text_arg(args, "new_date"), text_arg(args, "new_time")
    out = dict(args)
    for text in (t for t in (day_text, time_text) if t):
        delta = _shift(text)
        if delta is None:
            continue
        moved = old_start + delta
        out["new_date"] = moved.date().isoformat()
        whole_days = delta % timedelta(days=1) == timedelta(0)
        if not whole_days or text == time_text or not time_text:
            out["new_time"] = moved.strftime("%H:%M")
        return out
    if day_text and _SAME_DAY.search(fold(day_text)):
        out["new_date"] = old_start.date().isoformat()
        return out
    if time_text and not day_text:
        said = parse_when(time_text, now=ctx.now(), lang=ctx.lang, hours=tenant_language(ctx).hours)
        if said.kind != "none" and not said.has_date:
            out["new_date"] = old_start.date().isoformat()  # only a new time: the same day
    return out

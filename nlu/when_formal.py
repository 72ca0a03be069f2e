"""Formal date/time values the spoken grammar does not settle alone: ISO values with a UTC offset
("2026-11-21T14:30:00+01:00", "...Z") and odd written formats ("Nov 21st, 2026", "2026.11.21"),
which dateparser reads when our grammar found nothing.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo

from nlu.grammar_text import Mention, Scan, prepare

_ISO_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")


def apply_iso_offset(sc: Scan, tz: tzinfo, issues: list[str]) -> None:
    """An ISO value with a UTC offset: convert it to the tenant's zone ``tz`` (in place on ``sc``).
    "Z"/+00:00 is read as local wall time (LLMs append it to local times), flagged
    "utc_offset_ignored"."""
    for c in sc.times:
        raw = c.data.get("tz")
        if not raw:
            continue
        day_m = next((d for d in sc.days if d.type == "dm" and d.data.get("y")), None)
        if day_m is None:
            continue
        if raw == "z":
            sign, hh, mm = "+", "00", "00"
        else:
            match = _ISO_OFFSET.fullmatch(raw)
            if match is None:
                continue
            sign, hh, mm = match.groups()
        offset = timedelta(hours=int(hh), minutes=int(mm)) * (1 if sign == "+" else -1)
        try:
            stamp = datetime(
                day_m.data["y"], day_m.data["m"], day_m.data["d"], c.data["h"], c.data["m"], tzinfo=timezone(offset)
            )
        except ValueError:
            return
        local = stamp.astimezone(tz)
        if offset == timedelta(0) and local.utcoffset() != timedelta(0):
            issues.append("utc_offset_ignored")
            return
        day_m.data.update(y=local.year, m=local.month, d=local.day)
        c.data.update(h=local.hour, m=local.minute)


_DATEPARSER_HINT = re.compile(
    r"\d|"
    + r"|".join(
        (
            "januar",
            "februar",
            "maerz",
            "april",
            "mai",
            "juni",
            "juli",
            "august",
            "september",
            "oktober",
            "november",
            "dezember",
            "january",
            "february",
            "march",
            "june",
            "july",
            "october",
            "december",
        )
    )
)


def dateparser_fallback(text: str, now: datetime, lang: str) -> Scan | None:
    """Odd formats our grammar does not read ("Nov 21st, 2026", "2026.11.21"): ask dateparser.
    Only reached when the grammar found nothing and the text looks date-like, so its cost (ms)
    stays off the hot path. None when dateparser reads nothing either."""
    prepared = prepare(text)
    if not _DATEPARSER_HINT.search(prepared) or len(prepared) > 80:
        return None
    try:
        import dateparser  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover
        return None
    try:
        settings = {
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": now.replace(tzinfo=None),
            "RETURN_AS_TIMEZONE_AWARE": False,
            "DATE_ORDER": "DMY" if lang == "de" else "MDY",
        }
        parsed = dateparser.parse(text, languages=[lang if lang in ("de", "en") else "de", "en"], settings=settings)
    except Exception:  # noqa: BLE001
        return None
    if not isinstance(parsed, datetime):
        return None
    days = [Mention("day", "dm", 0, len(prepared), {"y": parsed.year, "m": parsed.month, "d": parsed.day})]
    times: list[Mention] = []
    if re.search(r"\d{1,2}[:.]\d{2}|\d\s*(?:uhr|am|pm)\b", prepared):
        times.append(
            Mention(
                "time", "clock", len(prepared), len(prepared), {"h": parsed.hour, "m": parsed.minute, "formal": True}
            )
        )
    return Scan(prepared + " ", days, times)

"""From the arguments the AI heard to values the booking core takes: service, staff, when, customer.

NLU is pure and knows nothing of tenants; this module feeds it the tenant's catalogue (matchers are
built once per tenant config and cached) and its opening hours, and reports what it understood in
the shape of CONTRACT section 3 `data.request`, whatever the outcome.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache
from typing import Any

from agent_functions.functions.base import FunctionContext
from agent_functions.phones import normalise, region_of
from agent_functions.replies import Reply, iso, ref
from agent_functions.speech import say_date
from booking_core.tenant_config import WEEKDAYS, Service, Staff, TenantConfig
from nlu import (
    CatalogueEntry,
    Match,
    ServiceMatcher,
    StaffMatcher,
    When,
    combine_when,
    parse_customer_name,
    parse_reference,
    parse_when,
    spoken_digits,
)

MAX_TEXT = 300


def text_arg(args: dict[str, Any], key: str) -> str | None:
    """A string argument, trimmed and bounded; numbers become text; anything else is ignored."""
    value = args.get(key)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = "".join(ch for ch in value if ch.isprintable()).strip()
    return value[:MAX_TEXT] or None


def clock_arg(args: dict[str, Any], key: str) -> str | None:
    """A time argument as text. A JSON float is hours with the minutes after the point, as the
    LLM wrote it: 14.30 arrives as 14.3 and means 14:30 (never "14.3", the 14th of March); 9.15 is
    9:15. Anything else as :func:`text_arg`."""
    value = args.get(key)
    if isinstance(value, float) and 0 <= value < 24:
        hours = int(value)
        minutes = round((value - hours) * 100)
        if minutes < 60:
            return f"{hours}:{minutes:02d}"
    return text_arg(args, key)


@dataclass(frozen=True)
class TenantLanguage:
    """The tenant's catalogue and hours in the form NLU takes; built once per config."""

    services: ServiceMatcher
    staff: StaffMatcher
    hours: dict[int, list[tuple[time, time]]]
    region: str


def tenant_language(ctx: FunctionContext) -> TenantLanguage:
    """The tenant's matchers and hours, built once per catalogue: tenants whose services, staff and
    hours are the same objects (`booking_core.tenant_share` makes equal ones one) share them. At most
    SLOTLINE_TENANT_CACHE_SIZE are kept, least recently used dropped first."""
    tenant = ctx.tenant
    parts = (tenant.services, tenant.staff, tenant.opening_hours)
    key = (*(id(p) for p in parts), _region(tenant.phone_numbers))
    kept: OrderedDict[Any, tuple[Any, TenantLanguage]] = ctx.services.caches.setdefault("language", OrderedDict())
    hit = kept.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], parts, strict=True)):
        kept.move_to_end(key)
        return hit[1]
    language = _build_language(tenant)
    kept[key] = (parts, language)  # the parts stay alive with it, so their ids stay theirs
    kept.move_to_end(key)
    while len(kept) > ctx.services.settings.tenant_cache_size:
        kept.popitem(last=False)
    return language


@lru_cache(maxsize=4096)
def _region(numbers: tuple[str, ...]) -> str:
    """The region local numbers are read in, as the tenant's own numbers tell it (parsed once)."""
    return region_of(numbers)


def _build_language(tenant: TenantConfig) -> TenantLanguage:
    services = ServiceMatcher(
        [CatalogueEntry(id=s.id, name=s.name, aliases=tuple(s.aliases), composite=s.composite) for s in tenant.services]
    )
    staff = StaffMatcher([CatalogueEntry(id=m.id, name=m.name, aliases=tuple(m.aliases)) for m in tenant.staff])
    hours = {WEEKDAYS.index(day): [(r.start, r.end) for r in ranges] for day, ranges in tenant.opening_hours.items()}
    return TenantLanguage(services, staff, hours, _region(tenant.phone_numbers))


# --- service and staff --------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """A service or staff wish: `item` when clear; `candidates` when it could be several; `any` for no preference;
    `excluded` with `any` for "anyone but this person"."""

    item: Any = None
    candidates: tuple[Any, ...] = ()
    any: bool = False
    heard: str | None = None
    excluded: Any = None  # staff only: the person the caller said they do *not* want ("nicht Fabian")

    @property
    def unclear(self) -> bool:
        return self.item is None and not self.any


def understand_service(ctx: FunctionContext, text: str | None) -> Choice:
    if not text:
        return Choice()
    direct = ctx.tenant.service(text.strip().lower())
    if direct is not None:
        return Choice(item=direct, heard=text)
    match: Match = tenant_language(ctx).services.match(text)
    return _choice(match, ctx.tenant.service, text)


def understand_staff(ctx: FunctionContext, text: str | None) -> Choice:
    if not text:
        return Choice(any=True)
    direct = ctx.tenant.staff_member(text.strip().lower())
    if direct is not None:
        return Choice(item=direct, heard=text)
    match: Match = tenant_language(ctx).staff.match(text)
    if match.kind == "any":
        return Choice(any=True, heard=text)
    if match.kind == "excluded" and match.entry is not None:
        return Choice(any=True, heard=text, excluded=ctx.tenant.staff_member(match.entry.id))
    return _choice(match, ctx.tenant.staff_member, text)


def _choice(match: Match, lookup: Any, text: str) -> Choice:
    if match.kind == "match" and match.entry is not None:
        return Choice(item=lookup(match.entry.id), heard=text)
    candidates = tuple(c for c in (lookup(e.id) for e in match.candidates) if c is not None)
    return Choice(candidates=candidates, heard=text)


# --- when -----------------------------------------------------------------------------------------


def understand_when(ctx: FunctionContext, args: dict[str, Any], prefix: str = "") -> When | None:
    """Combine `when`, `datetime`, `date` and `time` (or `new_date`/`new_time` with a prefix) into one When.

    None when nothing about time was said at all.
    """
    now = ctx.now()
    hours = tenant_language(ctx).hours
    parsed: list[When] = []
    for key in (f"{prefix}when", f"{prefix}datetime"):
        text = text_arg(args, key)
        if text:
            parsed.append(parse_when(text, now=now, lang=ctx.lang, hours=hours))
    day_text, time_text = text_arg(args, f"{prefix}date"), clock_arg(args, f"{prefix}time")
    day = parse_when(day_text, now=now, lang=ctx.lang, hours=hours) if day_text else None
    clock = parse_when(time_text, now=now, lang=ctx.lang, hours=hours) if time_text else None
    if day is not None and day.kind == "none":
        return day  # a day was named but not understood ("31.02."): ask, never fall back to today
    if clock is not None and clock.kind == "none" and clock.issues:
        return clock  # a time was named but cannot be ("25 Uhr 30"): ask, never offer the whole day
    if day is not None and clock is not None:
        parsed.append(combine_when(day, clock))
    elif day is not None or clock is not None:
        parsed.append(day or clock)  # type: ignore[arg-type]
    if not parsed:
        return None
    best = parsed[0]
    for other in parsed[1:]:
        best = _richer(best, other)
    return best


def _richer(a: When, b: When) -> When:
    """Prefer the reading that says more: a date+time over a date, anything over nothing."""
    if a.kind == "none":
        return b
    if b.kind == "none":
        return a
    if a.has_date and not a.has_time and b.has_time and not b.has_date:
        return combine_when(a, b)
    if b.has_date and not b.has_time and a.has_time and not a.has_date:
        return combine_when(b, a)
    rank = {"datetime": 3, "window": 2, "date": 1}
    return a if rank.get(a.kind, 0) >= rank.get(b.kind, 0) else b


def which_day_reply(ctx: FunctionContext, w: When, data: dict[str, Any], prefix: str = "") -> Reply | None:
    """Ask which of the candidate days was meant, naming each, when NLU found several readings
    (a past-year date whose weekday and day-month disagree, CONTRACT section 14; a weekday that
    does not fit the date): "Meinen Sie Dienstag, den 24. November, oder Donnerstag, den
    26. November?" with the days in `data.options` (`date` ISO, `name` as spoken). Nothing is
    held or booked. None when there is nothing to choose from."""
    if w.kind != "none" or not w.alternatives:
        return None
    today = ctx.now().date()
    days = sorted(set(w.alternatives))
    de = [say_date(d, "de", today) for d in days]
    en = [say_date(d, "en", today) for d in days]
    message = ctx.say(
        f"Meinen Sie {', '.join(de[:-1])}, oder {de[-1]}?" if len(de) > 1 else f"Meinen Sie {de[0]}?",
        f"Do you mean {', '.join(en[:-1])} or {en[-1]}?" if len(en) > 1 else f"Do you mean {en[0]}?",
    )
    names = de if ctx.lang == "de" else en
    options = [{"date": d.isoformat(), "name": name} for d, name in zip(days, names)]
    return Reply("needs_clarification", message, {**data, "missing": [f"{prefix}date"], "options": options})


def reference_arg(args: dict[str, Any]) -> str | None:
    """The booking reference as read out ("K-7-M-2.", "Kilo Sieben Mike Zwei") in its stored form
    ("K7M2"), CONTRACT section 14; None when none was given."""
    return parse_reference(text_arg(args, "appointment"))


def when_data(w: When | None, ctx: FunctionContext) -> dict[str, Any] | None:
    if w is None:
        return None
    return {"kind": w.kind, "start": iso(w.start, ctx.zone), "end": iso(w.end, ctx.zone), "text": w.text}


def request_data(ctx: FunctionContext, service: Choice | None, staff: Choice | None, w: When | None) -> dict[str, Any]:
    """CONTRACT section 3 `data.request`: how the arguments were understood."""
    svc: Service | None = service.item if service else None
    member: Staff | None = staff.item if staff else None
    return {
        "service": ref(svc.id, svc.name) if svc else None,
        "staff": ref(member.id, member.name) if member else None,
        "when": when_data(w, ctx),
    }


def day_bounds(at: datetime) -> tuple[datetime, datetime]:
    """Local midnight to next local midnight (DST-safe: built from the date, not by adding 24 h)."""
    zone = at.tzinfo
    start = datetime.combine(at.date(), time(0), tzinfo=zone)
    end = datetime.combine(at.date() + timedelta(days=1), time(0), tzinfo=zone)
    return start, end


# --- customers ------------------------------------------------------------------------------------


def phone_unreadable(ctx: FunctionContext, args: dict[str, Any]) -> bool:
    """Did the caller give a number (digits, or digits said as words) that is no phone number
    ("null eins fünf")? Then it must be asked again, never replaced by the caller's own number.
    Words without digits ("die Nummer, von der ich anrufe") are not a number given."""
    said = spoken_digits(text_arg(args, "customer_phone"))
    if not said or not any(ch.isdigit() for ch in said):
        return False
    return normalise(said, tenant_language(ctx).region) is None


def customer_name(args: dict[str, Any]) -> str | None:
    return parse_customer_name(text_arg(args, "customer_name"))


def customer_phone(ctx: FunctionContext, args: dict[str, Any]) -> str | None:
    """The number the caller gave (digits or said as words: "null eins sechs null ..."), else the
    number they call from (unless withheld)."""
    given = normalise(spoken_digits(text_arg(args, "customer_phone")), tenant_language(ctx).region)
    if given:
        return given
    return normalise(ctx.call.from_number, tenant_language(ctx).region) if ctx.call.from_number else None

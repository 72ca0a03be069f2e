"""``parse_when``: what a caller said about *when*, as a concrete time (CONTRACT section 6).

:mod:`nlu.when_grammar` reads the pieces; this module decides what they mean together:

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

import calendar as _calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo

from nlu import conventions as conv
from nlu.conventions import Hours
from nlu.normalize import clean_input
from nlu.when_grammar import Mention, Scan, scan

KINDS = ("datetime", "date", "window", "none")


@dataclass(frozen=True)
class When:
    """A resolved time expression. ``start``/``end`` are aware datetimes in ``now``'s zone:
    "datetime" -> end None; "date" -> the day's 00:00 to the next day's 00:00; "window" -> its span;
    "none" -> both None. The context (``now``, ``lang``, ``hours``) is kept for :func:`combine_when`
    and is not part of equality."""

    kind: str
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

    def to_dict(self) -> dict:
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


# --- small helpers ------------------------------------------------------------------------------

def _days_in(year: int, month: int) -> int:
    return _calendar.monthrange(year, month)[1]


def _add_months(d: date, n: int) -> date:
    month0 = d.month - 1 + n
    year = d.year + month0 // 12
    month = month0 % 12 + 1
    return date(year, month, min(d.day, _days_in(year, month)))


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _words_before(text: str, pos: int, n: int = 3) -> list[str]:
    return text[:pos].split()[-n:]


_LEAD_FILLERS = frozenset(
    "like so etwa ca ca. circa ungefaehr about around approximately gegen um at erst dann ja mal gerne "
    "lieber dem der den the noch schon auch liebsten besten irgendwann maybe vielleicht zum zur am on "
    "also naja eher rather just only nur".split()
)
_START_LEADS = frozenset("ab nach after from seit fruehestens starting since".split())
_END_LEADS = frozenset("bis vor before until till til by spaetestens".split())
_RANGE_LEADS = frozenset("zwischen between von vom from".split())
_NEGATIONS = frozenset("nicht not kein keinen keine nie never statt anstatt anstelle".split())
_NEGATION_PAIRS = frozenset({("instead", "of"), ("rather", "than")})


def _lead(text: str, m: Mention) -> tuple[str | None, bool]:
    """The word that governs a mention ("ab", "bis", "zwischen"...), skipping fillers, and whether
    it is negated ("nicht vor 10" = from 10)."""
    first = text[m.start:m.end].split()[:1]
    if first and first[0] in ("vom", "von", "ab", "bis", "from"):
        return first[0], False
    words = text[:m.start].split()[-5:]
    while words and words[-1] in _LEAD_FILLERS:
        words.pop()
    if not words:
        return None, False
    lead = words[-1]
    if lead in ("als", "than") and len(words) >= 2:  # "später als 10", "earlier than 5"
        comp = words[-2]
        if comp in ("spaeter", "later"):
            return "ab", False
        if comp in ("frueher", "earlier"):
            return "bis", False
    negated = len(words) >= 2 and words[-2] in _NEGATIONS
    return lead, negated


_POST_NEG = re.compile(
    r"^\s*(?:geht|passt|klappt|kann\s+ich|koennte\s+ich|ist|is|works?|would\s+work)?\s*(?:leider\s+|bei\s+mir\s+)?"
    r"(?:nicht|not|doesnt|dont|cant|wont|isnt|schlecht|no)\b(?!\s+(?:vor|nach|before|after|frueher|spaeter|earlier"
    r"|later|so|zu|too))"
)


def _negated(text: str, m: Mention) -> bool:
    """Is the mention rejected by the caller? "nicht Montag", "Montag geht nicht", "statt um 10",
    "instead of Monday"."""
    words = text[:m.start].split()[-3:]
    if words and (words[-1] in _NEGATIONS or tuple(words[-2:]) in _NEGATION_PAIRS):
        return True
    if len(words) >= 2 and words[-1] in ("am", "on", "um", "at", "den", "the") and (
            words[-2] in _NEGATIONS or tuple(words[-3:-1]) in _NEGATION_PAIRS):
        return True
    return bool(_POST_NEG.match(text, m.end))


def _drop_negated(text: str, mentions: list[Mention]) -> list[Mention]:
    kept = [m for m in mentions if not _negated(text, m)]
    return kept if kept else mentions


class _Bad(Exception):
    """A phrase that names an impossible or unresolvable day/time; carries the issue."""

    def __init__(self, issue: str, alternatives: tuple[date, ...] = ()) -> None:
        super().__init__(issue)
        self.issue = issue
        self.alternatives = alternatives


@dataclass
class _Day:
    start: date
    end: date  # exclusive
    from_now: str | None = None  # "asap" | "now"

    @property
    def single(self) -> bool:
        return self.end - self.start == timedelta(days=1) and self.from_now is None


# --- days ---------------------------------------------------------------------------------------

def _weekday_date(wd: int, mode: str, weeks: int, today: date, issues: list[str]) -> date:
    """Weekday rules (CONTRACT section 6): a weekday named on that same weekday means next week's
    ("ambiguous_weekday_today"); "diesen/this" allows today; "nächsten/kommenden/next" is the next
    one after today; "übernächsten"/"after next" one week later; "<Tag> in N Wochen" / "a week
    from <day>" counts N weeks from the coming one (today included)."""
    delta = (wd - today.weekday()) % 7
    if weeks:
        return today + timedelta(days=delta + 7 * weeks)
    if mode == "this":
        if delta == 0:
            issues.append("ambiguous_weekday_today")
        return today + timedelta(days=delta)
    if delta == 0:
        if mode == "bare":
            issues.append("ambiguous_weekday_today")
        delta = 7
    if mode == "afternext":
        delta += 7
    return today + timedelta(days=delta)


def _nearest_weekday(d: date, wd: int, today: date) -> date:
    options = [d + timedelta(days=(wd - d.weekday()) % 7 + k) for k in (-7, 0)]
    options = [o for o in options if o >= today] or [d + timedelta(days=(wd - d.weekday()) % 7)]
    return min(options, key=lambda o: abs((o - d).days))


def _next_day_month(month: int, day: int, today: date) -> date:
    for year in range(today.year, today.year + 9):
        if day <= _days_in(year, month):
            cand = date(year, month, day)
            if cand >= today:
                return cand
    raise _Bad("invalid_date")


def _resolve_dm(data: dict, wd: int | None, today: date, issues: list[str]) -> date:
    """An explicit date (year, month optional), with past-date repair (CONTRACT section 2)."""
    y, mo, d = data.get("y"), data.get("m"), data["d"]
    if mo is None:  # day of month alone: this month if still ahead, else the next month having it
        if not 1 <= d <= 31:
            raise _Bad("invalid_date")
        first = None
        cursor = today.replace(day=1)
        for _ in range(24):
            if d <= _days_in(cursor.year, cursor.month):
                cand = cursor.replace(day=d)
                if cand >= today:
                    if first is None:
                        first = cand
                    if wd is None or cand.weekday() == wd:
                        break
            cursor = _add_months(cursor, 1)
        else:
            cand = None
        assert first is not None
        if wd is not None and first.weekday() != wd:
            alts = tuple(x for x in (cand, first, _nearest_weekday(first, wd, today)) if x is not None)
            raise _Bad("weekday_date_conflict", alts)
        return first
    if not 1 <= mo <= 12 or not 1 <= d <= 31 or d > (29 if mo == 2 else _days_in(2001, mo)):
        raise _Bad("invalid_date")
    if y is not None:
        if not 1900 <= y <= 2200 or d > _days_in(y, mo):
            raise _Bad("invalid_date")
        cand = date(y, mo, d)
        if cand < today:
            # Stale calendar: the LLM resolved the caller's words in another year.
            if wd is not None:
                if cand.weekday() != wd:
                    raise _Bad("ambiguous_past_date")
                issues.append("past_date_repaired")
                return _weekday_date(wd, "bare", 0, today, [])
            issues.append("past_date_repaired")
            return _next_day_month(mo, d, today)
    else:
        cand = _next_day_month(mo, d, today)
        if (cand - today).days > 300 and cand.year > today.year:
            issues.append("date_just_passed")
    if wd is not None and cand.weekday() != wd:
        raise _Bad("weekday_date_conflict", (_nearest_weekday(cand, wd, today), cand))
    return cand


def _single(d: date) -> _Day:
    return _Day(d, d + timedelta(days=1))


def _period(start: date, end: date, today: date, roll: int = 0) -> _Day:
    """A span clipped to start today; if it lies wholly in the past, ``roll`` days later."""
    if end <= today and roll:
        start, end = start + timedelta(days=roll), end + timedelta(days=roll)
    return _Day(max(start, today), end)


_WEEK_PARTS = {None: (0, 7), "early": (0, 3), "mid": (1, 4), "late": (3, 6)}


def _resolve_unit(unit: list[Mention], now: datetime, today: date, issues: list[str]) -> _Day:
    """Resolve one unit (a mention, or a weekday paired with a date/week) to a day or span."""
    kinds = {m.type: m for m in unit}
    wdm = kinds.get("weekday")
    if wdm is not None and len(unit) == 2:
        other = unit[0] if unit[1] is wdm else unit[1]
        wd = wdm.data["wd"]
        if other.type == "dm":
            return _single(_resolve_dm(other.data, wd, today, issues))
        if other.type == "week":
            monday = _monday(today) + timedelta(weeks=other.data["offset"])
            d = monday + timedelta(days=wd)
            if d < today:
                issues.append("past_date_repaired")
                d += timedelta(days=7)
            return _single(d)
        if other.type == "in":
            target = today + timedelta(weeks=other.data["n"])
            return _single(_monday(target) + timedelta(days=wd))
        if other.type == "rel":
            rel = _resolve_unit([other], now, today, issues)
            if rel.start.weekday() == wd:
                return rel
            return _resolve_unit([wdm], now, today, issues)
    m = unit[-1]
    data = m.data
    if m.type == "rel":
        return _single(today + timedelta(days=data["offset"] + 7 * data["weeks"]))
    if m.type == "weekday":
        return _single(_weekday_date(data["wd"], data["mode"], data["weeks"], today, issues))
    if m.type == "dm":
        return _single(_resolve_dm(data, None, today, issues))
    if m.type == "in":
        n, unit_ = data["n"], data["unit"]
        if unit_ == "d":
            return _single(today + timedelta(days=n))
        if unit_ == "w":
            return _single(today + timedelta(weeks=n))
        return _single(_add_months(today, n))
    if m.type == "weekend":
        offset = data["offset"]
        saturday = _monday(today) + timedelta(days=5)
        if offset:  # "nächstes Wochenende": the weekend of next calendar week
            saturday += timedelta(weeks=offset)
        return _Day(max(saturday, today), saturday + timedelta(days=2))
    if m.type == "week":
        # "nächste Woche" is next Monday..Sunday; Anfang Mon-Wed, Mitte Tue-Thu, Ende Thu-Sat.
        monday = _monday(today) + timedelta(weeks=data["offset"])
        a, b = _WEEK_PARTS[data["part"]]
        return _period(monday + timedelta(days=a), monday + timedelta(days=b), today, roll=7)
    if m.type == "month":
        return _month(data, today)
    if m.type == "asap":
        return _Day(today, today + timedelta(days=14), from_now="asap")
    if m.type == "now":
        return _Day(today, today + timedelta(days=1), from_now="now")
    raise _Bad("invalid_date")


def _month(data: dict, today: date) -> _Day:
    """Months: "nächsten Monat", "im Dezember", "Ende des Monats" (from the 25th), "Anfang
    Dezember" (1st-10th), "Mitte Januar" (11th-20th)."""
    first_this = today.replace(day=1)
    if data.get("month") is None:
        first = _add_months(first_this, data["offset"])
    else:
        year = data.get("year") or today.year
        first = date(year, data["month"], 1)
        if data.get("year") is None and first < first_this:
            first = date(year + 1, data["month"], 1)
    last_day = _days_in(first.year, first.month)
    part = data.get("part")
    if part == "early":
        a, b = 1, 10
    elif part == "mid":
        a, b = 11, 20
    elif part == "late":
        a, b = min(25, last_day), last_day
    else:
        a, b = 1, last_day
    start, end = first.replace(day=a), first.replace(day=b) + timedelta(days=1)
    if end <= today:
        raise _Bad("ambiguous_past_date")
    return _Day(max(start, today), end)


_GLUE = frozenset("den dem der the am on also ist is das that naemlich of ,".split())
_DAY_RANGE_CONN = frozenset("bis to till until through und and oder or - bis-zum".split())


def _gap(text: str, a: Mention, b: Mention) -> list[str]:
    return text[a.end:b.start].split() if a.end <= b.start else ["<overlap>"]


def _adjacent(text: str, a: Mention, b: Mention) -> bool:
    first, second = (a, b) if a.start < b.start else (b, a)
    words = _gap(text, first, second)
    return len(words) <= 3 and all(w in _GLUE for w in words)


def _pair_days(text: str, days: list[Mention]) -> list[list[Mention]]:
    """Group a weekday with the date, week, "in N Wochen" or relative day it qualifies
    ("Dienstag, den 8. Dezember", "nächste Woche Mittwoch", "in zwei Wochen am Dienstag")."""
    used: set[int] = set()
    units: list[list[Mention]] = []
    for i, m in enumerate(days):
        if m.type != "weekday" or i in used:
            continue
        best = None
        for j, o in enumerate(days):
            if j == i or j in used:
                continue
            if o.type == "dm" and _adjacent(text, m, o):
                best = j
                break
            if o.type == "week" and best is None:
                best = j
            if o.type == "in" and o.data["unit"] == "w" and _adjacent(text, m, o) and best is None:
                best = j
            if o.type == "rel" and _adjacent(text, m, o) and best is None:
                best = j
        if best is not None:
            used.update((i, best))
            units.append(sorted([m, days[best]], key=lambda x: x.start))
    for i, m in enumerate(days):
        if i not in used:
            units.append([m])
    units.sort(key=lambda u: u[0].start)
    return units


def _resolve_days(text: str, days: list[Mention], now: datetime, today: date,
                  issues: list[str]) -> _Day | None:
    if not days:
        return None
    days = _drop_negated(text, days)
    # a "now" mention only counts when nothing else was said
    if len(days) > 1:
        days = [d for d in days if d.type != "now"] or days
    units = _pair_days(text, days)
    # ranges between consecutive units: "zwischen Montag und Mittwoch", "vom 1. bis 5. Dezember"
    for k in range(len(units) - 1):
        a, b = units[k], units[k + 1]
        gap = [w for w in _gap(text, a[-1], b[0]) if w not in ("dem", "den", "zum", "am", "the", "on")]
        if len(gap) != 1 or gap[0] not in _DAY_RANGE_CONN:
            continue
        lead, _ = _lead(text, a[0])
        if gap[0] in ("und", "and") and lead not in _RANGE_LEADS:
            continue
        # "vom 1. bis 5. Dezember": the first day borrows the second's month
        if len(a) == 1 and a[0].type == "dm" and a[0].data.get("m") is None:
            bdm = next((x for x in b if x.type == "dm" and x.data.get("m")), None)
            if bdm is not None:
                a = [Mention(a[0].cat, "dm", a[0].start, a[0].end, dict(a[0].data, m=bdm.data["m"], y=bdm.data.get("y")))]
        first = _resolve_unit(a, now, today, issues)
        last = _resolve_unit(b, now, today, issues)
        if last.start < first.start:
            first, last = last, first
        return _Day(first.start, max(last.end, first.end))
    unit = units[-1]
    result = _resolve_unit(unit, now, today, issues)
    lead, negated = _lead(text, unit[0])
    if result.single and lead is not None:
        if negated:
            lead = {"vor": "ab", "before": "ab", "nach": "bis", "after": "bis"}.get(lead, lead)
        if lead in ("ab", "from", "starting", "seit", "since"):
            return _Day(result.start, result.start + timedelta(days=7))
        if lead in ("nach", "after"):
            return _Day(result.end, result.end + timedelta(days=7))
        if lead in ("bis", "until", "till", "til", "by", "spaetestens"):
            return _Day(today, result.end) if result.start > today else result
        if lead in ("vor", "before"):
            return _Day(today, result.start) if result.start > today else result
    return result


# --- times --------------------------------------------------------------------------------------

@dataclass
class _Time:
    kind: str  # "point" | "range" | "from" | "until" | "part" | "offset"
    a: Mention | None = None
    b: Mention | None = None
    part: str | None = None
    part_today: bool = False
    minutes: int = 0


_TIME_FILLERS = frozenset("um at so gegen ca etwa around about".split())
_TIME_RANGE_CONN = frozenset("und and bis to till until - oder or".split())


def _resolve_times(text: str, times: list[Mention]) -> _Time | None:
    if not times:
        return None
    offsets = [t for t in times if t.type == "offset"]
    if offsets:
        return _Time("offset", minutes=offsets[-1].data["minutes"])
    times = _drop_negated(text, times)
    parts = [t for t in times if t.type == "part"]
    clocks = [t for t in times if t.type == "clock"]
    part = parts[-1].data["part"] if parts else None
    part_today = any(p.data.get("today") for p in parts)
    if not clocks:
        return _Time("part", part=part, part_today=part_today)
    for k in range(len(clocks) - 1, 0, -1):
        a, b = clocks[k - 1], clocks[k]
        gap = [w for w in _gap(text, a, b) if w not in _TIME_FILLERS]
        if len(gap) == 1 and gap[0] in _TIME_RANGE_CONN:
            lead, _ = _lead(text, a)
            if gap[0] in ("und", "and") and lead not in _RANGE_LEADS:
                continue
            if gap[0] in ("oder", "or"):
                return _Time("range", a, b, part, part_today)
            return _Time("range", a, b, part, part_today)
    c = clocks[-1]
    lead, negated = _lead(text, c)
    if negated:
        lead = {"vor": "ab", "before": "ab", "nach": "bis", "after": "bis"}.get(lead, lead)
    if lead in _START_LEADS:
        return _Time("from", c, None, part, part_today)
    if lead in _END_LEADS:
        return _Time("until", c, None, part, part_today)
    return _Time("point", c, None, part, part_today)


def _clock_minutes(c: Mention, part: str | None, day: date, hours: Hours | None) -> int:
    """Minutes after midnight for a clock mention on ``day`` (12-hour choice applied)."""
    h, m = c.data["h"], c.data["m"]
    if h > 24 or m > 59 or (h == 24 and m):
        raise _Bad("invalid_time")
    if h == 24:
        return 24 * 60  # "bis 24 Uhr": the end of the day (next day's 00:00)
    if c.data.get("formal"):
        return h * 60 + m
    if c.data.get("spoken12") and h == 0:
        h = 12  # "halb eins" = 12:30
    mer = c.data.get("mer")
    if mer == "pm":
        return (h % 12 + 12) * 60 + m
    if mer == "am":
        return (h % 12) * 60 + m
    if part is not None:
        return conv.apply_part_of_day(h, part) * 60 + m
    return conv.choose_12h(h, m, day, hours) * 60 + m


def _time_window(t: _Time, day: date, hours: Hours | None) -> tuple[int, int] | int | None:
    """Minutes for ``day``: an int for a point, a (start, end) pair for a window."""
    if t.kind == "part":
        return conv.PARTS_OF_DAY[t.part] if t.part else None
    part_span = conv.PARTS_OF_DAY.get(t.part) if t.part else None
    if t.kind == "point":
        return _clock_minutes(t.a, t.part, day, hours)
    if t.kind == "range":
        s = _clock_minutes(t.a, t.part, day, hours)
        e = _clock_minutes(t.b, t.part, day, hours)
        if e <= s and e < 12 * 60 and e + 12 * 60 > s:
            e += 12 * 60  # "zwischen 10 und 2" -> 10:00-14:00
        if e <= s:
            s, e = e, s
        return (s, e) if e > s else (s, s + 60)
    open_, close = conv.day_span(hours, day)
    if t.kind == "from":
        # "ab 16 Uhr": until closing (or the end of the part of day named with it)
        s = _clock_minutes(t.a, t.part, day, hours)
        e = part_span[1] if part_span else close
        return (s, e if e > s else max(s + 60, close))
    if t.kind == "until":
        e = _clock_minutes(t.a, t.part, day, hours)
        s = part_span[0] if part_span else open_
        return (s if s < e else max(0, e - 60), e)
    return None


# --- public API ---------------------------------------------------------------------------------

def _none(text: str, issues: list[str], ctx: dict, alternatives: tuple[date, ...] = (),
          has_date: bool = False, has_time: bool = False) -> When:
    return When("none", None, None, text, has_date, has_time, False, tuple(dict.fromkeys(issues)),
                alternatives, **ctx)


_ISO_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")


def _apply_iso_offset(sc: Scan, tz: tzinfo, issues: list[str]) -> None:
    """An ISO value with a UTC offset: convert to the tenant's zone. "Z"/+00:00 is read as local
    wall time (LLMs append it to local times) and flagged."""
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
            stamp = datetime(day_m.data["y"], day_m.data["m"], day_m.data["d"], c.data["h"], c.data["m"],
                             tzinfo=timezone(offset))
        except ValueError:
            return
        local = stamp.astimezone(tz)
        if offset == timedelta(0) and local.utcoffset() != timedelta(0):
            issues.append("utc_offset_ignored")
            return
        day_m.data.update(y=local.year, m=local.month, d=local.day)
        c.data.update(h=local.hour, m=local.minute)


def parse_when(text: str, now: datetime, lang: str = "de", hours: Hours | None = None) -> When:
    """Read a spoken or formal date/time phrase relative to ``now`` (aware; its zone is the
    tenant's). ``hours`` (weekday 0=Monday -> opening intervals) steers the 12-hour choice and
    open-ended windows. Never raises: any failure is kind "none" with an issue."""
    safe = clean_input(text)
    ctx = {"lang": lang, "now": now, "hours": hours}
    try:
        if not isinstance(now, datetime):
            return _none(safe, ["invalid_now"], ctx)
        if now.tzinfo is None or now.utcoffset() is None:
            now = now.replace(tzinfo=timezone.utc)
            ctx["now"] = now
        return _parse(safe, now, lang, hours, ctx)
    except Exception:  # noqa: BLE001 - the phone line must always get an answer
        return _none(safe, ["internal_error"], ctx)


def _parse(text: str, now: datetime, lang: str, hours: Hours | None, ctx: dict) -> When:
    tz = now.tzinfo
    today = now.date()
    issues: list[str] = []
    sc = scan(text, lang)
    if not sc.days and not sc.times:
        fallback = _dateparser_fallback(text, now, lang)
        if fallback is not None:
            sc = fallback
    has_date = bool(sc.days)
    if sc.times:
        _apply_iso_offset(sc, tz, issues)
    try:
        day = _resolve_days(sc.text, sc.days, now, today, issues)
        t = _resolve_times(sc.text, sc.times)
    except _Bad as bad:
        return _none(text, issues + [bad.issue], ctx, bad.alternatives, has_date, bool(sc.times))
    has_time = t is not None and (t.kind != "part" or t.part is not None)
    if t is not None and t.part_today and day is None:
        day = _single(today)
        has_date = True
    formal = bool(t and t.a is not None and t.a.data.get("formal") and not t.a.data.get("noon"))

    def result(kind: str, start: datetime | None, end: datetime | None) -> When:
        final = list(issues)
        if kind == "window" and start is not None and end is not None and end <= start:
            end = start + timedelta(hours=1)  # degenerate spans ("bis 8" before opening)
        if kind == "datetime" and start is not None and start < now.replace(second=0, microsecond=0):
            final.append("time_passed" if start.date() == today else "in_past")
        elif kind in ("date", "window") and end is not None and end <= now:
            final.append("in_past")
        return When(kind, start, end, text, has_date, has_time, formal, tuple(dict.fromkeys(final)),
                    (), **ctx)

    try:
        if t is not None and t.kind == "offset":
            stamp = (now.replace(second=0, microsecond=0).astimezone(timezone.utc)
                     + timedelta(minutes=t.minutes)).astimezone(tz)
            has_date = bool(sc.days)
            return result("datetime", stamp, None)
        if day is None:
            if t is None:
                return _none(text, issues, ctx)
            day = _single(today)
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
            span = _time_window(t, d, hours)
            if isinstance(span, int):
                return result("datetime", conv.at(d, span, tz), None)
            return result("window", conv.at(d, span[0], tz), conv.at(d, span[1], tz))
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
        s = _time_window(t, first, hours)
        e = _time_window(t, last, hours)
        return result("window", conv.at(first, s[0], tz), conv.at(last, e[1], tz))
    except _Bad as bad:
        return _none(text, issues + [bad.issue], ctx, bad.alternatives, has_date, has_time)


_DATEPARSER_HINT = re.compile(r"\d|" + r"|".join(
    ("januar", "februar", "maerz", "april", "mai", "juni", "juli", "august", "september", "oktober",
     "november", "dezember", "january", "february", "march", "june", "july", "october", "december")))


def _dateparser_fallback(text: str, now: datetime, lang: str) -> Scan | None:
    """Odd formats our grammar does not read ("Nov 21st, 2026", "2026.11.21"): ask dateparser.
    Only reached when the grammar found nothing and the text looks date-like, so its cost (ms)
    stays off the hot path."""
    from nlu.when_grammar import prepare

    prepared = prepare(text)
    if not _DATEPARSER_HINT.search(prepared) or len(prepared) > 80:
        return None
    try:
        import dateparser  # noqa: PLC0415 - slow import, only when needed
    except ImportError:  # pragma: no cover
        return None
    try:
        settings = {
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": now.replace(tzinfo=None),
            "RETURN_AS_TIMEZONE_AWARE": False,
            "DATE_ORDER": "DMY" if lang == "de" else "MDY",
        }
        parsed = dateparser.parse(text, languages=[lang if lang in ("de", "en") else "de", "en"],
                                  settings=settings)
    except Exception:  # noqa: BLE001
        return None
    if parsed is None:
        return None
    days = [Mention("day", "dm", 0, len(prepared), {"y": parsed.year, "m": parsed.month, "d": parsed.day})]
    times: list[Mention] = []
    if re.search(r"\d{1,2}[:.]\d{2}|\d\s*(?:uhr|am|pm)\b", prepared):
        times.append(Mention("time", "clock", len(prepared), len(prepared),
                             {"h": parsed.hour, "m": parsed.minute, "formal": True}))
    return Scan(prepared + " ", days, times)


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
    tz = now.tzinfo
    hours = day.hours if day.hours is not None else clock.hours
    lang = day.lang
    issues = [i for i in day.issues if i not in ("in_past", "time_passed")]
    ctx = {"lang": lang, "now": now, "hours": hours}
    first = day.start.date()
    base_now = now if first == now.date() else conv.at(first, 0, tz)
    reread = parse_when(clock.text, base_now, lang, hours)
    if reread.kind == "none" or reread.start is None:
        return day
    span_days = 1
    if day.kind == "window" and day.end is not None and not day.has_time:
        span_days = max(1, (day.end.date() - first).days)
    if span_days > 1:
        if reread.kind == "datetime":
            return When("window", day.start, day.end, text, True, True, reread.formal,
                        tuple(issues + ["clock_ignored_for_range"]), (), **ctx)
        all_days = [first + timedelta(days=k) for k in range(span_days)]
        open_days = [x for x in all_days if conv.is_workday(hours, x)] or all_days
        s_t, e_t = reread.start.timetz(), reread.end.timetz()
        start = conv.at(open_days[0], s_t.hour * 60 + s_t.minute, tz)
        end = conv.at(open_days[-1], e_t.hour * 60 + e_t.minute, tz)
        return When("window", start, end, text, True, True, reread.formal, tuple(issues), (), **ctx)
    extra = [i for i in reread.issues if i not in ("time_passed", "in_past")]
    start, end = reread.start, reread.end
    final = issues + extra
    if start < now.replace(second=0, microsecond=0):
        final.append("time_passed" if start.date() == now.date() else "in_past")
    return When(reread.kind, start, end, text, True, True, reread.formal, tuple(dict.fromkeys(final)),
                (), **ctx)


__all__ = ["When", "parse_when", "combine_when", "KINDS"]

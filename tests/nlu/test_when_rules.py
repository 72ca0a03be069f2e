"""parse_when rules beyond single phrases: flags, issues, opening hours, DST offsets,
combine_when, and robustness."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from nlu import When, combine_when, parse_when

BERLIN = ZoneInfo("Europe/Berlin")
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=BERLIN)  # Friday


def at(s: str, tz: ZoneInfo = BERLIN) -> datetime:
    return datetime.fromisoformat(s).replace(tzinfo=tz)


# --- flags and issues ---------------------------------------------------------------------------


def test_time_only_has_no_date() -> None:
    w = parse_when("vormittags ab 9 Uhr", NOW)
    assert (w.kind, w.start, w.end) == ("window", at("2026-11-20 09:00"), at("2026-11-20 12:00"))
    assert w.has_time and not w.has_date and not w.formal


def test_date_only_has_no_time() -> None:
    w = parse_when("2026-11-21", NOW)
    assert w.kind == "date" and w.has_date and not w.has_time
    assert (w.start, w.end) == (at("2026-11-21 00:00"), at("2026-11-22 00:00"))


def test_formal_times_skip_the_bare_hour_rule() -> None:
    assert parse_when("07:00", NOW).start == at("2026-11-20 07:00")
    assert parse_when("07:00", NOW).formal
    assert parse_when("um sieben", NOW).start == at("2026-11-20 19:00")
    assert not parse_when("um sieben", NOW).formal
    assert parse_when("2026-11-21T07:00:00+01:00", NOW).formal


def test_naming_todays_weekday() -> None:
    w = parse_when("am Freitag", NOW)
    assert w.start == at("2026-11-27 00:00") and "ambiguous_weekday_today" in w.issues
    w = parse_when("diesen Freitag", NOW)
    assert w.start == at("2026-11-20 00:00") and "ambiguous_weekday_today" in w.issues
    assert "ambiguous_weekday_today" not in parse_when("nächsten Freitag", NOW).issues


def test_past_date_repair_is_flagged() -> None:
    w = parse_when("Donnerstag, 26.10.2023", NOW)
    assert w.kind == "date" and w.start == at("2026-11-26 00:00")
    assert "past_date_repaired" in w.issues
    w = parse_when("Montag, 27.10.2023", NOW)  # that date was a Friday: cannot tell what was meant
    assert w.kind == "none" and "ambiguous_past_date" in w.issues


def test_invalid_date_is_none() -> None:
    for text in ("31.02.", "31.04.2027", "2026-02-30", "0000-01-01"):
        w = parse_when(text, NOW)
        assert w.kind == "none" and "invalid_date" in w.issues, text


def test_weekday_date_conflict_offers_alternatives() -> None:
    w = parse_when("Friday the 5th", NOW, "en")
    assert w.kind == "none" and "weekday_date_conflict" in w.issues
    assert w.alternatives[0].isoformat() == "2027-02-05"


def test_time_passed_today() -> None:
    assert "time_passed" in parse_when("um 9", NOW.replace(hour=11)).issues
    assert "time_passed" not in parse_when("um 15 Uhr", NOW).issues


def test_nothing_is_none() -> None:
    for text in ("", "   ", "ja hallo", "Ich möchte einen Termin", "äh", "hello there"):
        w = parse_when(text, NOW)
        assert w.kind == "none" and w.start is None and w.end is None, text


def test_to_dict_is_json_shape() -> None:
    d = parse_when("morgen um halb drei", NOW).to_dict()
    assert d == {
        "kind": "datetime",
        "start": "2026-11-21T14:30:00+01:00",
        "end": None,
        "text": "morgen um halb drei",
        "has_date": True,
        "has_time": True,
        "formal": False,
        "issues": [],
        "alternatives": [],
    }


# --- opening hours decide the 12-hour reading -----------------------------------------------------

LATE = {d: [(time(12), time(21))] for d in range(6)}
EARLY = {d: [(time(8), time(18))] for d in range(6)}
WIDE = {d: [(time(7), time(20))] for d in range(6)}


def test_hours_pick_the_open_reading() -> None:
    assert parse_when("um 8", NOW, hours=LATE).start == at("2026-11-20 20:00")
    assert parse_when("um 8", NOW, hours=EARLY).start == at("2026-11-20 08:00")
    assert parse_when("um 3", NOW, hours=EARLY).start == at("2026-11-20 15:00")
    # both readings open (or neither): the salon rule decides
    assert parse_when("um 7", NOW, hours=WIDE).start == at("2026-11-20 19:00")
    assert parse_when("halb neun", NOW, hours=LATE).start == at("2026-11-20 20:30")


def test_hours_close_open_ended_windows() -> None:
    w = parse_when("ab 16 Uhr", NOW, hours=EARLY)
    assert (w.start, w.end) == (at("2026-11-20 16:00"), at("2026-11-20 18:00"))


def test_hours_drop_closed_days_from_week_windows() -> None:
    weekdays_only = {d: [(time(9), time(18))] for d in range(5)}
    w = parse_when("nächste Woche vormittags", NOW, hours=weekdays_only)
    assert (w.start, w.end) == (at("2026-11-23 08:00"), at("2026-11-27 12:00"))


# --- DST ------------------------------------------------------------------------------------------


def test_dst_autumn_keeps_wall_clock() -> None:
    now = datetime(2026, 10, 24, 18, 0, tzinfo=BERLIN)
    w = parse_when("morgen um 10", now)
    assert w.start.isoformat() == "2026-10-25T10:00:00+01:00"
    day = parse_when("morgen", now)
    assert day.start.isoformat() == "2026-10-25T00:00:00+02:00"
    assert day.end.isoformat() == "2026-10-26T00:00:00+01:00"
    # same-zone subtraction is wall-clock in Python; the real length of that day is 25 hours
    assert day.end.timestamp() - day.start.timestamp() == 25 * 3600


def test_dst_spring_keeps_wall_clock() -> None:
    now = datetime(2027, 3, 27, 9, 0, tzinfo=BERLIN)
    assert parse_when("morgen um 10", now).start.isoformat() == "2027-03-28T10:00:00+02:00"
    assert parse_when("tomorrow at 10", now, "en").start.isoformat() == "2027-03-28T10:00:00+02:00"
    # 02:30 does not exist that night: the first valid instant after it
    assert parse_when("morgen um 02:30", now).start.isoformat() == "2027-03-28T03:30:00+02:00"
    # elapsed time is elapsed time
    assert parse_when("in 24 Stunden", now).start.isoformat() == "2027-03-28T10:00:00+02:00"


def test_other_zones() -> None:
    now = datetime(2026, 10, 24, 10, 0, tzinfo=LONDON)
    w = parse_when("tomorrow at 10", now, "en")
    assert w.start.isoformat() == "2026-10-25T10:00:00+00:00"


def test_iso_offsets_convert_to_the_tenant_zone() -> None:
    w = parse_when("2026-11-21T14:30:00+02:00", NOW)
    assert w.start == at("2026-11-21 13:30")
    w = parse_when("2026-11-21T14:30:00Z", NOW)  # LLMs append Z to local times
    assert w.start == at("2026-11-21 14:30") and "utc_offset_ignored" in w.issues


# --- combine_when -----------------------------------------------------------------------------------


def test_combine_spoken_day_and_time() -> None:
    w = combine_when(parse_when("morgen", NOW), parse_when("halb drei", NOW))
    assert (w.kind, w.start, w.has_date, w.has_time) == ("datetime", at("2026-11-21 14:30"), True, True)


def test_combine_formal_day_and_time() -> None:
    w = combine_when(parse_when("2026-11-21", NOW), parse_when("14:30", NOW))
    assert w.kind == "datetime" and w.start == at("2026-11-21 14:30") and w.formal
    w = combine_when(parse_when("21.11.2026", NOW), parse_when("10", NOW))
    assert w.start == at("2026-11-21 10:00")


def test_combine_day_and_part_of_day() -> None:
    w = combine_when(parse_when("Dienstag", NOW), parse_when("vormittags", NOW))
    assert (w.kind, w.start, w.end) == ("window", at("2026-11-24 08:00"), at("2026-11-24 12:00"))


def test_combine_week_and_part_of_day() -> None:
    w = combine_when(parse_when("nächste Woche", NOW), parse_when("nachmittags", NOW))
    assert (w.start, w.end) == (at("2026-11-23 12:00"), at("2026-11-28 18:00"))


def test_combine_uses_the_target_days_hours() -> None:
    hours = {0: [(time(12), time(21))], 4: [(time(8), time(18))]}
    w = combine_when(parse_when("Montag", NOW, hours=hours), parse_when("um 8", NOW, hours=hours))
    assert w.start == at("2026-11-23 20:00")


def test_combine_with_none_returns_the_other() -> None:
    day = parse_when("morgen", NOW)
    nothing = parse_when("", NOW)
    assert combine_when(day, nothing) is day
    assert combine_when(nothing, day) is day


def test_combine_swapped_fields() -> None:
    w = combine_when(parse_when("15:00", NOW), parse_when("morgen", NOW))
    assert w.start == at("2026-11-21 15:00")


def test_combine_across_dst() -> None:
    now = datetime(2026, 10, 24, 18, 0, tzinfo=BERLIN)
    w = combine_when(parse_when("morgen", now), parse_when("10:00", now))
    assert w.start.isoformat() == "2026-10-25T10:00:00+01:00"


# --- robustness ---------------------------------------------------------------------------------------


def _consistent(w: When, now: datetime) -> None:
    assert isinstance(w, When)
    assert w.kind in ("datetime", "date", "window", "none")
    if w.kind == "none":
        assert w.start is None and w.end is None
        return
    assert w.start is not None and w.start.tzinfo is not None
    assert w.start.utcoffset() == w.start.astimezone(now.tzinfo).utcoffset()
    if w.kind == "datetime":
        assert w.end is None
    else:
        assert w.end is not None and w.end > w.start
    if w.kind == "date":
        assert w.start.hour == 0 and w.start.minute == 0
        assert w.end.date() == w.start.date() + timedelta(days=1)


def test_hostile_inputs_never_raise() -> None:
    for text in (
        "x" * 100_000,
        "\x00\x01\x02 morgen \x7f",
        "🙂 morgen um 🕒",
        "99:99",
        "31.31.31",
        "9999-99-99T99:99",
        "am 0.",
        "um -5",
        "in 99999999999 Tagen",
        "halb 99",
        "viertel nach 77",
        None,
        12345,
        "‮morgen",
        "\u2028heute\u2029",
        "in 1e9 stunden",
        "between 99 and 100",
        "vom 40. bis 50.",
        "2026-11-21T14:30:00+99:99",
    ):
        w = parse_when(text, NOW)  # type: ignore[arg-type]
        _consistent(w, NOW)
    assert len(parse_when("a" * 10_000, NOW).text) <= 500


_ALPHABET = st.sampled_from(
    [
        "morgen",
        "um",
        "halb",
        "drei",
        "15:30",
        "nächste",
        "Woche",
        "Dienstag",
        "ab",
        "bis",
        "zwischen",
        "und",
        "vormittags",
        "am",
        "5.",
        "12.",
        "2026-11-21",
        "at",
        "half",
        "past",
        "two",
        "next",
        "the",
        "4th",
        "nicht",
        "oder",
        "in",
        "einer",
        "Stunde",
        "Wochen",
        "Ende",
        "Dezember",
        "31.02.",
        "0",
        "99",
        "-",
        ":",
        ".",
        "über",
        "viertel",
        "vor",
        "Monat",
        "weekend",
        "pm",
        "Uhr",
        "1",
        "24",
        "heute",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_ALPHABET, max_size=8).map(" ".join),
    st.sampled_from(["de", "en"]),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from([BERLIN, LONDON, ZoneInfo("America/New_York"), ZoneInfo("UTC")]),
)
def test_grammar_words_never_raise(text: str, lang: str, naive: datetime, tz: ZoneInfo) -> None:
    # parse_when turns any exception into kind "none" with the issue "internal_error" (the phone line
    # must get an answer), so "never raises" is only shown by that issue's absence.
    now = naive.replace(tzinfo=tz)
    w = parse_when(text, now, lang)
    assert "internal_error" not in w.issues, f"the resolver raised on {text!r} ({lang}, now {now.isoformat()})"
    _consistent(w, now)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_never_raises(text: str) -> None:
    w = parse_when(text, NOW)
    _consistent(w, NOW)
    assert "internal_error" not in w.issues

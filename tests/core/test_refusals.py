"""Why a time is refused (booking_core.refusals) and the business's hours per day (booking_core.opening): pure."""

from __future__ import annotations

from datetime import date

import pytest

from booking_core.availability import calendar_for, to_minute
from booking_core.opening import ClosedReason, day_hours, week_hours
from booking_core.refusals import Refusal, diagnose, window_refusal
from tests.core.helpers import at, make_tenant, tenant_doc

NOW = to_minute(at(2026, 11, 20, 10, 0))  # Friday
EARLIEST = NOW + 60
LAST = date(2027, 2, 18)


def _tenant():
    doc = tenant_doc()
    weekdays = ("mon", "tue", "wed", "thu", "fri")
    doc["opening_hours"] = {d: [["09:00", "18:00"]] for d in (*weekdays, "sat")}  # closed on Sundays
    doc["staff"].append(
        {
            "id": "dora",
            "name": "Dora Lang",
            "services": ["cut"],
            "hours": {d: [["09:00", "13:00"], ["14:00", "18:00"]] for d in weekdays},
        }
    )
    return make_tenant(**{k: v for k, v in doc.items() if k != "id"})


T = _tenant()
CAL = calendar_for(T)
CUT, COLOUR = T.service("cut"), T.service("colour-free")


def why(service, staff: str | None, *when: int) -> Refusal:
    qualified = [m.id for m in T.staff if m.does(service.id)]
    return diagnose(CAL, service, to_minute(at(*when)), staff, qualified, NOW, EARLIEST, LAST)


@pytest.mark.parametrize(
    ("service", "staff", "when", "code", "detail"),
    [
        (CUT, "anna", (2026, 11, 19, 10, 0), "past", None),
        (CUT, "anna", (2026, 11, 20, 10, 30), "notice", None),
        (CUT, "anna", (2027, 3, 1, 10, 0), "too_far", None),
        (CUT, "anna", (2026, 12, 24, 10, 0), "closed", "closure"),
        (CUT, None, (2027, 1, 1, 10, 0), "closed", "holiday"),
        (CUT, None, (2026, 11, 22, 10, 0), "closed", "weekly"),  # a Sunday
        (CUT, "anna", (2026, 11, 23, 8, 0), "closed", "hours"),  # before opening
        (CUT, "anna", (2026, 11, 23, 17, 45), "closed", "closing"),  # would end after closing time
        (COLOUR, "cara", (2026, 11, 21, 11, 0), "staff_off", "day_off"),  # Saturday: the salon is open, Cara is not in
        (COLOUR, "cara", (2026, 12, 1, 11, 0), "staff_off", "absence"),
        (COLOUR, "cara", (2026, 11, 25, 12, 30), "staff_off", "away"),  # absent 12:00 to 14:00
        (COLOUR, "cara", (2026, 11, 23, 9, 0), "staff_off", "hours"),  # starts at 10
        (COLOUR, "cara", (2026, 11, 23, 15, 30), "staff_off", "closing"),  # finishes at 16
        (CUT, "dora", (2026, 11, 23, 13, 15), "staff_off", "break"),  # lunch 13 to 14
        (CUT, "dora", (2026, 11, 23, 12, 45), "staff_off", "break"),  # would run into it
        (CUT, "dora", (2026, 11, 23, 10, 5), "off_grid", None),
        (CUT, "dora", (2026, 11, 23, 10, 0), "taken", None),  # nothing in the calendar against it
    ],
)
def test_the_true_reason(service, staff, when, code, detail) -> None:
    got = why(service, staff, *when)
    assert (got.code, got.detail) == (code, detail)


def test_refusals_carry_what_makes_them_speakable() -> None:
    assert why(CUT, "anna", 2026, 12, 24, 10, 0).name == "Weihnachten"
    assert why(CUT, None, 2027, 1, 1, 10, 0).name == "Neujahr"
    lunch = why(CUT, "dora", 2026, 11, 23, 13, 15)
    assert lunch.staff_id == "dora" and lunch.hours == ((9 * 60, 13 * 60), (14 * 60, 18 * 60))
    assert lunch.to_dict() == {
        "kind": "break",
        "name": None,
        "staff": "dora",
        "hours": [["09:00", "13:00"], ["14:00", "18:00"]],
    }
    nobody = why(COLOUR, None, 2026, 11, 22, 11, 0)  # Sunday: closed for everyone, whoever does the service
    assert nobody.code == "closed"
    saturday = to_minute(at(2026, 11, 21, 11, 0))  # only Cara does it, and not on Saturdays: nobody, no name
    assert diagnose(CAL, COLOUR, saturday, None, ["cara"], NOW, EARLIEST, LAST) == Refusal("staff_off", "day_off")


def test_window_reasons() -> None:
    def window(staff: str | None, day: tuple[int, int, int], start: int = 0, end: int = 24) -> Refusal:
        lo, hi = to_minute(at(*day, start)), to_minute(at(*day, 0)) + end * 60
        return window_refusal(CAL, lo, hi, staff, ["anna", "cara"], NOW, EARLIEST, LAST)

    assert window("cara", (2026, 11, 21)).code == "staff_off"
    assert window("cara", (2026, 11, 21)).detail == "day_off"
    assert window("cara", (2026, 11, 23), 17, 22).detail == "hours"
    assert window("cara", (2026, 12, 1)).detail == "absence"
    assert (window(None, (2026, 12, 25)).code, window(None, (2026, 12, 25)).name) == ("closed", "Weihnachten")
    assert window(None, (2026, 11, 22)).detail == "weekly"
    assert window(None, (2026, 11, 23), 19, 22).detail == "hours"
    assert window(None, (2026, 11, 23)).code == "taken"
    assert window(None, (2026, 11, 19)).code == "past"


def test_day_hours_reflect_holidays_and_closures() -> None:
    assert day_hours(T, date(2026, 11, 23)).pairs() == [["09:00", "18:00"]]
    assert day_hours(T, date(2026, 11, 23)).closed is None
    christmas = day_hours(T, date(2026, 12, 24))
    assert christmas.hours == () and christmas.closed == ClosedReason("closure", "Weihnachten")
    new_year = day_hours(T, date(2027, 1, 1))
    assert new_year.pairs() == [] and new_year.closed == ClosedReason("holiday", "Neujahr")
    assert day_hours(T, date(2026, 11, 22)).closed == ClosedReason("weekly")
    week = week_hours(T, date(2026, 12, 21))
    assert [d.weekday for d in week] == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert [bool(d.hours) for d in week] == [True, True, True, False, False, False, False]
    assert week[3].to_dict() == {
        "date": "2026-12-24",
        "weekday": "thu",
        "hours": [],
        "closed_reason": {"kind": "closure", "name": "Weihnachten"},
    }


def test_holiday_names_follow_the_tenant_language() -> None:
    english = make_tenant("t-en", language="en")
    assert day_hours(english, date(2027, 1, 1)).closed == ClosedReason("holiday", "New Year's Day")

"""Aggregation by call/day/month in the tenant's zone; rounding only at the end (pure)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D
from zoneinfo import ZoneInfo

from booking_core.costs.report import CallLine, build_report, daily_series, report_json

BERLIN = ZoneInfo("Europe/Berlin")


def line(
    call_id, started, retell="0.10", telephony="0", llm="0", billed="0.12", bookings=0, duration_s="60", state="final"
):
    return CallLine(
        call_id,
        started,
        D(duration_s),
        -(-int(D(duration_s)) // 60),
        D(retell),
        D(telephony),
        D(llm),
        D(billed),
        bookings,
        state,
    )


def test_month_boundary_is_midnight_in_berlin():
    # 23:30 UTC on 30 November is 00:30 on 1 December in Berlin (CET, +01:00)
    november = line("nov", datetime(2026, 11, 30, 22, 59, 59, tzinfo=UTC))
    december = line("dec", datetime(2026, 11, 30, 23, 0, 0, tzinfo=UTC))
    report = report_json(
        build_report("demo-salon", date(2026, 11, 1), date(2026, 12, 31), "month", [november, december], BERLIN)
    )
    assert [(r["key"], r["calls"]) for r in report["rows"]] == [("2026-11", 1), ("2026-12", 1)]
    by_day = report_json(
        build_report("demo-salon", date(2026, 11, 1), date(2026, 12, 31), "day", [november, december], BERLIN)
    )
    assert [r["key"] for r in by_day["rows"]] == ["2026-11-30", "2026-12-01"]
    # and the range is in local days too: December only excludes the 23:59:59 call
    only_december = build_report(
        "demo-salon", date(2026, 12, 1), date(2026, 12, 31), "call", [november, december], BERLIN
    )
    assert [r["key"] for r in only_december.rows] == ["dec"]


def test_rounding_of_many_small_calls():
    start = datetime(2026, 11, 20, 9, tzinfo=UTC)
    calls = [line(f"c{i}", start + timedelta(seconds=i), retell="0.0049", billed="0.0049") for i in range(1000)]
    report = report_json(build_report("t", date(2026, 11, 20), date(2026, 11, 20), "day", calls, BERLIN))
    assert report["totals"]["cost_eur"] == "4.90"
    assert report["rows"][0]["cost_eur"] == "4.90"
    per_call = report_json(build_report("t", date(2026, 11, 20), date(2026, 11, 20), "call", calls[:1], BERLIN))
    assert per_call["rows"][0]["cost_eur"] == "0.00"  # one call alone displays as 0.00, but sums are exact


def test_contract_shape_and_derived_columns():
    started = datetime(2026, 11, 20, 9, tzinfo=UTC)
    calls = [
        line("a", started, retell="0.1159", telephony="0.028", llm="0.01", billed="0.50", bookings=1, duration_s="94"),
        line(
            "b",
            started + timedelta(hours=1),
            retell="0.05",
            billed="0.30",
            bookings=2,
            duration_s="30",
            state="estimated",
        ),
    ]
    report = report_json(build_report("demo-physio", date(2026, 11, 20), date(2026, 11, 20), "day", calls, BERLIN))
    assert set(report) >= {"tenant", "from", "to", "by", "currency", "rows", "totals"}
    assert report["currency"] == "EUR" and report["from"] == "2026-11-20" and report["by"] == "day"
    row = report["rows"][0]
    contract = {
        "key",
        "calls",
        "minutes",
        "retell_eur",
        "telephony_eur",
        "llm_eur",
        "cost_eur",
        "billed_eur",
        "margin_eur",
        "bookings",
        "cost_per_booking_eur",
    }
    assert contract <= set(row)
    assert contract - {"key"} <= set(report["totals"]) and "key" not in report["totals"]
    assert row == report["rows"][0]
    assert row["calls"] == 2 and row["bookings"] == 3
    assert row["minutes"] == "2.07"  # 124 s
    assert row["retell_eur"] == "0.17"  # 0.1659
    assert row["telephony_eur"] == "0.03" and row["llm_eur"] == "0.01"
    assert row["cost_eur"] == "0.20"  # 0.2039
    assert row["billed_eur"] == "0.80"
    assert row["margin_eur"] == "0.60"  # 0.5961
    assert row["margin_pct"] == "74.5"
    assert row["cost_per_booking_eur"] == "0.07"  # 0.2039 / 3
    assert row["estimated_calls"] == 1
    per_call = report_json(build_report("demo-physio", date(2026, 11, 20), date(2026, 11, 20), "call", calls, BERLIN))
    assert [r["key"] for r in per_call["rows"]] == ["a", "b"]
    assert per_call["rows"][1]["cost_per_booking_eur"] == "0.03"  # 0.05 / 2 = 0.025 half-up
    assert per_call["rows"][0]["started_at"] == "2026-11-20T10:00:00+01:00"


def test_no_bookings_means_no_cost_per_booking():
    report = report_json(
        build_report(
            "t",
            date(2026, 11, 20),
            date(2026, 11, 20),
            "day",
            [line("a", datetime(2026, 11, 20, 9, tzinfo=UTC))],
            BERLIN,
        )
    )
    assert report["rows"][0]["cost_per_booking_eur"] is None


def test_empty_report_totals_are_zero():
    report = report_json(build_report("t", date(2026, 11, 1), date(2026, 11, 30), "day", [], BERLIN))
    assert report["rows"] == []
    assert report["totals"]["calls"] == 0 and report["totals"]["cost_eur"] == "0.00"


def test_daily_series_fills_days_in_the_tenant_zone():
    calls = [line("a", datetime(2026, 11, 20, 23, 30, tzinfo=UTC))]  # 00:30 on the 21st in Berlin
    series = daily_series(calls, BERLIN, date(2026, 11, 20), date(2026, 11, 22))
    assert [(d.day, c) for d, c, _b in series] == [(20, 0), (21, D("0.10")), (22, 0)]

"""The day view's pure layout: blocks by minutes, processing gaps drawn free, holds, absences, bounds."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from portal.day_board import AppointmentIn, HoldIn, SegmentIn, lay_out

Z = ZoneInfo("Europe/Berlin")


def at(h: int, m: int = 0) -> datetime:
    return datetime(2026, 11, 23, h, m, tzinfo=Z)


COLOUR = AppointmentIn(
    "a1",
    "K7M2",
    "emma",
    "Ansatz färben",
    "Lena Vogel",
    "scheduled",
    (
        SegmentIn("Auftragen", at(10), at(10, 30), True),
        SegmentIn("Ausspülen", at(11, 15), at(11, 45), True),
    ),
)


def test_a_composite_shows_its_gap_as_free_time_between_busy_segments() -> None:
    board = lay_out([("emma", "Emma"), ("fabian", "Fabian")], [(time(9), time(19))], [COLOUR], [], {}, None)
    assert (board.first, board.last) == (9 * 60, 19 * 60)
    emma = board.columns[0]
    kinds = [(b.kind, b.start, b.end) for b in emma.blocks]
    assert kinds == [("busy", "10:00", "10:30"), ("gap", "10:30", "11:15"), ("busy", "11:15", "11:45")]
    assert emma.blocks[0].top == 60 and emma.blocks[0].height == 30 and "Lena Vogel" in emma.blocks[0].label
    assert emma.blocks[1].appointment_id == "a1" and board.columns[1].blocks == []


def test_processing_holds_absences_and_a_board_widened_to_fit() -> None:
    perm = AppointmentIn(
        "a2",
        "P1",
        "fabian",
        "Dauerwelle",
        "Max",
        "in_progress",
        (SegmentIn("Wickeln", at(8), at(8, 45), True), SegmentIn("Einwirken", at(8, 45), at(9, 15), False)),
    )
    hold = HoldIn("emma", "Schnitt", at(15), at(15, 30))
    board = lay_out(
        [("emma", "Emma"), ("fabian", "Fabian")],
        [(time(9), time(18))],
        [perm],
        [hold],
        {"emma": [(time(12), time(13))]},
        None,
    )
    assert board.first == 8 * 60  # widened to the 8:00 appointment
    fabian = [(b.kind, b.start) for b in board.columns[1].blocks]
    assert fabian == [("busy", "08:00"), ("processing", "08:45")]
    emma = [(b.kind, b.start, b.end) for b in board.columns[0].blocks]
    assert emma == [("absence", "12:00", "13:00"), ("hold", "15:00", "15:30")]
    assert [label for _, label in board.hours][:2] == ["08:00", "09:00"]


def test_a_closed_day_without_hours_still_has_a_board() -> None:
    board = lay_out([("emma", "Emma")], [], [], [], {"emma": [(time(0), time(23, 59))]}, "Weihnachten")
    assert board.closed == "Weihnachten" and (board.first, board.last) == (8 * 60, 20 * 60)  # the default span
    assert board.columns[0].blocks[0].kind == "absence" and board.columns[0].blocks[0].height == 12 * 60


def test_columns_html_escapes_names_and_links_only_appointments() -> None:
    from dataclasses import replace

    from portal.day_html import columns_html

    evil = replace(COLOUR, customer='<script>alert("x")</script>')
    hold = HoldIn("emma", "Schnitt", at(15), at(15, 30))
    board = lay_out([("emma", "Emma <b>")], [(time(9), time(19))], [evil], [hold], {}, None)
    html = str(columns_html(board))
    assert "<script>" not in html and "&lt;script&gt;" in html and "Emma &lt;b&gt;" in html
    assert html.count('href="/portal/appointments/a1"') == 2  # the two busy segments, not the gap
    assert html.count('data-kind="gap"') == 1 and 'data-kind="hold"' in html and "15:00 Schnitt" in html
    assert 'class="b busy" style="top:calc(60 * var(--px));height:calc(30 * var(--px))"' in html
    assert html.count('class="col"') == 1 and html.count('class="mark"') == len(board.hours)

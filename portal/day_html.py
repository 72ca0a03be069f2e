"""The day board's staff columns as HTML, written in Python instead of Jinja2.

A full day (15 staff x 40 appointments) is about 600 blocks of six values each; through the template that
was about 6,000 escaped values per page, most of the page's CPU time and most of its garbage (the tail of
``benchmarks/bench_portal.py`` was the collector's). Here only text that can come from people (names of
staff, customers and services) is escaped (``markupsafe.escape``); kinds, minutes, times and ids are ours.
The markup is the one ``templates/day.html`` styles: ``.col`` > ``.head`` + ``.lane`` > ``.mark`` and
``.b.<kind>`` blocks placed by ``calc(<minutes> * var(--px))``.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from portal.day_board import Board

__all__ = ["SHORT_MINUTES", "columns_html"]

#: Blocks shorter than this show their text on one line, cut with an ellipsis (a 15-minute block is one line).
SHORT_MINUTES = 30


def columns_html(board: Board) -> Markup:
    """Every staff column of ``board`` (the axis is the template's)."""
    marks = "".join(f'<div class="mark" style="top:calc({top} * var(--px))"></div>' for top, _ in board.hours)
    lane_style = f"height:calc({board.height} * var(--px))"
    out: list[str] = []
    for column in board.columns:
        name = escape(column.name)
        out.append(
            f'<div class="col" data-staff-id="{escape(column.staff_id)}"><div class="head" title="{name}">{name}</div>'
            f'<div class="lane" style="{lane_style}">{marks}'
        )
        for b in column.blocks:
            label = escape(b.label)
            short = " short" if b.height < SHORT_MINUTES else ""
            if b.appointment_id and b.kind != "gap":
                inner = f'<a href="/portal/appointments/{escape(b.appointment_id)}">{b.start} {label}</a>'
            elif b.kind == "hold":
                inner = f"{b.start} {label}"
            else:
                inner = ""
            out.append(
                f'<div class="b {b.kind}{short}" style="top:calc({b.top} * var(--px));height:calc({b.height} * '
                f'var(--px))" title="{b.start}–{b.end} {label}" data-kind="{b.kind}">{inner}</div>'
            )
        out.append("</div></div>")
    return Markup("".join(out))  # every value from outside is escaped above

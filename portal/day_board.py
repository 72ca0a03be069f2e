"""The day view's layout: staff columns with blocks placed by minutes. Pure (no database, no HTTP).

Input is plain values read by :mod:`portal.day_queries`; output says, for each staff member, where each
block sits as minutes from the board's first minute, and what kind it is:

* ``busy``: a segment in which the staff member works (solid);
* ``processing``: a segment the appointment occupies but the staff member is free (dye developing);
* ``gap``: the time between two segments of one appointment, where the staff member is free — drawn
  as free time with a dashed outline, so a gap where the stylist is free looks free;
* ``hold``: a slot held for a call in progress (faint);
* ``absence``: the staff member is away; ``closed`` marks the whole board when the business is closed.

The board spans the opening hours of the day (or 08:00-20:00 when it has none), widened to fit any
block outside them.

The value classes are plain slotted dataclasses, not frozen ones: a frozen dataclass sets each field
through ``object.__setattr__``, which for the 600 blocks of a full day (15 staff x 40) was a measurable
part of the page (benchmarks/bench_portal.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Literal

__all__ = ["AppointmentIn", "Block", "Board", "Column", "HoldIn", "SegmentIn", "lay_out"]

BlockKind = Literal["busy", "processing", "gap", "hold", "absence"]


@dataclass(slots=True)
class SegmentIn:
    """A stored segment: local start/end, whether it keeps the staff member busy."""

    name: str
    start: datetime
    end: datetime
    staff_busy: bool


@dataclass(slots=True)
class AppointmentIn:
    """An appointment of the day with its segments (local times)."""

    id: str
    reference: str
    staff_id: str
    service: str
    customer: str
    status: str
    segments: tuple[SegmentIn, ...]


@dataclass(slots=True)
class HoldIn:
    staff_id: str
    service: str
    start: datetime
    end: datetime


@dataclass(slots=True)
class Block:
    """One drawn rectangle: ``top``/``height`` in minutes from the board's start."""

    kind: BlockKind
    top: int
    height: int
    label: str
    start: str  # "HH:MM"
    end: str
    appointment_id: str | None = None
    status: str | None = None


@dataclass
class Column:
    staff_id: str
    name: str
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True)
class Board:
    """Columns in staff order; ``first``/``last`` the board's minutes of day; hour marks for the axis."""

    first: int
    last: int
    columns: tuple[Column, ...]
    closed: str | None

    @property
    def height(self) -> int:
        return self.last - self.first

    @property
    def hours(self) -> list[tuple[int, str]]:
        """(top in minutes, "HH:00") for each full hour on the board."""
        start = -(-self.first // 60) * 60
        return [(m - self.first, f"{m // 60:02d}:00") for m in range(start, self.last + 1, 60)]


def _minute(moment: datetime | time) -> int:
    return moment.hour * 60 + moment.minute


def _hm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def lay_out(
    staff: list[tuple[str, str]],
    opening: list[tuple[time, time]],
    appointments: list[AppointmentIn],
    holds: list[HoldIn],
    absences: dict[str, list[tuple[time, time]]],
    closed: str | None,
) -> Board:
    """The board for one day.

    ``staff``: (id, name) in display order; ``opening``: the business's intervals that day (empty when
    closed); ``absences``: staff id -> local intervals away (00:00-23:59 for a whole day); ``closed``:
    the reason the business is closed, or None.
    """
    raw: dict[str, list[tuple[BlockKind, int, int, str, AppointmentIn | None]]] = {sid: [] for sid, _ in staff}
    for appt in appointments:
        ordered = sorted(appt.segments, key=lambda s: s.start)
        for i, seg in enumerate(ordered):
            kind: BlockKind = "busy" if seg.staff_busy else "processing"
            raw.setdefault(appt.staff_id, []).append((kind, _minute(seg.start), _minute(seg.end), seg.name, appt))
            if i + 1 < len(ordered) and ordered[i + 1].start > seg.end:
                raw[appt.staff_id].append(("gap", _minute(seg.end), _minute(ordered[i + 1].start), "", appt))
    for hold in holds:
        raw.setdefault(hold.staff_id, []).append(("hold", _minute(hold.start), _minute(hold.end), hold.service, None))
    for sid, spans in absences.items():
        for a, b in spans:
            raw.setdefault(sid, []).append(
                ("absence", _minute(a), min(_minute(b) + (1 if b.minute == 59 else 0), 1440), "", None)
            )
    bounds = [(_minute(a), _minute(b)) for a, b in opening] or [(8 * 60, 20 * 60)]
    inside = [(a, b) for blocks in raw.values() for kind, a, b, _, _ in blocks if kind != "absence"]
    first = min([a for a, _ in bounds] + [a for a, _ in inside])
    last = max([b for _, b in bounds] + [b for _, b in inside])
    first, last = first // 30 * 30, -(-last // 30) * 30
    columns = []
    for sid, name in staff:
        column = Column(sid, name)
        for kind, start, end, label, owner in sorted(raw.get(sid, []), key=lambda r: (r[1], r[0])):
            lo, hi = max(start, first), min(end, last)
            if hi <= lo:
                continue
            column.blocks.append(
                Block(
                    kind,
                    lo - first,
                    hi - lo,
                    label if kind != "busy" or not owner else f"{owner.customer} · {label}",
                    _hm(lo),
                    _hm(hi),
                    owner.id if owner else None,
                    owner.status if owner else None,
                )
            )
        columns.append(column)
    return Board(first, last, tuple(columns), closed)

"""The pure rules of packages (multi-session cards, CONTRACT section 10): until when a card is valid,
and which card pays for an appointment.

Decided here (and documented for callers and staff alike):
- A card sold on local day D with `valid_days` N is valid through local day D + N; it expires at the
  local midnight after that day (`expiry_of`).
- A credit pays for an appointment that *starts* before its card expires: the session is taken while
  the card is valid. So an appointment after the expiry is paid normally even when it is booked before
  (and the caller is told so), and a card is never used after its expiry, whether or not the expiry
  row has been written yet.
- One credit per booked appointment of the card's service, while credits last (a series uses one per
  occurrence, in date order, until the card is empty; the rest are paid normally).
- Of several usable cards, the one that expires first pays (no credit lapses that could have been used).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from booking_core.domain import PackageOutcome

__all__ = ["Card", "choose", "expiry_of"]


@dataclass(frozen=True)
class Card:
    """A sold card as the rules need it: its sale id, credits left, and when it expires (aware)."""

    sale_id: str
    remaining: int
    expires_at: datetime


def expiry_of(sold_at: datetime, valid_days: int, zone: ZoneInfo) -> datetime:
    """The instant (aware, in `zone`) a card sold at `sold_at` stops being valid: the local midnight
    after the `valid_days`-th day after the sale's local day. Raises ValueError for valid_days < 1."""
    if valid_days < 1:
        raise ValueError("valid_days must be at least 1")
    last: date = sold_at.astimezone(zone).date() + timedelta(days=valid_days)
    return datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)


def choose(cards: Sequence[Card], start: datetime) -> tuple[Card | None, PackageOutcome | None]:
    """Which card pays for an appointment starting at `start` (aware): (card, "used"); or, when none can,
    (the card the caller would think of, "used_up" or "expired"); (None, None) without cards.

    Usable: credits left and `start` before its expiry; the one expiring first wins. Otherwise a valid
    card that is empty is named (`used_up`) before one that has expired (`expired`, the latest expiry)."""
    usable = [c for c in cards if c.remaining > 0 and start < c.expires_at]
    if usable:
        return min(usable, key=lambda c: (c.expires_at, c.sale_id)), "used"
    valid = [c for c in cards if start < c.expires_at]
    if valid:
        return max(valid, key=lambda c: (c.expires_at, c.sale_id)), "used_up"
    if cards:
        return max(cards, key=lambda c: (c.expires_at, c.sale_id)), "expired"
    return None, None

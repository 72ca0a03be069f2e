"""The pure rules of packages (booking_core.package_rules): until when a card is valid, which card pays."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from booking_core.package_rules import Card, choose, expiry_of
from tests.core.helpers import BERLIN, at


def test_a_card_is_valid_through_its_last_local_day():
    # sold on Friday 20 November at 10:00 (Berlin), 10 days: valid through Monday 30 November
    assert expiry_of(at(2026, 11, 20, 10), 10, BERLIN) == at(2026, 12, 1, 0)
    # 23:30 UTC is already 21 November in Berlin: the local day of the sale counts
    late = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)  # 00:30 on 21 November in Berlin
    assert expiry_of(late, 1, BERLIN) == at(2026, 11, 23, 0)


def test_expiry_over_a_dst_change_is_local_midnight():
    expires = expiry_of(at(2026, 3, 20, 12), 10, BERLIN)  # summer time starts on 29 March
    assert expires == at(2026, 3, 31, 0)
    assert expires.utcoffset() is not None and expires.utcoffset().total_seconds() == 7200


def test_valid_days_below_one_is_refused():
    with pytest.raises(ValueError):
        expiry_of(at(2026, 11, 20, 10), 0, BERLIN)


def test_the_card_expiring_first_pays():
    soon = Card("b", 2, at(2026, 12, 1))
    later = Card("a", 5, at(2027, 6, 1))
    assert choose([later, soon], at(2026, 11, 25, 10)) == (soon, "used")
    # after the first one's expiry only the later card can pay
    assert choose([later, soon], at(2026, 12, 2, 10)) == (later, "used")


def test_an_appointment_after_the_expiry_is_not_paid_by_the_card():
    card = Card("a", 3, at(2026, 12, 1))
    assert choose([card], at(2026, 11, 30, 23, 45)) == (card, "used")
    assert choose([card], at(2026, 12, 1, 0)) == (card, "expired")  # the expiry instant itself is too late
    assert choose([card], at(2026, 12, 5, 10)) == (card, "expired")


def test_an_empty_valid_card_is_named_before_an_expired_one():
    empty = Card("a", 0, at(2027, 1, 1))
    old = Card("b", 4, at(2026, 11, 1))
    assert choose([old, empty], at(2026, 11, 25, 10)) == (empty, "used_up")
    assert choose([old], at(2026, 11, 25, 10)) == (old, "expired")


def test_no_cards_no_outcome():
    assert choose([], at(2026, 11, 25, 10)) == (None, None)

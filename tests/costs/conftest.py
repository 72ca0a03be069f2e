"""Fixtures for the call-cost tests."""

import pytest

from booking_core.clock import FrozenClock
from costs.costs_helpers import NOW


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)

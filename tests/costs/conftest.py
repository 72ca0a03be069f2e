"""Fixtures for the call-cost tests."""

import pytest

from booking_core.clock import FrozenClock
from tests.costs.helpers import NOW


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)

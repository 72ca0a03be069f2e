"""Fixtures for the billing tests: a frozen clock and a running fake Stripe API."""

from collections.abc import AsyncIterator

import pytest

from booking_core.clock import FrozenClock
from tests.billing.helpers import NOW
from tests.fakes.stripe_api import FakeStripe


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
async def fake_stripe() -> AsyncIterator[FakeStripe]:
    server = await FakeStripe().start()
    yield server
    await server.stop()

"""Fixtures for the billing tests: a frozen clock and a running fake Stripe API."""

from collections.abc import AsyncIterator

import pytest
from fakes.stripe import FakeStripe

from billing.billing_helpers import NOW
from booking_core.clock import FrozenClock


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
async def fake_stripe() -> AsyncIterator[FakeStripe]:
    server = await FakeStripe().start()
    yield server
    await server.stop()

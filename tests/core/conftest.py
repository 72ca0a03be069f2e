"""Fixtures of the booking-engine tests: a small tenant, a frozen clock, a service on each engine."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from booking_core.clock import FrozenClock
from booking_core.service import BookingService
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig
from booking_core.tenant_store import save_tenant
from tests.core.helpers import at, make_tenant


@pytest.fixture
def tenant() -> TenantConfig:
    return make_tenant()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(at(2026, 11, 20, 10, 0))  # a Friday


@pytest.fixture
async def svc(db: Database, tenant: TenantConfig, clock: FrozenClock) -> AsyncIterator[BookingService]:
    await save_tenant(db, tenant, clock.now())
    yield BookingService(db, clock)

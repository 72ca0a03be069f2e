"""Fixtures for the integration tests: an injected clock, a fake Cal.com, a database with the
integration tables. Shared helpers live in `tests.integrations.helpers`."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from booking_core.clock import FrozenClock
from booking_core.storage.db import Database
from tests.fakes.calcom import FakeCalcom
from tests.integrations.helpers import API_KEY, T0, ensure_integration_tables


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
async def calcom() -> AsyncIterator[FakeCalcom]:
    fake = await FakeCalcom(api_key=API_KEY).start()
    yield fake
    await fake.stop()


@pytest.fixture
async def idb(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    await ensure_integration_tables(database)
    yield database
    await database.dispose()

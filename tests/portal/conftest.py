"""Fixtures of the portal's page tests: a served app with two tenants, a logged-in owner of demo-salon."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from agent_functions.app import create_app
from agent_functions.bootstrap import build_services
from agent_functions.settings import Settings
from booking_core.clock import FrozenClock
from booking_core.tenant_file import read_tenant_file
from booking_core.tenant_store import save_tenant
from tests.portal.portal_client import NOW, Seeded, log_in, seed


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[TestClient]:
    services = build_services(
        Settings(database_url=database_url, retell_api_keys=["k"], admin_token="t"), FrozenClock(NOW)
    )
    for name in ("demo-salon", "demo-physio"):
        await save_tenant(services.db, read_tenant_file(f"fixtures/tenants/{name}.yaml"), NOW)
    async with TestClient(TestServer(create_app(services))) as test_client:
        yield test_client
    await services.db.dispose()


@pytest.fixture
async def seeded(client: TestClient) -> Seeded:
    seeded = await seed(client)
    await log_in(client, "anna@salon.example")
    return seeded

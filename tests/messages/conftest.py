"""Fixtures of the message tests: the app over real HTTP on both engines with a frozen clock, a fake
Twilio and a real SMTP server (aiosmtpd), and the environment that points the senders at them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from agent_functions.app import create_app
from agent_functions.bootstrap import build_services
from agent_functions.context import AppServices
from agent_functions.settings import Settings
from booking_core.clock import FrozenClock
from booking_core.tenant_config import TenantConfig
from booking_core.tenant_file import read_tenant_file
from booking_core.tenant_store import save_tenant
from tests.fakes.sms import FakeTwilio
from tests.fakes.smtp import SmtpSink
from tests.messages.message_helpers import KEY, NOW, TENANT_FILE


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
async def twilio() -> AsyncIterator[FakeTwilio]:
    fake = await FakeTwilio(delay_s=3.0).start()
    yield fake
    await fake.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def env(twilio: FakeTwilio, smtp: SmtpSink) -> dict[str, str]:
    return {**twilio.env(), **smtp.env()}


@pytest.fixture
def tenant() -> TenantConfig:
    return read_tenant_file(TENANT_FILE)


@pytest.fixture
async def services(database_url: str, clock: FrozenClock, tenant: TenantConfig) -> AsyncIterator[AppServices]:
    built = build_services(Settings(database_url=database_url, retell_api_keys=[KEY], admin_token="admin-token"), clock)
    await save_tenant(built.db, tenant, clock.now())
    yield built
    await built.db.dispose()


@pytest.fixture
async def client(services: AppServices) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(create_app(services))) as test_client:
        yield test_client

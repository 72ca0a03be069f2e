"""The app under fuzzing and attack: the real server on a loopback port with a frozen clock, two
tenants with one seeded appointment each, and a signing client. Shared by `test_fuzz` and
`test_security`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Self

import pytest
from aiohttp import web
from hypothesis import HealthCheck, settings
from sqlalchemy import text

from agent_functions.app import create_app
from agent_functions.bootstrap import build_services
from agent_functions.client import FunctionClient
from agent_functions.context import AppServices
from agent_functions.replay.seed import insert_appointment
from agent_functions.settings import Settings
from booking_core.clock import FrozenClock
from booking_core.domain import AppointmentView, CustomerInput
from booking_core.tenant_file import read_tenant_file
from booking_core.tenant_store import save_tenant
from tests.pg_support import FIXTURES
from tests.reliability.support import KEY, scale

NOW = datetime.fromisoformat("2026-11-20T10:00:00+01:00")
SALON_NUMBER, PHYSIO_NUMBER = "+4930555000100", "+442071234567"
SALON_CALLER, PHYSIO_CALLER = "+4915100000017", "+447700900123"
SALON_REF, PHYSIO_REF = "SAL7", "PHY7"
ADMIN_TOKEN = "reliability-admin-token"
# Tables whose rows or counts a request may change (which of them, depends on the answer).
WATCHED = (
    "appointments",
    "appointment_segments",
    "holds",
    "callback_requests",
    "audit_log",
    "customers",
    "outbox",
    "calls",
)


@dataclass(frozen=True)
class Request:
    path: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    args: Any = None  # what the server may echo back in a message


class Harness:
    """The real app on a loopback port with a frozen clock, in an event loop of its own.

    Hypothesis drives tests synchronously, so the server, its database and the signing client live
    in one `asyncio.Runner` for the whole test and each generated input is one `run()` on it.
    """

    def __init__(self, database_url: str, *, admin_token: str | None = ADMIN_TOKEN) -> None:
        self.database_url = database_url
        self.admin_token = admin_token
        self.runner = asyncio.Runner()
        self.clock = FrozenClock(NOW)
        self.services: AppServices | None = None
        self.site_runner: web.AppRunner | None = None
        self.client: FunctionClient | None = None
        self.callbacks_seen: set[str] = set()
        self.seeded: dict[str, AppointmentView] = {}  # tenant id -> its one seeded appointment

    def __enter__(self) -> Self:
        self.run(self._start())
        return self

    def __exit__(self, *_exc: object) -> None:
        try:
            self.run(self._stop())
        finally:
            self.runner.close()

    def run(self, coro: Any) -> Any:
        return self.runner.run(coro)

    async def _start(self) -> None:
        settings_ = Settings(
            database_url=self.database_url,
            retell_api_keys=[KEY],
            admin_token=self.admin_token,
            allow_unsigned=False,
            test_clock=False,
        )
        self.services = build_services(settings_, self.clock)
        tenants = {}
        for name in ("demo-salon", "demo-physio"):
            tenants[name] = read_tenant_file(FIXTURES / "tenants" / f"{name}.yaml")
            await save_tenant(self.services.db, tenants[name], self.clock.now())
        await self._seed(tenants)
        self.site_runner = web.AppRunner(create_app(self.services), access_log=None)
        await self.site_runner.setup()
        site = web.TCPSite(self.site_runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.client = FunctionClient(f"http://127.0.0.1:{port}", KEY, clock=self.clock)

    async def _seed(self, tenants: dict[str, Any]) -> None:
        """One upcoming appointment per tenant, so find, cancel and reschedule have something to aim at."""
        assert self.services is not None
        db, clock = self.services.db, self.services.clock
        self.seeded["demo-salon"] = await insert_appointment(
            db,
            clock,
            tenants["demo-salon"],
            service_id="herrenhaarschnitt",
            staff_id="fabian",
            start=datetime.fromisoformat("2026-11-24T10:00:00+01:00"),
            customer=CustomerInput(name="Lena Vogel", phone=SALON_CALLER),
            reference=SALON_REF,
        )
        self.seeded["demo-physio"] = await insert_appointment(
            db,
            clock,
            tenants["demo-physio"],
            service_id="follow-up",
            staff_id="olivia",
            start=datetime.fromisoformat("2026-11-24T10:00:00+00:00"),
            customer=CustomerInput(name="Oliver Twist", phone=PHYSIO_CALLER),
            reference=PHYSIO_REF,
        )

    async def _stop(self) -> None:
        if self.client is not None:
            await self.client.close()
        if self.site_runner is not None:
            await self.site_runner.cleanup()
        if self.services is not None:
            await self.services.db.dispose()

    async def snapshot(self) -> dict[str, Any]:
        """Row counts of the watched tables, and the appointments' identity and state (a cancel changes no count)."""
        assert self.services is not None
        counts = ", ".join(f'(SELECT count(*) FROM "{table}")' for table in WATCHED)
        async with self.services.db.read() as session:
            row = (await session.execute(text(f"SELECT {counts}"))).one()
            appointments = (
                await session.execute(text("SELECT id, status, start, staff_id, version FROM appointments ORDER BY id"))
            ).all()
        state: dict[str, Any] = dict(zip(WATCHED, (int(n) for n in row)))
        state["appointments"] = (state["appointments"], tuple(tuple(str(v) for v in a) for a in appointments))
        return state

    async def admin_get(self, path: str) -> tuple[int, str]:
        assert self.client is not None
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        async with self.client.session.get(self.client.base_url + path, headers=headers) as response:
            return response.status, await response.text()

    async def exchange(self, request: Request) -> tuple[int, Any, dict[str, Any], dict[str, Any]]:
        """Send one request; (HTTP status, parsed body, state before, state after)."""
        assert self.client is not None
        before = await self.snapshot()
        answer = await self.client.post(request.path, request.body, headers=request.headers)
        after = await self.snapshot()
        return answer.status, answer.body, before, after


def database_for(request: pytest.FixtureRequest) -> str:
    """A migrated database of this test's own on the engine the test is parametrised with (never the
    shared `test` database that other suites truncate)."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("reliability_pg"))


def fuzz_settings(short: int, full: int) -> settings:
    """No example database (the working tree is shared), no deadline (a 2-core machine under load)."""
    return settings(
        max_examples=scale(short, full),
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
    )

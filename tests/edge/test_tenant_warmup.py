"""`serve` parses the tenants before the first request (issue 20), and serves anyway when it cannot."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

from agent_functions.server_process import ServerProcess
from booking_core.storage.db import Database
from booking_core.storage.migrate import upgrade
from booking_core.tenant_store import save_tenants
from tests.core.helpers import make_tenant


def events(log: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.startswith("{")]


def test_serve_warms_every_tenant_before_the_first_request(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/slotline.db"
    upgrade(url)

    async def load() -> None:
        db = Database(url)
        try:
            await save_tenants(db, [make_tenant(f"w{i}") for i in range(3)], datetime.now(UTC))
        finally:
            await db.dispose()

    asyncio.run(load())
    log = tmp_path / "server.log"
    with ServerProcess(url, key="k", log_path=log):
        pass
    warmed = [e for e in events(log) if e.get("event") == "tenants warmed"]
    assert len(warmed) == 1 and warmed[0]["tenants"] == 3


def test_serve_starts_when_the_tenants_cannot_be_read(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/empty.db"  # never migrated: no tenants table
    log = tmp_path / "server.log"
    with ServerProcess(url, key="k", log_path=log) as server:
        assert server.process is not None and server.process.poll() is None
    assert any(e.get("event") == "tenants not warmed" for e in events(log))

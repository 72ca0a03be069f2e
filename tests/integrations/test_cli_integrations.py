"""`slotline outbox list` shows dead letters; `slotline fx update` says when it kept the old rates."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

from integrations.worker import Worker, WorkerConfig
from tests.integrations.helpers import (
    ENV,
    appointment_payload,
    book,
    ensure_integration_tables,
    load_tenant,
    tenant_doc,
)


def slotline(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent_functions.cli", *args], capture_output=True, text=True, timeout=60
    )


async def test_outbox_list_shows_dead_letters(sqlite_url, clock):
    from booking_core.storage.db import Database

    db = Database(sqlite_url)
    await ensure_integration_tables(db)
    await load_tenant(db, tenant_doc("http://127.0.0.1:9"))
    await book(db, clock.now(), appointment_payload(start=clock.now() + timedelta(days=2)))
    worker = Worker(db, clock, env={}, config=WorkerConfig(max_attempts=1))
    await worker.drain_once()
    await worker.aclose()
    await db.dispose()
    out = slotline("outbox", "list", "--database-url", sqlite_url)
    assert out.returncode == 0, out.stderr
    assert "dead 1" in out.stdout and "TEST_CALCOM_KEY" in out.stdout
    dead = slotline("outbox", "list", "--status", "dead", "--json", "--database-url", sqlite_url)
    assert '"status": "dead"' in dead.stdout
    retry = slotline("outbox", "retry", "1", "--database-url", sqlite_url)
    assert "requeued 1" in retry.stdout
    assert ENV  # secrets never reach the CLI output
    assert "cal_test" not in out.stdout


def test_fx_update_failure_is_reported(sqlite_url):
    out = slotline("fx", "update", "--url", "http://127.0.0.1:9/stats", "--database-url", sqlite_url)
    assert out.returncode == 1
    assert "FAILED" in out.stderr and "no rates stored yet" in out.stderr

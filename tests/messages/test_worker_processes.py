"""Two real `slotline worker` processes on one PostgreSQL send every message exactly once (issue 16:
"two workers send each message once"), whoever wrote the rows (any SMS or email outbox row)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from booking_core.messages.planner import Plan, Planned
from booking_core.messages.store import write_plan
from booking_core.storage import models as m
from booking_core.storage.db import Database

SMS_COUNT, MAIL_COUNT = 60, 20


async def _seed(db: Database, now: datetime) -> None:
    planned = [
        Planned(
            "confirmation",
            "sms",
            f"+49151000{i:05d}",
            now,
            f"load:{i}:sms",
            f"load-{i}",
            {"kind": "confirmation", "channel": "sms", "to": f"+49151000{i:05d}", "text": f"Nachricht {i}"},
        )
        for i in range(SMS_COUNT)
    ]
    planned += [
        Planned(
            "billing_notice",
            "email",
            f"owner{i}@example.org",
            now,
            f"load:{i}:email",
            f"mail-{i}",
            {
                "kind": "billing_notice",
                "channel": "email",
                "to": f"owner{i}@example.org",
                "subject": f"Guthaben {i}",
                "text": "Ihr Guthaben ist niedrig.\n",
            },
        )
        for i in range(MAIL_COUNT)
    ]
    async with db.write() as session:
        await write_plan(session, "load-tenant", Plan(tuple(planned)), now)
        # a second write of the same keys (a retried change) adds nothing
        assert await write_plan(session, "load-tenant", Plan(tuple(planned)), now) == 0


async def _wait_for(path: Path, text: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(errors="replace"):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(
        f"{path.name} never said {text!r}: {path.read_text(errors='replace')[-2000:] if path.exists() else ''}"
    )


async def test_two_worker_processes_send_each_message_once(postgres_url, twilio, smtp, tmp_path):
    twilio.latency_s = 0.01  # long enough for both workers to be busy at once
    env = {**os.environ, **twilio.env(), **smtp.env(), "SLOTLINE_LOG_FORMAT": "console", "PYTHONUNBUFFERED": "1"}
    logs = [tmp_path / f"worker{i}.log" for i in range(2)]
    procs = []
    db = Database(postgres_url)
    try:
        for log in logs:
            procs.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "agent_functions.cli",
                    "worker",
                    "--database-url",
                    postgres_url,
                    "--poll",
                    "0.2",
                    "--batch",
                    "20",
                    stdout=log.open("w"),
                    stderr=asyncio.subprocess.STDOUT,
                    env=env,
                )
            )
        for log in logs:
            await _wait_for(log, "worker.start", 30)
        await _seed(db, datetime.now(UTC))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            async with db.read() as session:
                pending = await session.scalar(
                    select(func.count()).select_from(m.OutboxMessage).where(m.OutboxMessage.status != "sent")
                )
            if pending == 0:
                break
            await asyncio.sleep(0.2)
        assert pending == 0
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                await asyncio.wait_for(proc.wait(), 15)
            except TimeoutError:
                proc.kill()
        await db.dispose()
    assert len(twilio.delivered) == SMS_COUNT and len(twilio.requests) == SMS_COUNT  # no retry, no duplicate
    assert set(Counter(s.to for s in twilio.delivered).values()) == {1}
    assert len(smtp.mails) == MAIL_COUNT and len({m["Message-ID"] for m in smtp.mails}) == MAIL_COUNT
    assert sorted(m["To"] for m in smtp.mails) == sorted(f"owner{i}@example.org" for i in range(MAIL_COUNT))
    sent_by = [log.read_text(errors="replace").count("outbox.sent") for log in logs]
    assert sum(sent_by) == SMS_COUNT + MAIL_COUNT and all(n > 0 for n in sent_by), sent_by  # both really worked

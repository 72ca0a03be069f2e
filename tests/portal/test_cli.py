"""`slotline users invite|list` against a real database (SQLite; the accounts tests cover both engines)."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import select

from agent_functions.cli import main
from booking_core.clock import SystemClock
from booking_core.storage.db import Database
from booking_core.storage.models import OutboxMessage
from booking_core.tenant_file import read_tenant_file
from booking_core.tenant_store import save_tenant
from portal import accounts as acc


@pytest.fixture
async def url(sqlite_url: str) -> str:
    db = Database(sqlite_url)
    await save_tenant(db, read_tenant_file("fixtures/tenants/demo-salon.yaml"), SystemClock().now())
    await db.dispose()
    return sqlite_url


async def test_invite_queues_the_email_and_prints_a_working_link(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = await asyncio.to_thread(
        main,
        [
            "users",
            "invite",
            "--tenant",
            "demo-salon",
            "--email",
            "Team@Salon.example",
            "--role",
            "staff",
            "--database-url",
            url,
        ],
    )
    out = capsys.readouterr().out
    assert code == 0 and "team@salon.example" in out
    token = out.split("/portal/accept/")[1].split()[0]
    db = Database(url)
    try:
        async with db.read() as session:
            mails = (
                await session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "portal.invitation"))
            ).all()
        assert [m.payload["to"] for m in mails] == ["team@salon.example"] and token in mails[0].payload["text"]
        user = await acc.accept_invitation(db, token, "long enough password", SystemClock().now())
        assert (user.tenant_id, user.role) == ("demo-salon", "staff")
    finally:
        await db.dispose()
    code = await asyncio.to_thread(main, ["users", "list", "--tenant", "demo-salon", "--json", "--database-url", url])
    assert code == 0 and json.loads(capsys.readouterr().out) == [
        {"email": "team@salon.example", "role": "staff", "lang": "de"}
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tenant", "nope", "--email", "a@b.de", "--role", "staff"], "unknown tenant"),
        (["--tenant", "demo-salon", "--email", "not-an-email", "--role", "staff"], "not an email"),
    ],
)
async def test_refused_invitations_exit_1(
    url: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code = await asyncio.to_thread(main, ["users", "invite", *args, "--database-url", url])
    assert code == 1 and message in capsys.readouterr().err

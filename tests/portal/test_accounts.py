"""Portal accounts on both engines: invitations, acceptance, resets, logins, lockout, sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from booking_core.storage.db import Database
from booking_core.storage.models import OutboxMessage
from booking_core.storage.portal_models import PortalToken
from portal import accounts as acc

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


async def invited_user(
    db: Database, email: str = "Anna@Salon.example", role: str = "owner", tenant: str = "demo-salon"
) -> acc.User:
    token = await acc.invite(db, tenant_id=tenant, email=email, role=role, now=NOW)
    return await acc.accept_invitation(db, token, "correct horse battery", NOW)


async def test_an_invitation_is_stored_only_as_its_hash_and_emailed(db: Database) -> None:
    token = await acc.invite(db, tenant_id="demo-salon", email=" Anna@Salon.example ", role="staff", now=NOW, lang="en")
    async with db.read() as session:
        rows = (await session.scalars(select(PortalToken))).all()
        mails = (await session.scalars(select(OutboxMessage).where(OutboxMessage.target == "email"))).all()
    assert len(rows) == 1 and rows[0].token_sha256 == acc.digest(token) and token not in rows[0].token_sha256
    assert rows[0].email == "anna@salon.example" and rows[0].expires_at == NOW + timedelta(hours=24)
    assert len(mails) == 1 and mails[0].payload["to"] == "anna@salon.example"
    assert f"/portal/accept/{token}" in mails[0].payload["text"] and mails[0].payload["subject"].startswith(
        "Your invitation"
    )


async def test_a_new_invitation_revokes_the_pending_one(db: Database) -> None:
    first = await acc.invite(db, tenant_id="demo-salon", email="a@x.de", role="staff", now=NOW)
    second = await acc.invite(db, tenant_id="demo-salon", email="a@x.de", role="owner", now=NOW)
    with pytest.raises(acc.AccountError) as refused:
        await acc.accept_invitation(db, first, "correct horse battery", NOW)
    assert refused.value.code == "bad_token"
    user = await acc.accept_invitation(db, second, "correct horse battery", NOW)
    assert user.role == "owner"


@pytest.mark.parametrize("case", ["expired", "used", "tampered", "empty"])
async def test_bad_invitation_tokens_are_refused(db: Database, case: str) -> None:
    token = await acc.invite(db, tenant_id="demo-salon", email="a@x.de", role="staff", now=NOW)
    when = NOW
    if case == "expired":
        when = NOW + timedelta(hours=24, seconds=1)
    elif case == "used":
        await acc.accept_invitation(db, token, "correct horse battery", NOW)
    elif case == "tampered":
        token = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    else:
        token = ""
    with pytest.raises(acc.AccountError) as refused:
        await acc.accept_invitation(db, token, "another good password", when)
    assert refused.value.code in ("bad_token",)


async def test_weak_password_keeps_the_invitation_usable(db: Database) -> None:
    token = await acc.invite(db, tenant_id="demo-salon", email="a@x.de", role="staff", now=NOW)
    with pytest.raises(acc.AccountError) as refused:
        await acc.accept_invitation(db, token, "short", NOW)
    assert refused.value.code == "weak_password"
    assert (await acc.accept_invitation(db, token, "long enough now", NOW)).email == "a@x.de"


async def test_login_sessions_and_logout(db: Database) -> None:
    user = await invited_user(db)
    found, session_id, csrf = await acc.login(db, "ANNA@salon.example", "correct horse battery", NOW)
    assert found == user
    assert await acc.session_user(db, session_id, NOW + timedelta(hours=1)) == (user, csrf)
    assert await acc.session_user(db, session_id, NOW + timedelta(hours=13)) is None  # expired
    _, second, _ = await acc.login(db, "anna@salon.example", "correct horse battery", NOW)
    assert second != session_id  # every login a new id: no fixation
    await acc.end_session(db, second)
    assert await acc.session_user(db, second, NOW) is None


async def test_ten_failures_lock_the_account_for_fifteen_minutes(db: Database) -> None:
    await invited_user(db)
    for i in range(acc.LOCK_FAILURES):
        with pytest.raises(acc.AccountError) as failed:
            await acc.login(db, "anna@salon.example", f"wrong {i}", NOW + timedelta(seconds=i))
        assert failed.value.code == "bad_login"
    with pytest.raises(acc.AccountError) as locked:
        await acc.login(db, "anna@salon.example", "correct horse battery", NOW + timedelta(minutes=1))
    assert locked.value.code == "locked"
    user, _, _ = await acc.login(db, "anna@salon.example", "correct horse battery", NOW + timedelta(minutes=16))
    assert user.email == "anna@salon.example"


async def test_unknown_email_fails_like_a_wrong_password(db: Database) -> None:
    await invited_user(db)
    with pytest.raises(acc.AccountError) as unknown:
        await acc.login(db, "nobody@salon.example", "correct horse battery", NOW)
    with pytest.raises(acc.AccountError) as wrong:
        await acc.login(db, "anna@salon.example", "not the password", NOW)
    assert unknown.value.code == wrong.value.code == "bad_login" and str(unknown.value) == str(wrong.value)


async def test_password_reset_sets_a_new_password_and_ends_sessions(db: Database) -> None:
    await invited_user(db)
    _, session_id, _ = await acc.login(db, "anna@salon.example", "correct horse battery", NOW)
    await acc.request_reset(db, "anna@salon.example", NOW)
    await acc.request_reset(db, "nobody@salon.example", NOW)  # nothing, silently
    async with db.read() as session:
        mails = (await session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "portal.reset"))).all()
    assert len(mails) == 1
    token = mails[0].payload["text"].split("/portal/reset/")[1].split()[0]
    await acc.reset_password(db, token, "a brand new password", NOW)
    assert await acc.session_user(db, session_id, NOW) is None
    with pytest.raises(acc.AccountError):
        await acc.login(db, "anna@salon.example", "correct horse battery", NOW)
    assert (await acc.login(db, "anna@salon.example", "a brand new password", NOW))[0].email == "anna@salon.example"
    with pytest.raises(acc.AccountError):
        await acc.reset_password(db, token, "yet another password", NOW)  # used


async def test_one_pending_invitation_is_enforced_by_the_database(db: Database) -> None:
    await acc.invite(db, tenant_id="demo-salon", email="a@x.de", role="staff", now=NOW)
    with pytest.raises(IntegrityError):
        async with db.write() as session:
            session.add(
                PortalToken(
                    token_sha256="f" * 64,
                    tenant_id="demo-salon",
                    email="a@x.de",
                    kind="invitation",
                    role="staff",
                    lang="de",
                    created_at=NOW,
                    expires_at=NOW + timedelta(hours=1),
                )
            )
    async with db.write() as session:  # once revoked, a new pending row is fine
        await session.execute(update(PortalToken).values(revoked_at=NOW))
        session.add(
            PortalToken(
                token_sha256="e" * 64,
                tenant_id="demo-salon",
                email="a@x.de",
                kind="invitation",
                role="staff",
                lang="de",
                created_at=NOW,
                expires_at=NOW + timedelta(hours=1),
            )
        )


@pytest.mark.parametrize(
    ("email", "role", "code"), [("not-an-email", "staff", "bad_email"), ("a@x.de", "admin", "bad_role")]
)
async def test_bad_invitations_write_nothing(db: Database, email: str, role: str, code: str) -> None:
    with pytest.raises(acc.AccountError) as refused:
        await acc.invite(db, tenant_id="demo-salon", email=email, role=role, now=NOW)
    assert refused.value.code == code
    async with db.read() as session:
        assert (await session.scalars(select(PortalToken))).all() == []

"""Portal accounts: invitations, password resets, logins with lockout, sessions (CONTRACT section 12).

This module holds invitations and resets; the shared rules are `portal.account_rules`, logins and
sessions `portal.sessions`. Every public name of the three is importable from here.

Rules (and where they come from):

* A one-time token is 32 random bytes (``secrets.token_urlsafe(32)``), stored only as its SHA-256,
  valid 24 hours, usable once; one pending invitation per (tenant, email) — a new one revokes the old
  (partial unique index ``uq_portal_tokens_pending`` is the last guard).
* Passwords: argon2id (argon2-cffi's defaults, RFC 9106), at least 10 characters.
* Lockout: 10 failed logins for an email within 15 minutes refuse further logins for that email until
  the window has passed (OWASP authentication cheat sheet: throttle per account).
* A login always costs one argon2 verification, against a fixed dummy hash when the email is unknown,
  so the answer's timing does not tell whether an email has an account.
* A session id is 32 random bytes in the cookie, stored as its SHA-256 with the session's CSRF token;
  a login always issues a new id (no session fixation). Sessions last 12 hours.

Every function takes the ``Database`` and an aware ``now`` (UTC); emails are lower-cased and stripped.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import delete, select, update

from booking_core.storage.db import Database, affected_rows
from booking_core.storage.portal_models import LoginFailure, PortalSession, PortalToken, PortalUser
from portal.account_rules import (
    HASHER,
    LOCK_FAILURES,
    LOCK_WINDOW,
    MIN_PASSWORD,
    SESSION_TTL,
    TOKEN_TTL,
    AccountError,
    Role,
    User,
    check_password,
    digest,
    normalise_email,
    user_of,
)
from portal.mail import queue_email
from portal.sessions import end_session, login, session_user

__all__ = [
    "LOCK_FAILURES",
    "LOCK_WINDOW",
    "MIN_PASSWORD",
    "SESSION_TTL",
    "TOKEN_TTL",
    "AccountError",
    "Role",
    "User",
    "accept_invitation",
    "digest",
    "end_session",
    "invite",
    "list_users",
    "login",
    "normalise_email",
    "request_reset",
    "reset_password",
    "session_user",
]


async def _issue(
    db: Database, *, tenant_id: str, email: str, kind: str, role: str, lang: str, now: datetime, base_url: str
) -> str:
    token = secrets.token_urlsafe(32)
    async with db.write() as session:
        await session.execute(
            update(PortalToken)
            .where(
                PortalToken.tenant_id == tenant_id,
                PortalToken.email == email,
                PortalToken.kind == kind,
                PortalToken.used_at.is_(None),
                PortalToken.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
        session.add(
            PortalToken(
                token_sha256=digest(token),
                tenant_id=tenant_id,
                email=email,
                kind=kind,
                role=role,
                lang=lang,
                created_at=now,
                expires_at=now + TOKEN_TTL,
            )
        )
        path = "accept" if kind == "invitation" else "reset"
        await queue_email(
            session,
            tenant_id=tenant_id,
            to=email,
            kind=kind,
            lang=lang,
            now=now,
            link=f"{base_url.rstrip('/')}/portal/{path}/{token}",
        )
    return token


async def invite(
    db: Database,
    *,
    tenant_id: str,
    email: str,
    role: str,
    now: datetime,
    lang: str = "de",
    base_url: str = "http://127.0.0.1:8080",
) -> str:
    """Invite ``email`` to ``tenant_id`` as ``role``; emails the link (outbox) and returns the token.

    Raises AccountError bad_email | bad_role | already_user."""
    email = normalise_email(email)
    if role not in ("owner", "staff"):
        raise AccountError("bad_role", "role must be owner or staff")
    async with db.read() as session:
        exists = await session.scalar(
            select(PortalUser.id).where(PortalUser.tenant_id == tenant_id, PortalUser.email == email)
        )
    if exists is not None:
        raise AccountError("already_user", "this email already has an account")
    return await _issue(
        db, tenant_id=tenant_id, email=email, kind="invitation", role=role, lang=lang, now=now, base_url=base_url
    )


async def _take_token(db: Database, token: str, kind: str, now: datetime) -> PortalToken:
    async with db.write() as session:
        row = await session.scalar(select(PortalToken).where(PortalToken.token_sha256 == digest(token or "")))
        if (
            row is None
            or row.kind != kind
            or row.used_at is not None
            or row.revoked_at is not None
            or row.expires_at <= now
        ):
            raise AccountError("bad_token", "this link is invalid, used or expired")
        taken = await session.execute(
            update(PortalToken).where(PortalToken.id == row.id, PortalToken.used_at.is_(None)).values(used_at=now)
        )
        if affected_rows(taken) != 1:
            raise AccountError("bad_token", "this link is invalid, used or expired")
        session.expunge(row)
        return row


async def accept_invitation(db: Database, token: str, password: str, now: datetime) -> User:
    """Create the invited user with ``password``; the token is used up. Raises AccountError bad_token |
    weak_password | already_user."""
    check_password(password)
    row = await _take_token(db, token, "invitation", now)
    async with db.write() as session:
        exists = await session.scalar(
            select(PortalUser.id).where(PortalUser.tenant_id == row.tenant_id, PortalUser.email == row.email)
        )
        if exists is not None:
            raise AccountError("already_user", "this email already has an account")
        user = PortalUser(
            tenant_id=row.tenant_id,
            email=row.email,
            role=row.role,
            lang=row.lang,
            password_hash=HASHER.hash(password),
            created_at=now,
        )
        session.add(user)
        await session.flush()
        return user_of(user)


async def request_reset(db: Database, email: str, now: datetime, base_url: str = "http://127.0.0.1:8080") -> None:
    """Email a reset link to every account of ``email``; an unknown or malformed email does nothing
    (the page says the same either way)."""
    try:
        email = normalise_email(email)
    except AccountError:
        return
    async with db.read() as session:
        users = (await session.scalars(select(PortalUser).where(PortalUser.email == email))).all()
    for user in users:
        await _issue(
            db,
            tenant_id=user.tenant_id,
            email=email,
            kind="reset",
            role=user.role,
            lang=user.lang,
            now=now,
            base_url=base_url,
        )


async def reset_password(db: Database, token: str, password: str, now: datetime) -> None:
    """Set a new password from a reset link; every session of that user ends. Raises AccountError."""
    check_password(password)
    row = await _take_token(db, token, "reset", now)
    async with db.write() as session:
        user = await session.scalar(
            select(PortalUser).where(PortalUser.tenant_id == row.tenant_id, PortalUser.email == row.email)
        )
        if user is None:
            raise AccountError("bad_token", "this link is invalid, used or expired")
        user.password_hash = HASHER.hash(password)
        await session.execute(delete(PortalSession).where(PortalSession.user_id == user.id))
        await session.execute(delete(LoginFailure).where(LoginFailure.email == row.email))


async def list_users(db: Database, tenant_id: str) -> list[User]:
    """The tenant's users, by email."""
    async with db.read() as session:
        rows = (
            await session.scalars(
                select(PortalUser).where(PortalUser.tenant_id == tenant_id).order_by(PortalUser.email)
            )
        ).all()
    return [user_of(r) for r in rows]

"""Portal logins and sessions (CONTRACT section 12): a login with lockout issues a session; a session id
from the cookie names its user; logging out ends it.

* Lockout: `LOCK_FAILURES` failed logins for an email within `LOCK_WINDOW` refuse further logins for
  that email until the window has passed (OWASP authentication cheat sheet: throttle per account).
* A login always costs one argon2 verification, against a fixed dummy hash when the email is unknown,
  so the answer's timing does not tell whether an email has an account.
* A session id is 32 random bytes in the cookie, stored as its SHA-256 with the session's CSRF token;
  a login always issues a new id (no session fixation). Sessions last `SESSION_TTL`.

Every function takes the ``Database`` and an aware ``now`` (UTC).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import cast

from sqlalchemy import delete, func, select

from booking_core.storage.db import Database
from booking_core.storage.portal_models import LoginFailure, PortalSession, PortalUser
from portal.account_rules import (
    DUMMY_HASH,
    LOCK_FAILURES,
    LOCK_WINDOW,
    SESSION_TTL,
    AccountError,
    Role,
    User,
    digest,
    normalise_email,
    user_of,
    verify_password,
)

__all__ = ["end_session", "login", "session_user"]


async def login(db: Database, email: str, password: str, now: datetime) -> tuple[User, str, str]:
    """(user, session id, CSRF token) for a right email and password. Raises AccountError("locked")
    inside a lockout and AccountError("bad_login") otherwise — the same for an unknown email."""
    try:
        email = normalise_email(email)
    except AccountError:
        email = ""
    async with db.read() as session:
        failures = await session.scalar(
            select(func.count())
            .select_from(LoginFailure)
            .where(LoginFailure.email == email, LoginFailure.at > now - LOCK_WINDOW)
        )
        users = (await session.scalars(select(PortalUser).where(PortalUser.email == email))).all() if email else []
    password = password if isinstance(password, str) else ""
    matched = [u for u in users if verify_password(u.password_hash, password)] if users else []
    if not users:
        verify_password(DUMMY_HASH, password)  # the same work as for a known email
    if (failures or 0) >= LOCK_FAILURES:
        raise AccountError("locked", "too many failed logins; try again in 15 minutes")
    if not matched:
        async with db.write() as session:
            session.add(LoginFailure(email=email or "-", at=now))
        raise AccountError("bad_login", "email or password is wrong")
    user = matched[0]
    session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    async with db.write() as session:
        await session.execute(delete(PortalSession).where(PortalSession.expires_at <= now))
        session.add(
            PortalSession(
                id_sha256=digest(session_id),
                user_id=user.id,
                csrf_token=csrf,
                created_at=now,
                expires_at=now + SESSION_TTL,
            )
        )
    return user_of(user), session_id, csrf


async def session_user(db: Database, session_id: str | None, now: datetime) -> tuple[User, str] | None:
    """(user, CSRF token) of a live session id from a cookie, else None."""
    if not session_id:
        return None
    async with db.read_connection() as conn:  # every page asks: plain columns, no ORM session (bench_portal.py)
        row = (
            await conn.execute(
                select(
                    PortalUser.id,
                    PortalUser.tenant_id,
                    PortalUser.email,
                    PortalUser.role,
                    PortalUser.lang,
                    PortalSession.csrf_token,
                )
                .join(PortalSession, PortalSession.user_id == PortalUser.id)
                .where(PortalSession.id_sha256 == digest(session_id), PortalSession.expires_at > now)
            )
        ).first()
    return (User(row[0], row[1], row[2], cast(Role, row[3]), row[4]), row[5]) if row else None


async def end_session(db: Database, session_id: str | None) -> None:
    """Log out: the session row is deleted (the cookie is then worthless)."""
    if session_id:
        async with db.write() as session:
            await session.execute(delete(PortalSession).where(PortalSession.id_sha256 == digest(session_id)))

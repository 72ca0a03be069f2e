"""Portal accounts: invitations, password resets, logins with lockout, sessions (CONTRACT section 12).

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

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update

from booking_core.storage.db import Database, affected_rows
from booking_core.storage.portal_models import LoginFailure, PortalSession, PortalToken, PortalUser
from portal.mail import queue_email

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

Role = Literal["owner", "staff"]
TOKEN_TTL = timedelta(hours=24)
SESSION_TTL = timedelta(hours=12)
LOCK_FAILURES = 10
LOCK_WINDOW = timedelta(minutes=15)
MIN_PASSWORD = 10
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("slotline-dummy-password-for-constant-time")


class AccountError(ValueError):
    """A refused account action; ``code`` is stable (bad_email, bad_role, already_user, bad_token,
    weak_password, locked, bad_login), the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class User:
    """A logged-in portal user as the pages see them."""

    id: int
    tenant_id: str
    email: str
    role: Role
    lang: str


def digest(token: str) -> str:
    """SHA-256 hex of a token or session id: what the database keeps instead of the secret."""
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    """Lower-cased, stripped; raises AccountError("bad_email") when it is not an address."""
    cleaned = (email or "").strip().lower()
    if not _EMAIL.match(cleaned) or len(cleaned) > 254:
        raise AccountError("bad_email", "not an email address")
    return cleaned


def _user(row: PortalUser) -> User:
    return User(row.id, row.tenant_id, row.email, row.role, row.lang)  # type: ignore[arg-type]


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


def _check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD or len(password) > 1024:
        raise AccountError("weak_password", f"a password needs at least {MIN_PASSWORD} characters")


async def accept_invitation(db: Database, token: str, password: str, now: datetime) -> User:
    """Create the invited user with ``password``; the token is used up. Raises AccountError bad_token |
    weak_password | already_user."""
    _check_password(password)
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
            password_hash=_HASHER.hash(password),
            created_at=now,
        )
        session.add(user)
        await session.flush()
        return _user(user)


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
    _check_password(password)
    row = await _take_token(db, token, "reset", now)
    async with db.write() as session:
        user = await session.scalar(
            select(PortalUser).where(PortalUser.tenant_id == row.tenant_id, PortalUser.email == row.email)
        )
        if user is None:
            raise AccountError("bad_token", "this link is invalid, used or expired")
        user.password_hash = _HASHER.hash(password)
        await session.execute(delete(PortalSession).where(PortalSession.user_id == user.id))
        await session.execute(delete(LoginFailure).where(LoginFailure.email == row.email))


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


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
    matched = [u for u in users if _verify(u.password_hash, password)] if users else []
    if not users:
        _verify(_DUMMY_HASH, password)  # the same work as for a known email
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
    return _user(user), session_id, csrf


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


async def list_users(db: Database, tenant_id: str) -> list[User]:
    """The tenant's users, by email."""
    async with db.read() as session:
        rows = (
            await session.scalars(
                select(PortalUser).where(PortalUser.tenant_id == tenant_id).order_by(PortalUser.email)
            )
        ).all()
    return [_user(r) for r in rows]

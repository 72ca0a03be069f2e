"""Tables of the staff portal (CONTRACT section 12): users, their one-time tokens, sessions, login
attempts.

Secrets are never stored: an invitation or reset token and a session id are kept only as their SHA-256
(hex), so a copy of the database lets nobody in. Passwords are argon2 hashes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from booking_core.storage.models import Base

__all__ = ["LoginFailure", "PortalSession", "PortalToken", "PortalUser"]


class PortalUser(Base):
    """A person of one tenant who may log in. ``role`` owner | staff; ``lang`` de | en (the UI's)."""

    __tablename__ = "portal_users"
    __table_args__ = (UniqueConstraint("tenant_id", "email"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(64), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)  # lower-cased
    role: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(8), default="de")
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]


class PortalToken(Base):
    """A one-time link: ``kind`` invitation | reset. Valid until ``expires_at`` (24 h), once.

    At most one pending invitation per (tenant, email): a partial unique index over rows neither used
    nor revoked (a new invitation revokes the old one in the same transaction).
    """

    __tablename__ = "portal_tokens"
    __table_args__ = (
        Index(
            "uq_portal_tokens_pending",
            "tenant_id",
            "email",
            "kind",
            unique=True,
            sqlite_where=text("used_at IS NULL AND revoked_at IS NULL"),
            postgresql_where=text("used_at IS NULL AND revoked_at IS NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    email: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(8), default="de")
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class PortalSession(Base):
    """A logged-in browser: the cookie holds the id, the table its SHA-256 and the CSRF token."""

    __tablename__ = "portal_sessions"
    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LoginFailure(Base):
    """A failed login for an email (known or not), for the lockout window (10 in 15 minutes)."""

    __tablename__ = "portal_login_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    at: Mapped[datetime] = mapped_column(index=True)

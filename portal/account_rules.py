"""The rules every portal account function shares: the words (roles, errors, the user the pages see),
the limits, how secrets are kept (SHA-256 digests, argon2id hashes) and how an email is read.

Rules (and where they come from): see `portal.accounts`; the numbers live here:

* A one-time token is valid 24 hours (`TOKEN_TTL`); a session lasts 12 hours (`SESSION_TTL`).
* Passwords: argon2id (argon2-cffi's defaults, RFC 9106), at least 10 characters (`MIN_PASSWORD`).
* Lockout: 10 failed logins for an email within 15 minutes (`LOCK_FAILURES`, `LOCK_WINDOW`; OWASP
  authentication cheat sheet: throttle per account).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from booking_core.storage.portal_models import PortalUser

__all__ = [
    "DUMMY_HASH",
    "HASHER",
    "LOCK_FAILURES",
    "LOCK_WINDOW",
    "MIN_PASSWORD",
    "SESSION_TTL",
    "TOKEN_TTL",
    "AccountError",
    "Role",
    "User",
    "check_password",
    "digest",
    "normalise_email",
    "user_of",
    "verify_password",
]

Role = Literal["owner", "staff"]
TOKEN_TTL = timedelta(hours=24)
SESSION_TTL = timedelta(hours=12)
LOCK_FAILURES = 10
LOCK_WINDOW = timedelta(minutes=15)
MIN_PASSWORD = 10
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
HASHER = PasswordHasher()
DUMMY_HASH = HASHER.hash("slotline-dummy-password-for-constant-time")


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


def user_of(row: PortalUser) -> User:
    """The pages' view of a stored user."""
    return User(row.id, row.tenant_id, row.email, row.role, row.lang)  # type: ignore[arg-type]


def check_password(password: str) -> None:
    """Raises AccountError("weak_password") for a password too short (or absurdly long, or not text)."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD or len(password) > 1024:
        raise AccountError("weak_password", f"a password needs at least {MIN_PASSWORD} characters")


def verify_password(hashed: str, password: str) -> bool:
    """Whether `password` matches the argon2 `hashed`; a malformed hash is a mismatch."""
    try:
        return HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False

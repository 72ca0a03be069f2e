"""Database URLs: the default, and the async drivers picked for plain URLs.

Kept apart from `db.py` so that settings (and so every CLI start, including the supervisor of the
server's worker processes) can know the default without importing SQLAlchemy.
"""

from __future__ import annotations

__all__ = ["SQLITE_DEFAULT", "normalise_url"]

SQLITE_DEFAULT = "sqlite+aiosqlite:///var/slotline.db"


def normalise_url(url: str) -> str:
    """Accept plain `postgresql://` and `sqlite://` URLs and pick the async drivers."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.startswith("sqlite://") and not url.startswith("sqlite+aiosqlite://"):
        return "sqlite+aiosqlite://" + url.split("://", 1)[1]
    return url

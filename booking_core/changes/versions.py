"""Optimistic locking of appointment changes: a change based on what someone saw (a portal form, an
answer) names the `version` it saw, and is refused with ChangedMeanwhile when the stored one differs.

Both checks run inside the change's own write transaction, so there is no gap between checking and
writing: `check` compares the row as read in that transaction, and the row's UPDATE is a
compare-and-set (`version_id_col` on `Appointment`: ``UPDATE ... WHERE version = <read>``), so a writer
that committed between our read and our update leaves it matching no row; SQLAlchemy raises
StaleDataError, the transaction rolls back and `compare_and_set` turns it into ChangedMeanwhile.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.orm.exc import StaleDataError

from booking_core.errors import ChangedMeanwhile
from booking_core.storage import models as m

__all__ = ["check", "compare_and_set"]


def check(appt: m.Appointment, expected_version: int | None) -> None:
    """Raise ChangedMeanwhile when `expected_version` is given and is not the row's version."""
    if expected_version is not None and appt.version != expected_version:
        raise ChangedMeanwhile(expected_version, appt.version)


@asynccontextmanager
async def compare_and_set(expected_version: int | None) -> AsyncIterator[None]:
    """Wrap a write transaction: a lost compare-and-set (StaleDataError: another writer changed the row
    after we read it) becomes ChangedMeanwhile(expected, None). Without an expected version it is
    re-raised as it is (no caller asked for the check; the write still never overwrites unseen)."""
    try:
        yield
    except StaleDataError:
        if expected_version is None:
            raise
        raise ChangedMeanwhile(expected_version, None) from None

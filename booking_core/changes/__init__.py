"""Changes to the calendar, one module per use case: booking (`book`), moving (`move`), cancelling
(`cancel`), status transitions and time moving appointments along (`status`), and the policy check
cancelling and moving share (`allowance`).

Every change is one write transaction: on PostgreSQL it first takes the per-staff advisory locks of
every staff member it might write for, then re-checks, then writes; the exclusion constraint on
staff-busy segments is the last guard (an IntegrityError becomes SlotUnavailable("taken")). On SQLite
the write transaction is BEGIN IMMEDIATE, so writers are serialised anyway. A refusal found inside
the transaction is raised as `Refused`, and the alternatives are computed afterwards on a read
session, so locks are held only as long as the decision needs. Each change writes its audit row and
outbox messages in the same transaction (`booking_core.records`).
"""

from __future__ import annotations

from booking_core.refusals import Refusal

__all__ = ["Refused"]


class Refused(Exception):
    """A change refused inside its transaction (rolled back); `refusal` is what the caller is told."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.code)
        self.refusal = refusal

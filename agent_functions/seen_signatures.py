"""Replay protection: a webhook signature is accepted once.

A signature binds body and timestamp, and the timestamp must be within five minutes of our clock, so
an eavesdropper could otherwise resend a captured request (a booking, a cancellation) inside that
window. Voice platforms sign each retry anew, so refusing a repeated signature never refuses an honest
retry; retries are made harmless by the per-call answer cache in `dispatch`.

The set is kept in the database because every server process must see it; rows older than the
signature window can never match an acceptable request again and are deleted by `housekeeping`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam

from agent_functions.signature import MAX_SKEW_MS
from booking_core.storage.db import Database
from booking_core.storage.edge_models import SeenSignature

# A timestamp may be this far from our clock on either side, so a digest matters for twice as long.
WINDOW = timedelta(milliseconds=MAX_SKEW_MS)


class SeenSignatures:
    def __init__(self, db: Database) -> None:
        self.db = db
        # Built once: this runs on every request, and building the statement cost as much as running it.
        self._record = db.insert(SeenSignature).values(digest=bindparam("digest"), signed_at=bindparam("signed_at")) \
            .on_conflict_do_nothing(index_elements=["digest"])

    async def first_use(self, digest: str, signed_at: datetime) -> bool:
        """Record `digest`; False when it was recorded before (the request is a replay)."""
        async with self.db.write_connection() as conn:
            return (await conn.execute(self._record, {"digest": digest, "signed_at": signed_at})).rowcount == 1

"""Byte-identical copies of a signed function call are retries: answered as the first one was.

A signature binds body and timestamp (HMAC), so two requests with the same digest are the same bytes
sent twice: a voice platform's retry that was not re-signed (Retell's webhooks retry up to 3 times
without a 2xx within 10 s; whether it re-signs is not documented), or a captured request sent again
within the five-minute window. Either way the copy of a call that wrote (booked, moved, cancelled,
asked for a callback) gets the first call's stored answer and nothing is executed twice (CONTRACT
section 14); it is never refused. Copies of anything else are handled again (see `signed_webhook`).
An altered body or a stale or future timestamp fails `signature.verify` first and stays 401.

An answer is kept only once its request was handled, and only when it wrote (`worth_keeping`): a copy
of a request that failed (the database was down: an apology) is handled afresh. Only write functions
can write, so only they look for and keep answers, in `dispatch`: with a call id, the digest is
checked by the same statement that claims the request and kept in the transaction that stores its
answer (`stores.claims`); without one, through `answer_for` and `remember` here. Two copies arriving
together both run into `dispatch`, where the first claims the request per call and the others wait
for its answer.

Kept in the database because every server process must find the answer; rows older than the signature
window can never match an acceptable request again and are deleted by `housekeeping`. A failed lookup
raises (the request is answered as any request during a database fault: an apology, or 503 for an
event) rather than waiting out a second database timeout in the handler; keeping an answer is best
effort (the caller has its answer; a later copy would be handled afresh).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import structlog

from agent_functions.dispatch import WRITTEN
from agent_functions.signature import MAX_SKEW_MS
from agent_functions.stores.signatures import SignatureStore
from booking_core.storage.db import Database

log = structlog.get_logger("slotline.signatures")
# A timestamp may be this far from our clock on either side, so a digest matters for twice as long.
WINDOW = timedelta(milliseconds=MAX_SKEW_MS)


def worth_keeping(status: int, answer: dict[str, Any]) -> bool:
    """HTTP 200 answers that wrote (dispatch.WRITTEN); everything else is as good handled again."""
    return status == 200 and answer.get("status") in WRITTEN


class SeenSignatures:
    """The answers to handled requests, by signature digest (`stores.signatures` holds the SQL)."""

    def __init__(self, db: Database) -> None:
        self.store = SignatureStore(db)

    async def answer_for(self, digest: str) -> tuple[int, dict[str, Any]] | None:
        """(HTTP status, JSON body) of the request this one is a copy of; None for a first request.
        Database errors propagate."""
        return await self.store.answer(digest)

    async def remember(self, digest: str, signed_at: datetime, status: int, answer: dict[str, Any]) -> None:
        """Keep the answer for copies of this request, if it is worth repeating."""
        if not worth_keeping(status, answer):
            return
        try:
            await self.store.record(digest, signed_at, status, answer)
        except Exception:
            log.warning("answer not kept for retries", exc_info=True)

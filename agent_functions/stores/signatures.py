"""SQL on `seen_signatures`: the answer given to each handled signed request, by signature digest."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select

from booking_core.storage.db import Database
from booking_core.storage.edge_models import SeenSignature


class SignatureStore:
    """Statements built once per database (every webhook request runs one or two of them)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._answer = select(SeenSignature.status, SeenSignature.answer).where(
            SeenSignature.digest == bindparam("digest")
        )
        self._record = (
            db.insert(SeenSignature)
            .values(
                digest=bindparam("digest"),
                signed_at=bindparam("signed_at"),
                status=bindparam("status"),
                answer=bindparam("answer"),
            )
            .on_conflict_do_nothing(index_elements=["digest"])
        )

    async def answer(self, digest: str) -> tuple[int, dict[str, Any]] | None:
        """(HTTP status, JSON body) given to the request signed with `digest`; None when it was not
        answered yet (or on a row from before answers were kept)."""
        async with self.db.read_connection() as conn:
            row = (await conn.execute(self._answer, {"digest": digest})).first()
        if row is None or row.status is None or row.answer is None:
            return None
        return int(row.status), row.answer

    async def record(self, digest: str, signed_at: datetime, status: int, answer: dict[str, Any]) -> bool:
        """Keep the answer to `digest`; False when a copy's answer was kept first (that one stays)."""
        async with self.db.write_connection() as conn:
            result = await conn.execute(
                self._record, {"digest": digest, "signed_at": signed_at, "status": status, "answer": answer}
            )
        return result.rowcount == 1

    async def delete_signed_before(self, before: datetime) -> int:
        """Forget requests signed before `before` (how many)."""
        async with self.db.write_connection() as conn:
            return (await conn.execute(delete(SeenSignature).where(SeenSignature.signed_at < before))).rowcount or 0

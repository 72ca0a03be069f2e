"""SQL of idempotent write functions: claims on requests in flight (`function_claims`) and the stored
answers of requests that wrote (`function_results`). The rules (who waits, for how long, which answers
are kept) are `agent_functions.dispatch`'s; this module only reads and writes the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, delete, select, update

from booking_core.storage import models as m
from booking_core.storage.db import Database
from booking_core.storage.edge_models import FunctionClaim


@dataclass(frozen=True)
class RequestId:
    """One request of one call, whatever copy of it: the key of its stored answer and of its claim."""

    tenant_id: str
    call_id: str
    key: str  # sha256 hex of the canonical function, mode and arguments


@dataclass(frozen=True)
class Claimed:
    """What trying to claim a request gave: the stored answer (`answer`), the claim (`token`), or
    neither (another copy holds a live claim)."""

    answer: dict[str, Any] | None = None
    token: str | None = None


def _is_result(request: RequestId) -> tuple[Any, ...]:
    return (
        m.FunctionResult.tenant_id == request.tenant_id,
        m.FunctionResult.call_id == request.call_id,
        m.FunctionResult.request_key == request.key,
    )


def _is_claim(request: RequestId) -> tuple[Any, ...]:
    return (
        FunctionClaim.tenant_id == request.tenant_id,
        FunctionClaim.call_id == request.call_id,
        FunctionClaim.request_key == request.key,
    )


async def peek(db: Database, request: RequestId) -> tuple[dict[str, Any] | None, datetime | None]:
    """The stored answer, and until when a claim on the request runs (reads only: waiting copies poll this)."""
    async with db.read() as session:
        answer = await session.scalar(select(m.FunctionResult.response).where(*_is_result(request)))
        if answer is not None:
            return answer, None
        return None, await session.scalar(select(FunctionClaim.expires_at).where(*_is_claim(request)))


async def claim(db: Database, request: RequestId, token: str, now: datetime, ttl: timedelta) -> Claimed:
    """Claim the request with `token` until `now + ttl` (a new claim, or one that expired before `now`:
    its owner died); the stored answer instead if one was stored meanwhile."""
    async with db.write() as session:
        inserted: CursorResult[Any] = await session.execute(  # type: ignore[assignment]  # DML gives a CursorResult
            db.insert(FunctionClaim)
            .values(
                tenant_id=request.tenant_id,
                call_id=request.call_id,
                request_key=request.key,
                token=token,
                expires_at=now + ttl,
            )
            .on_conflict_do_nothing()
        )
        if inserted.rowcount != 1:
            taken: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
                update(FunctionClaim)
                .where(*_is_claim(request), FunctionClaim.expires_at <= now)
                .values(token=token, expires_at=now + ttl)
            )
            if taken.rowcount != 1:
                return Claimed()
        # Checked after claiming: the previous owner stores its answer and drops its claim in one transaction.
        answer = await session.scalar(select(m.FunctionResult.response).where(*_is_result(request)))
        if answer is not None:
            await session.execute(delete(FunctionClaim).where(*_is_claim(request), FunctionClaim.token == token))
            return Claimed(answer=answer)
    return Claimed(token=token)


async def settle(db: Database, request: RequestId, token: str, answer: dict[str, Any] | None, now: datetime) -> None:
    """Store `answer` (when given, for every later copy) and give up the claim, in one transaction."""
    async with db.write() as session:
        if answer is not None:
            await session.execute(
                db.insert(m.FunctionResult)
                .values(
                    tenant_id=request.tenant_id,
                    call_id=request.call_id,
                    request_key=request.key,
                    response=answer,
                    created_at=now,
                )
                .on_conflict_do_nothing()
            )
        await session.execute(delete(FunctionClaim).where(*_is_claim(request), FunctionClaim.token == token))


async def delete_expired(db: Database, before: datetime) -> int:
    """Delete claims that expired before `before` (their owners died long ago); how many."""
    async with db.write_connection() as conn:
        return (await conn.execute(delete(FunctionClaim).where(FunctionClaim.expires_at < before))).rowcount or 0

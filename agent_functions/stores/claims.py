"""SQL of idempotent write functions: claims on requests in flight (`function_claims`) and the stored
answers of requests that wrote (`function_results`, and by signature digest `seen_signatures`). The
rules (who waits, for how long, which answers are kept) are `agent_functions.dispatch`'s; this module
only reads and writes the rows.

The first copy of a request costs one statement on arrival (`claim_unanswered`: the claim, unless an
answer is stored by request or by signature digest; on PostgreSQL one more read, below) and one
atomic write at the end (`settle`: its answer under both keys, the claim given up; one statement on
PostgreSQL, one transaction on SQLite).

Why the read after a claim on PostgreSQL: a copy whose claim statement runs while the first copy
settles (its answer stored and its claim deleted in one transaction) waits on the deleted claim and
then inserts its own, but the statement's snapshot was taken before the answer was committed. A new
statement sees it. SQLite runs one writer at a time, so its claim statement runs wholly before or
after a settle, and needs no second look.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Exists, delete, exists, literal, select

from booking_core.storage import models as m
from booking_core.storage.db import Database
from booking_core.storage.edge_models import FunctionClaim, SeenSignature


@dataclass(frozen=True)
class Signed:
    """The signature of the request being handled: copies of it carry the same digest."""

    digest: str
    signed_at: datetime


@dataclass(frozen=True)
class RequestId:
    """One request of one call, whatever copy of it: the key of its stored answer and of its claim."""

    tenant_id: str
    call_id: str
    key: str  # sha256 hex of the canonical function, mode and arguments


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


def _seen(signed: Signed | None) -> Exists | None:
    if signed is None:
        return None
    return exists().where(
        SeenSignature.digest == signed.digest, SeenSignature.status == 200, SeenSignature.answer.is_not(None)
    )


@dataclass(frozen=True)
class Claimed:
    """What trying to claim a request gave: the claim (`token`), the answer stored meanwhile
    (`answer`), or neither (an answer was stored before, or another copy holds a live claim)."""

    token: str | None = None
    answer: dict[str, Any] | None = None


async def claim_unanswered(
    db: Database, request: RequestId, signed: Signed | None, token: str, now: datetime, ttl: timedelta
) -> Claimed:
    """Claim the request with `token` until `now + ttl` in one statement: a new claim, or one that
    expired before `now` (its owner died); nothing when an answer is stored for the request or for
    `signed`'s digest, or another copy holds a live claim."""
    unanswered = ~exists().where(*_is_result(request))
    seen = _seen(signed)
    if seen is not None:
        unanswered = unanswered & ~seen
    columns = FunctionClaim.__table__.c
    values = select(
        literal(request.tenant_id, columns.tenant_id.type),
        literal(request.call_id, columns.call_id.type),
        literal(request.key, columns.request_key.type),
        literal(token, columns.token.type),
        literal(now + ttl, columns.expires_at.type),
    ).where(unanswered)
    statement = db.insert(FunctionClaim).from_select(
        ["tenant_id", "call_id", "request_key", "token", "expires_at"], values
    )
    statement = statement.on_conflict_do_update(
        index_elements=["tenant_id", "call_id", "request_key"],
        set_={"token": statement.excluded.token, "expires_at": statement.excluded.expires_at},
        where=FunctionClaim.expires_at <= now,
    ).returning(FunctionClaim.token)
    async with db.single_write() as conn:
        if (await conn.execute(statement)).first() is None:
            return Claimed()
    if not db.is_postgres:
        return Claimed(token=token)
    async with db.read_connection() as conn:  # see the module's docstring
        answer = await conn.scalar(select(m.FunctionResult.response).where(*_is_result(request)))
    if answer is None:
        return Claimed(token=token)
    async with db.single_write() as conn:
        await conn.execute(delete(FunctionClaim).where(*_is_claim(request), FunctionClaim.token == token))
    return Claimed(answer=answer)


async def peek(
    db: Database, request: RequestId, signed: Signed | None = None
) -> tuple[dict[str, Any] | None, datetime | None, bool]:
    """The stored answer (by `signed`'s digest, else by request), until when a claim on the request runs,
    and whether the answer was found by digest (a byte-identical copy). Reads only: waiting copies poll this."""
    async with db.read() as session:
        if signed is not None:
            by_digest = await session.scalar(
                select(SeenSignature.answer).where(
                    SeenSignature.digest == signed.digest,
                    SeenSignature.status == 200,
                    SeenSignature.answer.is_not(None),
                )
            )
            if by_digest is not None:
                return by_digest, None, True
        answer = await session.scalar(select(m.FunctionResult.response).where(*_is_result(request)))
        if answer is not None:
            return answer, None, False
        return None, await session.scalar(select(FunctionClaim.expires_at).where(*_is_claim(request))), False


async def settle(
    db: Database,
    request: RequestId,
    token: str,
    answer: dict[str, Any] | None,
    now: datetime,
    signed: Signed | None = None,
) -> None:
    """Store `answer` (when given) for every later copy, by request and by `signed`'s digest (HTTP status
    200), and give up the claim, atomically: on PostgreSQL one statement in autocommit (the claim's
    DELETE and the answer's INSERTs as data-modifying CTEs: one round trip instead of five), on SQLite
    one transaction."""
    give_up = delete(FunctionClaim).where(*_is_claim(request), FunctionClaim.token == token)
    if answer is None:
        async with db.single_write() as conn:
            await conn.execute(give_up)
        return
    keep = (
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
    seen = (
        None
        if signed is None
        else db.insert(SeenSignature)
        .values(digest=signed.digest, signed_at=signed.signed_at, status=200, answer=answer)
        .on_conflict_do_nothing(index_elements=["digest"])
    )
    if db.is_postgres:
        # CTEs run on one snapshot and touch three tables independently: the same rows as three statements
        statement = (
            keep.add_cte(give_up.cte("gone")) if seen is None else seen.add_cte(give_up.cte("gone"), keep.cte("kept"))
        )
        async with db.single_write() as conn:
            await conn.execute(statement)
        return
    async with db.write_connection() as conn:
        await conn.execute(give_up)
        await conn.execute(keep)
        if seen is not None:
            await conn.execute(seen)


async def delete_expired(db: Database, before: datetime) -> int:
    """Delete claims that expired before `before` (their owners died long ago); how many."""
    async with db.write_connection() as conn:
        return (await conn.execute(delete(FunctionClaim).where(FunctionClaim.expires_at < before))).rowcount or 0

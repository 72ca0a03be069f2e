"""The claim on a write request (issue 20, point 4): the replay check (an answer stored by request or by
signature digest) and the claim are one statement on both engines; what it decides is what the claim
decided before (a live claim blocks, an expired one is taken over, an answer is found, a released claim
is free again)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from agent_functions.bench.round_trips import COUNTING, RoundTrips
from agent_functions.stores import claims
from agent_functions.stores.claims import RequestId, Signed
from booking_core.storage.db import Database
from booking_core.storage.edge_models import SeenSignature

NOW = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
TTL = timedelta(seconds=10)
REQUEST = RequestId("t0", "call_1", "a" * 64)
SIGNED = Signed("d" * 64, NOW)
BOOKED = {"status": "booked", "message": "Gebucht.", "data": {}}


async def test_a_first_copy_claims_in_one_statement(db: Database):
    counter = RoundTrips(db)
    token = COUNTING.set(True)
    try:
        claimed = await claims.claim_unanswered(db, REQUEST, SIGNED, "tok1", NOW, TTL)
    finally:
        COUNTING.reset(token)
    assert claimed == claims.Claimed(token="tok1")
    statements = [s for s in counter.take() if s not in ("BEGIN", "COMMIT", "ROLLBACK")]
    # One statement claims (and checks both stored answers); PostgreSQL reads once more (see stores.claims).
    expected = ["INSERT function_claims"] + (["SELECT function_results"] if db.is_postgres else [])
    assert statements == expected


async def test_a_live_claim_blocks_and_an_expired_one_is_taken_over(db: Database):
    assert (await claims.claim_unanswered(db, REQUEST, None, "tok1", NOW, TTL)).token == "tok1"
    assert await claims.claim_unanswered(db, REQUEST, None, "tok2", NOW + timedelta(seconds=5), TTL) == claims.Claimed()
    answer, until, _ = await claims.peek(db, REQUEST)
    assert answer is None and until is not None and until > NOW + timedelta(seconds=5)
    later = NOW + TTL + timedelta(seconds=1)  # the first owner died
    assert (await claims.claim_unanswered(db, REQUEST, None, "tok3", later, TTL)).token == "tok3"


async def test_a_settled_answer_is_found_and_no_claim_is_made(db: Database):
    assert (await claims.claim_unanswered(db, REQUEST, SIGNED, "tok1", NOW, TTL)).token == "tok1"
    await claims.settle(db, REQUEST, "tok1", BOOKED, NOW, SIGNED)
    assert await claims.claim_unanswered(db, REQUEST, SIGNED, "tok2", NOW, TTL) == claims.Claimed()
    assert await claims.peek(db, REQUEST, SIGNED) == (BOOKED, None, True)
    assert await claims.peek(db, REQUEST) == (BOOKED, None, False)  # a re-signed retry: by request
    # Kept by digest too, in the same transaction: a byte-identical copy finds it that way as well.
    other = RequestId("t0", "call_1", "b" * 64)
    assert await claims.claim_unanswered(db, other, SIGNED, "tok3", NOW, TTL) == claims.Claimed()
    assert await claims.peek(db, other, SIGNED) == (BOOKED, None, True)
    assert (await claims.claim_unanswered(db, other, None, "tok4", NOW, TTL)).token == "tok4"


async def test_an_answer_kept_only_by_digest_blocks_the_claim(db: Database):
    async with db.write() as session:
        session.add(SeenSignature(digest=SIGNED.digest, signed_at=NOW, status=200, answer=BOOKED))
    assert await claims.claim_unanswered(db, REQUEST, SIGNED, "tok1", NOW, TTL) == claims.Claimed()
    assert await claims.peek(db, REQUEST, SIGNED) == (BOOKED, None, True)


async def test_a_claim_released_without_an_answer_is_free_again(db: Database):
    assert (await claims.claim_unanswered(db, REQUEST, SIGNED, "tok1", NOW, TTL)).token == "tok1"
    await claims.settle(db, REQUEST, "tok1", None, NOW, SIGNED)
    assert await claims.peek(db, REQUEST, SIGNED) == (None, None, False)
    assert (await claims.claim_unanswered(db, REQUEST, SIGNED, "tok2", NOW, TTL)).token == "tok2"

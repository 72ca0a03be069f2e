"""Housekeeping deletes holds, accepted signatures and retry claims once they cannot matter, and
nothing that still can."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from agent_functions.bootstrap import build_services
from agent_functions.housekeeping import sweep
from agent_functions.settings import Settings
from booking_core.clock import FrozenClock
from booking_core.storage import models as m
from booking_core.storage.call_log_models import FunctionCallRecord
from booking_core.storage.edge_models import FunctionClaim, SeenSignature
from booking_core.tenant_file import read_tenant_file
from booking_core.tenant_store import save_tenant

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def record(call_id: str, at: datetime) -> FunctionCallRecord:
    return FunctionCallRecord(
        tenant_id="demo-salon",
        call_id=call_id,
        at=at,
        name="ping",
        function="ping",
        args={},
        call={},
        status="ok",
        response={"status": "ok"},
        ms=1.0,
    )


def hold(call_id: str, expires_at: datetime) -> m.Hold:
    return m.Hold(
        id=call_id,
        tenant_id="demo-salon",
        call_id=call_id,
        service_id="herrenhaarschnitt",
        staff_id="fabian",
        start=NOW + timedelta(days=1),
        end=NOW + timedelta(days=1, minutes=30),
        segments=[],
        expires_at=expires_at,
        created_at=NOW - timedelta(hours=1),
    )


async def test_sweep_deletes_only_what_expired(database_url: str) -> None:
    services = build_services(Settings(database_url=database_url), FrozenClock(NOW))
    real_now = datetime.now(UTC)
    try:
        await save_tenant(services.db, read_tenant_file("fixtures/tenants/demo-salon.yaml"), NOW)
        async with services.db.write() as session:
            session.add_all(
                [
                    hold("gone", NOW - timedelta(minutes=5)),
                    hold("just-expired", NOW - timedelta(seconds=10)),
                    hold("live", NOW + timedelta(minutes=3)),
                ]
            )
            session.add_all(
                [
                    SeenSignature(digest="old", signed_at=NOW - timedelta(minutes=20)),
                    SeenSignature(digest="recent", signed_at=NOW - timedelta(minutes=4)),
                ]
            )
            session.add_all(
                [
                    FunctionClaim(
                        tenant_id="demo-salon",
                        call_id="c1",
                        request_key="dead",
                        token="t",
                        expires_at=real_now - timedelta(minutes=5),
                    ),
                    FunctionClaim(
                        tenant_id="demo-salon",
                        call_id="c1",
                        request_key="running",
                        token="t",
                        expires_at=real_now + timedelta(seconds=10),
                    ),
                ]
            )
            # The call log keeps SLOTLINE_CALL_RECORD_DAYS (default 90) days.
            session.add_all(
                [record("old", NOW - timedelta(days=90, seconds=1)), record("kept", NOW - timedelta(days=89))]
            )
        assert await sweep(services) == {
            "holds": 1,
            "signatures": 1,
            "claims": 1,
            "function_calls": 1,
            "package_cards_lapsed": 0,
        }
        async with services.db.read() as session:
            assert set(await session.scalars(select(m.Hold.call_id))) == {"just-expired", "live"}
            assert set(await session.scalars(select(SeenSignature.digest))) == {"recent"}
            assert set(await session.scalars(select(FunctionClaim.request_key))) == {"running"}
            assert set(await session.scalars(select(FunctionCallRecord.call_id))) == {"kept"}
        assert await sweep(services) == {
            "holds": 0,
            "signatures": 0,
            "claims": 0,
            "function_calls": 0,
            "package_cards_lapsed": 0,
        }
    finally:
        await services.db.dispose()

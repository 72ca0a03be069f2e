"""Loading tenants in bulk (issue 20): the same rows as the row-by-row load, in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from agent_functions.bench.generate import make_bench_tenant
from booking_core.storage import models as m
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig
from booking_core.tenant_store import TenantDirectory, save_tenant, save_tenants
from tests.core.helpers import make_tenant, tenant_doc
from tests.core.reference_tenant_load import save_tenant_row_by_row

NOW = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 17, 9, 30, tzinfo=UTC)
TABLES = (
    m.Tenant,
    m.Service,
    m.StaffMember,
    m.ServiceSegment,
    m.StaffService,
    m.WeeklyHours,
    m.Absence,
    m.Closure,
    m.PhoneNumber,
    m.AgentRoute,
)
SURROGATE = {"weekly_hours": "id", "absences": "id", "closures": "id"}  # autoincrement ids differ by load order


def first_load() -> list[TenantConfig]:
    salon = make_tenant("t1", phone_numbers=["+4930555000101"], retell_agent_ids=["agent_t1"])
    return [salon, make_bench_tenant("bench-a")]


def second_load() -> list[TenantConfig]:
    """t1 again with a service and a staff member dropped and other hours; a new tenant t2."""
    doc = tenant_doc("t1", phone_numbers=["+4930555000102"], opening_hours={"mon": [["08:00", "12:00"]]})
    doc["services"] = [s for s in doc["services"] if s["id"] != "colour-never"]
    doc["staff"] = [s for s in doc["staff"] if s["id"] != "ben"]
    return [make_tenant("t2", closures=[]), TenantConfig.model_validate(doc)]


async def snapshot(db: Database) -> dict[str, list[str]]:
    """Every row of the tenant tables as sorted text, autoincrement ids left out."""
    out: dict[str, list[str]] = {}
    async with db.read() as session:
        for model in TABLES:
            table = model.__table__
            columns = [c for c in table.columns if c.name != SURROGATE.get(table.name)]
            rows = (await session.execute(select(*columns))).all()
            out[table.name] = sorted(repr(tuple(row)) for row in rows)
    return out


async def wipe(db: Database, tenant_ids: list[str]) -> None:
    async with db.write() as session:
        for model in reversed(TABLES):
            column = model.id if model is m.Tenant else model.tenant_id
            await session.execute(delete(model).where(column.in_(tenant_ids)))


async def test_bulk_load_writes_what_the_row_by_row_load_wrote(db: Database) -> None:
    revisions_by_row: list[dict[str, int]] = []
    for configs, now in ((first_load(), NOW), (second_load(), LATER)):
        revisions_by_row.append({c.id: await save_tenant_row_by_row(db, c, now) for c in configs})
    by_row = await snapshot(db)
    await wipe(db, ["t1", "t2", "bench-a"])
    assert all(not rows for rows in (await snapshot(db)).values())

    revisions_bulk = [await save_tenants(db, first_load(), NOW), await save_tenants(db, second_load(), LATER)]
    bulk = await snapshot(db)

    assert revisions_bulk == revisions_by_row == [{"t1": 1, "bench-a": 1}, {"t2": 1, "t1": 2}]
    assert bulk == by_row
    assert len(bulk["staff_services"]) > 400  # the bench tenant's 30 staff were written, not just t1
    dropped = [row for row in bulk["services"] if row.startswith("('t1', 'colour-never'")]
    assert len(dropped) == 1 and dropped[0].endswith("False)")  # dropped from the file: kept, inactive


async def test_bulk_loaded_tenants_read_back_as_loaded(db: Database) -> None:
    configs = [make_tenant(f"s{i}", phone_numbers=[f"+49305550002{i:02d}"]) for i in range(12)]
    assert await save_tenants(db, configs, NOW) == {c.id: 1 for c in configs}
    directory = TenantDirectory(db)
    for config in configs:
        assert await directory.resolve(to_number=config.phone_numbers[0]) == config
    assert await save_tenant(db, configs[3], LATER) == 2


async def test_a_repeated_id_is_refused_and_nothing_is_written(db: Database) -> None:
    with pytest.raises(ValueError, match="t1"):
        await save_tenants(db, [make_tenant("t1"), make_tenant("t2"), make_tenant("t1")], NOW)
    assert all(not rows for rows in (await snapshot(db)).values())


async def test_a_number_of_another_tenant_fails_the_whole_batch(db: Database) -> None:
    await save_tenant(db, make_tenant("owner", phone_numbers=["+4930555000300"]), NOW)
    before = await snapshot(db)
    clash = [make_tenant("new-one"), make_tenant("thief", phone_numbers=["+4930555000300"])]
    with pytest.raises(IntegrityError):
        await save_tenants(db, clash, LATER)
    assert await snapshot(db) == before

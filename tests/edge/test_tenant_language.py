"""The tenant's matchers (issue 20): built once per catalogue, shared by tenants with the same one,
bounded by SLOTLINE_TENANT_CACHE_SIZE."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent_functions.bootstrap import build_services
from agent_functions.context import AppServices
from agent_functions.envelope import CallInfo
from agent_functions.functions.base import FunctionContext
from agent_functions.settings import Settings
from agent_functions.understanding import tenant_language, understand_service
from booking_core.tenant_config import TenantConfig
from booking_core.tenant_share import share_parts
from tests.core.helpers import make_tenant, tenant_doc


@pytest.fixture
def services(tmp_path: Path) -> Iterator[AppServices]:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/x.db", tenant_cache_size=2)
    yield build_services(settings)


def context(services: AppServices, tenant: TenantConfig) -> FunctionContext:
    return FunctionContext(services, tenant, CallInfo("call_1", "+4915100000001", tenant.phone_numbers[0]))


def test_tenants_with_one_catalogue_share_their_matchers(services: AppServices) -> None:
    a = share_parts(make_tenant("a", phone_numbers=["+4930555000501"]))
    b = share_parts(make_tenant("b", phone_numbers=["+4930555000502"], name="Filiale"))
    assert tenant_language(context(services, a)) is tenant_language(context(services, b))
    assert understand_service(context(services, b), "Haarschnitt").item.id == "cut"


def test_another_catalogue_gets_its_own_and_the_least_recent_is_dropped(services: AppServices) -> None:
    doc = tenant_doc("c", phone_numbers=["+4930555000503"])
    doc["services"][0]["name"] = "Kurzhaarschnitt"
    tenants = [
        share_parts(make_tenant("a", phone_numbers=["+4930555000501"])),
        share_parts(TenantConfig.model_validate(doc)),
        share_parts(make_tenant("d", phone_numbers=["+4930555000504"], staff=[{"id": "zoe", "name": "Zoe"}])),
    ]
    first = tenant_language(context(services, tenants[0]))
    second = tenant_language(context(services, tenants[1]))
    assert first is not second and understand_service(context(services, tenants[1]), "Kurzhaarschnitt").item
    tenant_language(context(services, tenants[2]))  # the third catalogue: the first one is dropped (size 2)
    assert tenant_language(context(services, tenants[1])) is second
    assert tenant_language(context(services, tenants[0])) is not first

"""Selling packages at the edges, on both engines: `POST /admin/packages/sales` over real HTTP (admin
bearer token) and `slotline packages sell|list|expire`; bad input (unknown tenant or package, a phone
that is no number, no token) is a clear error and writes nothing; the tenant check names a package for
a service the tenant does not have."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import aiohttp
import pytest
import yaml
from aiohttp.test_utils import TestServer

from agent_functions.app import create_app
from agent_functions.bootstrap import build_services
from agent_functions.cli import main
from agent_functions.settings import Settings
from booking_core.clock import FrozenClock
from booking_core.packages import balances
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig
from booking_core.tenant_file import read_tenant_file
from booking_core.tenant_store import save_tenant

NOW = datetime.fromisoformat("2026-11-20T10:00:00+01:00")
TOKEN = "admin-secret"
DEMO = Path("fixtures/tenants/demo-salon.yaml")


@pytest.fixture
def salon() -> TenantConfig:
    return read_tenant_file(DEMO)


@pytest.fixture
async def http(database_url: str, salon: TenantConfig) -> AsyncIterator[tuple[str, Database]]:
    services = build_services(
        Settings(database_url=database_url, retell_api_keys=["k"], admin_token=TOKEN), FrozenClock(NOW)
    )
    await save_tenant(services.db, salon, NOW)
    server = TestServer(create_app(services))
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/"), services.db
    finally:
        await server.close()
        await services.db.dispose()


async def _post(url: str, body: object, token: str | None = TOKEN) -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = body if isinstance(body, str) else json.dumps(body)
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            url + "/admin/packages/sales", data=data, headers={**headers, "Content-Type": "application/json"}
        ) as response,
    ):
        return response.status, await response.json()


async def test_admin_sale_answers_the_sale_and_lists_the_balance(http, salon):
    url, _ = http
    status, body = await _post(
        url, {"tenant": "demo-salon", "phone": "0151 0000 0017", "package": "zehnerkarte-herren", "name": "Jonas Weber"}
    )
    assert status == 201
    assert body["credits"] == 10 and body["package"] == {"id": "zehnerkarte-herren", "name": "Zehnerkarte"}
    assert body["expires_at"] == "2027-11-21T00:00:00+01:00"  # valid through 20 November 2027
    assert body["customer"] == {"name": "Jonas Weber", "phone": "+4915100000017"} and body["id"]
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            url + "/admin/packages/sales",
            params={"tenant": "demo-salon", "phone": "+4915100000017"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        ) as response,
    ):
        listed = await response.json()
    assert response.status == 200 and [s["id"] for s in listed["sales"]] == [body["id"]]


async def test_a_retried_sale_with_the_same_idempotency_key_sells_once(http, salon):
    url, db = http
    sale = {"tenant": "demo-salon", "phone": "+4915100000017", "package": "zweierkarte-kinder", "ref": "order-17"}
    answers = await asyncio.gather(*(_post(url, sale) for _ in range(3)))
    assert {status for status, _ in answers} == {201} and len({body["id"] for _, body in answers}) == 1
    _, other = await _post(url, {**sale, "ref": "order-18"})
    assert len(await balances(db, salon, None)) == 2 and other["id"] != answers[0][1]["id"]


@pytest.mark.parametrize(
    ("body", "token", "status", "error"),
    [
        (
            {"tenant": "demo-salon", "phone": "+4915100000017", "package": "zwanzigerkarte"},
            TOKEN,
            400,
            "unknown_package",
        ),
        (
            {"tenant": "demo-salon", "phone": "bitte zurückrufen", "package": "zehnerkarte-herren"},
            TOKEN,
            400,
            "bad_phone",
        ),
        (
            {"tenant": "nobody", "phone": "+4915100000017", "package": "zehnerkarte-herren"},
            TOKEN,
            404,
            "unknown_tenant",
        ),
        ({"tenant": "demo-salon", "phone": "+4915100000017"}, TOKEN, 400, "bad_request"),
        ("[1, 2", TOKEN, 400, "bad_json"),
        (
            {"tenant": "demo-salon", "phone": "+4915100000017", "package": "zehnerkarte-herren"},
            None,
            401,
            "unauthorized",
        ),
    ],
)
async def test_bad_sales_are_clear_errors_and_write_nothing(http, salon, body, token, status, error):
    url, db = http
    got, answer = await _post(url, body, token)
    assert (got, answer["error"]) == (status, error) and answer["message"]
    assert await balances(db, salon, None) == []


async def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = await asyncio.to_thread(main, args)
    out, err = capsys.readouterr()
    return code, out, err


async def test_cli_sell_list_and_expire(db: Database, salon: TenantConfig, capsys):
    await save_tenant(db, salon, NOW)
    url = ["--database-url", db.url]
    sell = ["packages", "sell", "--tenant", "demo-salon", "--phone", "+4915100000017"]
    code, out, err = await run([*sell, "--package", "zweierkarte-kinder", "--name", "Mia", "--json", *url], capsys)
    assert code == 0, err
    sold = json.loads(out)
    assert (sold["credits"], sold["sessions"], sold["customer"]["name"]) == (2, 2, "Mia")
    code, out, _ = await run(["packages", "list", "--tenant", "demo-salon", "--phone", "0151 00000017", *url], capsys)
    assert code == 0 and "Zweierkarte" in out and "2/2" in out
    code, out, _ = await run(["packages", "expire", *url], capsys)
    assert code == 0 and out.startswith("0 card")  # sold just now (the real clock): nothing lapses
    for bad, message in (
        (
            ["--package", "zwanzigerkarte"],
            "unknown package 'zwanzigerkarte' (known: zehnerkarte-herren, zweierkarte-kinder)",
        ),
        (["--package", "zweierkarte-kinder", "--tenant", "nobody"], "unknown tenant 'nobody'"),
    ):
        code, _, err = await run([*sell, *bad, *url], capsys)
        assert code == 1 and message in err
    code, _, err = await run(
        ["packages", "sell", "--tenant", "demo-salon", "--phone", "abc", "--package", "zweierkarte-kinder", *url],
        capsys,
    )
    assert code == 1 and "not a phone number" in err
    assert len(await balances(db, salon, None)) == 1


def test_tenants_check_names_a_package_for_an_unknown_service(tmp_path: Path, capsys):
    doc = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    doc["packages"].append({"id": "nagelkarte", "name": "Nagelkarte", "service": "nagelpflege", "sessions": 5})
    broken = tmp_path / "salon.yaml"
    broken.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    assert main(["tenants", "check", str(broken)]) != 0
    out, err = capsys.readouterr()
    assert "packages.2.service" in out + err and "unknown service 'nagelpflege'" in out + err

"""`slotline fx load`, `slotline costs report`, `slotline calls show|price` against a real database."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agent_functions.call_events import handle_call_event
from agent_functions.cli import main
from booking_core.storage.db import Database
from tests.costs.helpers import call_payload, load_tenant, services_for

DATA = Path(__file__).parent / "data"
COST = {"product_costs": [], "combined_cost": 11.59, "total_duration_seconds": 94}


def seed(url: str) -> None:
    async def run() -> None:
        db = Database(url)
        tenant = await load_tenant(db, "demo-salon")
        services = services_for(db)
        # Saturday 21 November, 00:30 in Berlin (still Friday in UTC), and Monday 30 November 23:30 Berlin
        for call_id, start in (
            ("sat", datetime(2026, 11, 20, 23, 30, tzinfo=UTC)),
            ("nov30", datetime(2026, 11, 30, 22, 30, tzinfo=UTC)),
            ("dec1", datetime(2026, 11, 30, 23, 30, tzinfo=UTC)),
        ):
            await handle_call_event(
                services, tenant, {"event": "call_ended", "call": call_payload(call_id, start=start, call_cost=COST)}
            )
        await db.dispose()

    asyncio.run(run())


@pytest.fixture
def url(database_url: str) -> str:
    seed(database_url)
    return database_url


def test_fx_load_daily_and_history_files(url, capsys):
    assert main(["fx", "load", str(DATA / "eurofxref-hist-sample.xml"), "--database-url", url]) == 0
    assert "3 EUR/USD rates from 2026-11-19 to 2026-11-23 (3 new or changed)" in capsys.readouterr().out
    assert main(["fx", "load", str(DATA / "eurofxref-daily-sample.xml"), "--database-url", url]) == 0
    assert "1 EUR/USD rates from 2026-11-24 to 2026-11-24 (1 new or changed)" in capsys.readouterr().out
    assert main(["fx", "load", str(DATA / "eurofxref-hist-sample.xml"), "--database-url", url]) == 0
    assert "(0 new or changed)" in capsys.readouterr().out
    assert main(["calls", "show", "sat", "--tenant", "demo-salon", "--json", "--database-url", url]) == 0
    record = json.loads(capsys.readouterr().out)["call"]
    assert record["cost"]["fx_rate"] == "1.0412" and record["cost"]["fx_date"] == "2026-11-20"  # Saturday -> Friday


def test_fx_load_bad_input(url, capsys, tmp_path):
    assert main(["fx", "load", str(tmp_path / "missing.xml"), "--database-url", url]) == 1
    assert "cannot read" in capsys.readouterr().err
    bad = tmp_path / "bad.xml"
    bad.write_text("<html>no rates</html>")
    assert main(["fx", "load", str(bad), "--database-url", url]) == 1
    assert "not an ECB eurofxref file" in capsys.readouterr().err


def test_costs_report_formats(url, capsys):
    main(["fx", "load", str(DATA / "eurofxref-hist-sample.xml"), "--database-url", url])
    capsys.readouterr()
    base = [
        "costs",
        "report",
        "--tenant",
        "demo-salon",
        "--from",
        "2026-11-01",
        "--to",
        "2026-12-31",
        "--database-url",
        url,
    ]
    assert main([*base, "--by", "month", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [(r["key"], r["calls"]) for r in report["rows"]] == [("2026-11", 2), ("2026-12", 1)]
    assert report["currency"] == "EUR" and report["totals"]["calls"] == 3
    assert main([*base, "--by", "day", "--format", "table"]) == 0
    table = capsys.readouterr().out
    assert "2026-11-21" in table and "2026-11-30" in table and "2026-12-01" in table and "TOTAL" in table
    assert main([*base, "--by", "call", "--format", "csv", "--dialect", "de"]) == 0
    csv_text = capsys.readouterr().out
    assert csv_text.startswith("\ufeffkey;calls;") and "total;3;" in csv_text


@pytest.mark.parametrize(
    "args, message",
    [
        (["--tenant", "nope"], "unknown tenant 'nope'"),
        (["--tenant", "demo-salon", "--from", "1.11.2026"], "--from must be a date"),
        (["--tenant", "demo-salon", "--from", "2026-12-01", "--to", "2026-11-01"], "must not be after"),
    ],
)
def test_costs_report_bad_input(url, capsys, args, message):
    assert main(["costs", "report", *args, "--database-url", url]) == 1
    assert message in capsys.readouterr().err


def test_calls_show_and_price(url, capsys):
    assert main(["calls", "show", "nope", "--tenant", "demo-salon", "--database-url", url]) == 1
    assert "no call 'nope' for tenant 'demo-salon'" in capsys.readouterr().err
    assert (
        main(
            [
                "calls",
                "price",
                "sat",
                "--tenant",
                "demo-salon",
                "--telephony-usd",
                "0.0199",
                "--final",
                "--database-url",
                url,
            ]
        )
        == 0
    )
    capsys.readouterr()
    main(["calls", "show", "sat", "--tenant", "demo-salon", "--json", "--database-url", url])
    cost = json.loads(capsys.readouterr().out)["call"]["cost"]
    assert cost["telephony_usd"] == "0.0199" and cost["state"] == "final"
    assert (
        main(["calls", "price", "sat", "--tenant", "demo-salon", "--telephony-usd", "abc", "--database-url", url]) == 1
    )

"""`slotline billing balance|topup|statement|transactions|reseller` against a real database (and the
fake Stripe for `topup`); commands run in a thread, as a shell would run them, while the fake serves."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import pytest

from agent_functions.cli import main
from booking_core.storage.db import Database
from tests.billing.helpers import NOW, STRIPE_KEY, move, prepaid_tenant
from tests.fakes.stripe_api import FakeStripe


async def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = await asyncio.to_thread(main, args)
    out, err = capsys.readouterr()
    return code, out, err


async def test_balance_transactions_and_statement(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tenant = await prepaid_tenant(db)
    await move(db, tenant, "topup", "20", NOW - timedelta(days=40), ref="pi_1")
    await move(db, tenant, "call_charge", "-25.005", NOW - timedelta(days=35), call_id="c1")
    url = ["--database-url", db.url]
    code, out, _ = await run(["billing", "balance", "--tenant", tenant.id, "--json", *url], capsys)
    assert code == 0
    body = json.loads(out)
    assert body == {
        "tenant": "demo-salon",
        "balance": "-5.01",
        "currency": "EUR",
        "updated_at": body["updated_at"],
        "below_zero": True,
    }
    code, out, _ = await run(["billing", "balance", "--tenant", tenant.id, *url], capsys)
    assert code == 0 and "-5.01 EUR" in out and "still answered" in out
    code, out, _ = await run(["billing", "transactions", "--tenant", tenant.id, "--json", *url], capsys)
    assert [(r["kind"], r["amount"]) for r in json.loads(out)["transactions"]] == [
        ("topup", "20"),
        ("call_charge", "-25.005"),
    ]
    target = tmp_path / "oktober.csv"
    code, out, _ = await run(
        [
            "billing",
            "statement",
            "--tenant",
            tenant.id,
            "--month",
            "2026-10",
            "--format",
            "csv",
            "--out",
            str(target),
            *url,
        ],
        capsys,
    )
    assert code == 0 and "RE-demo-salon-000001" in out
    assert "Endsaldo;;Saldo zum Monatsende;;-5,01" in target.read_bytes().decode("utf-8-sig")
    code, out, _ = await run(["billing", "reseller", "--from", "2026-10-01", "--to", "2026-10-31", *url], capsys)
    assert code == 0 and json.loads(out)["below_zero"] == ["demo-salon"]


async def test_bad_input_exits_1_with_the_reason(
    db: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    await prepaid_tenant(db)
    url = ["--database-url", db.url]
    code, _, err = await run(["billing", "balance", "--tenant", "nobody", *url], capsys)
    assert code == 1 and "unknown tenant 'nobody'" in err
    code, _, err = await run(["billing", "statement", "--tenant", "demo-salon", "--month", "11-2026", *url], capsys)
    assert code == 1 and "YYYY-MM" in err
    monkeypatch.delenv("SLOTLINE_STRIPE_API_KEY", raising=False)
    code, _, err = await run(["billing", "topup", "--tenant", "demo-salon", "--amount", "50", *url], capsys)
    assert code == 1 and "SLOTLINE_STRIPE_API_KEY" in err


async def test_topup_prints_the_checkout_link(
    db: Database, fake_stripe: FakeStripe, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    await prepaid_tenant(db)
    monkeypatch.setenv("SLOTLINE_STRIPE_API_KEY", STRIPE_KEY)
    monkeypatch.setenv("SLOTLINE_STRIPE_API_BASE", fake_stripe.url)
    url = ["--database-url", db.url]
    code, out, _ = await run(["billing", "topup", "--tenant", "demo-salon", "--amount", "50", *url], capsys)
    assert code == 0
    body = json.loads(out)
    assert body["checkout_url"].startswith(fake_stripe.url) and fake_stripe.sessions[body["id"]]["amount_total"] == 5000
    code, _, err = await run(["billing", "topup", "--tenant", "demo-salon", "--amount", "0", *url], capsys)
    assert code == 1 and "more than 0" in err and len(fake_stripe.sessions) == 1

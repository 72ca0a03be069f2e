"""Monthly statements and invoices: totals equal the ledger, PDF text (pypdf) and a rendered page
(pdftoppm), the German CSV, invoice numbers gap-free under concurrent runs on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from booking_core.billing import documents
from booking_core.billing.statements import StatementError, monthly_statement
from booking_core.costs import money
from booking_core.storage.db import Database
from booking_core.tenant_config import TenantConfig
from tests.billing.helpers import ledger_rows, move, prepaid_tenant
from tests.pg_support import IN_CI

BERLIN_NOV_1 = datetime(2026, 10, 31, 23, 0, tzinfo=UTC)  # 1 November 00:00 in Berlin
AFTER_NOVEMBER = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


async def november(db: Database) -> TenantConfig:
    """October: a 50 EUR top-up and a call; November: top-ups, calls on three days, a refund, an adjustment."""
    tenant = await prepaid_tenant(db)
    await move(db, tenant, "topup", "50", BERLIN_NOV_1 - timedelta(days=3), ref="pi_oct")
    await move(
        db, tenant, "call_charge", "-0.4049", BERLIN_NOV_1 - timedelta(minutes=1), call_id="oct_last"
    )  # 23:59 Berlin
    await move(db, tenant, "topup", "100", BERLIN_NOV_1 + timedelta(days=4), ref="pi_nov")
    await move(db, tenant, "bonus", "5", BERLIN_NOV_1 + timedelta(days=4), ref="pi_nov")
    for day, calls in ((5, 3), (6, 1), (29, 2)):
        if day == 29:
            await move(db, tenant, "refund", "-20", BERLIN_NOV_1 + timedelta(days=20), ref="pi_nov/refund/20")
            await move(db, tenant, "adjustment", "1.25", BERLIN_NOV_1 + timedelta(days=21))
        for i in range(calls):
            await move(
                db,
                tenant,
                "call_charge",
                "-0.3333333333",
                BERLIN_NOV_1 + timedelta(days=day, hours=9 + i),
                call_id=f"n{day}_{i}",
            )
    await move(
        db, tenant, "call_charge", "-0.0666666667", BERLIN_NOV_1 + timedelta(days=29, hours=14), call_id="n29_0"
    )  # a correction
    await move(db, tenant, "call_charge", "-1", AFTER_NOVEMBER - timedelta(hours=2), call_id="dec_1")  # 1 December
    return tenant


async def test_statement_totals_equal_the_ledger(db: Database) -> None:
    tenant = await november(db)
    statement = await monthly_statement(db, tenant, "2026-11", AFTER_NOVEMBER)
    assert statement.opening == D("49.60")  # 50 - 0.4049
    assert [(e.kind, e.amount) for e in statement.entries] == [
        ("topup", D("100.00")),
        ("bonus", D("5.00")),
        ("refund", D("-20.00")),
        ("adjustment", D("1.25")),
    ]
    assert [(d.day.day, d.calls, d.amount) for d in statement.call_days] == [
        (6, 3, D("1.00")),
        (7, 1, D("0.33")),
        (30, 2, D("0.73")),
    ]
    # closing = the ledger's sum up to the month's end:
    # 50 - 0.4049 + 100 + 5 - 6 x 0.3333333333 - 0.0666666667 - 20 + 1.25
    assert statement.closing == D("133.78")
    rows = await ledger_rows(db, tenant.id)
    assert statement.closing == money(
        sum((r.amount for r in rows if r.created_at < AFTER_NOVEMBER - timedelta(hours=2)), D(0))
    )
    assert statement.opening + statement.credits - sum(
        (d.amount for d in statement.call_days), D(0)
    ) - statement.closing in (D("0"), D("0.01"), D("-0.01"))
    assert (statement.net, statement.vat_pct, statement.vat, statement.gross) == (
        D("2.07"),
        D("19"),
        D("0.39"),
        D("2.46"),
    )
    assert statement.final and statement.invoice_number == "RE-demo-salon-000001"
    again = await monthly_statement(db, tenant, "2026-11", AFTER_NOVEMBER + timedelta(days=3))
    assert again == statement  # same number, same totals
    october = await monthly_statement(db, tenant, "2026-10", AFTER_NOVEMBER)
    assert october.closing == statement.opening and october.invoice_number == "RE-demo-salon-000002"
    running = await monthly_statement(db, tenant, "2026-12", AFTER_NOVEMBER)
    assert not running.final and running.invoice_number is None and running.opening == statement.closing
    for bad in ("2026-13", "11/2026", "", "2027-01"):
        with pytest.raises(StatementError):
            await monthly_statement(db, tenant, bad, AFTER_NOVEMBER)


async def test_pdf_reads_back_and_renders(db: Database, tmp_path: Path) -> None:
    tenant = await november(db)
    pdf = documents.statement_pdf(await monthly_statement(db, tenant, "2026-11", AFTER_NOVEMBER))
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    for expected in (
        "Kontoauszug und Rechnung",
        "Salon Sonnenschein",
        "RE-demo-salon-000001",
        "Anfangssaldo",
        "49,60 €",
        "Aufladung",
        "100,00 €",
        "Endsaldo",
        "133,78 €",
        "Umsatzsteuer 19 %",
        "0,39 €",
        "2,46 €",
        "06.11.2026",
    ):
        assert expected in text, expected
    (tmp_path / "statement.pdf").write_bytes(pdf)
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        if IN_CI:
            pytest.fail("pdftoppm missing (poppler-utils; .ci/run installs it)")
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    subprocess.run(
        [pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", str(tmp_path / "statement.pdf"), str(tmp_path / "page")],
        check=True,
    )
    page = next(tmp_path.glob("page*.png"))
    assert page.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and page.stat().st_size > 5000
    if os.environ.get("SLOTLINE_KEEP_STATEMENT_PNG"):  # to look at it: SLOTLINE_KEEP_STATEMENT_PNG=/tmp/statement.png
        shutil.copy(page, os.environ["SLOTLINE_KEEP_STATEMENT_PNG"])


async def test_csv_is_german_with_amounts_as_text(db: Database) -> None:
    tenant = await november(db)
    raw = documents.statement_csv(await monthly_statement(db, tenant, "2026-11", AFTER_NOVEMBER))
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "Abschnitt;Datum;Beschreibung;Anrufe;Betrag EUR"
    rows = [line.split(";") for line in lines]
    by_section = {r[0]: r for r in rows}
    assert by_section["Anfangssaldo"][4] == "49,60" and by_section["Endsaldo"][4] == "133,78"
    assert by_section["Brutto"][4] == "2,46" and by_section["Rechnungsnummer"][2] == "RE-demo-salon-000001"
    assert ["Anrufe", "06.11.2026", "Anrufe des Tages", "3", "-1,00"] in rows
    assert by_section["Erstattung"][4] == "-20,00"


async def test_invoice_numbers_are_gap_free_under_concurrent_runs_on_postgresql(postgres_url: str) -> None:
    # postgres_url: PostgreSQL's own fixture (fails under CI=true when PostgreSQL is missing)
    db = Database(postgres_url)
    try:
        tenant = await prepaid_tenant(db)
        months = [f"2025-{m:02d}" for m in range(1, 13)] + [f"2026-{m:02d}" for m in range(1, 11)]
        runs = [
            monthly_statement(db, tenant, month, AFTER_NOVEMBER) for month in months * 3
        ]  # each month three times at once
        statements = await asyncio.gather(*runs)
        numbers = {s.period: s.invoice_number for s in statements}
        assert all(numbers[s.period] == s.invoice_number for s in statements)  # a month keeps one number
        issued = sorted(int(n.rsplit("-", 1)[1]) for n in numbers.values())  # type: ignore[union-attr]
        assert issued == list(range(1, len(months) + 1))  # no gap, no reuse
    finally:
        await db.dispose()

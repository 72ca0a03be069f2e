"""Statements and credit notes as files: PDF (reportlab) and CSV (German spreadsheet dialect).

PDF: reportlab's platypus (tables, paragraphs) with the PDF standard fonts (Helvetica; WinAnsi covers
€ and umlauts), so no system font is needed and `make test` renders on a fresh machine.
CSV: `;` separators, decimal comma, UTF-8 with BOM (booking_core.costs.csv_export, dialect `de`);
amounts are written from Decimals rounded to cents, as text, never through float.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from booking_core.billing.statements import Statement
from booking_core.costs.csv_export import to_csv
from booking_core.storage.billing_models import BillingDocument

__all__ = [
    "HEADER",
    "ISSUER",
    "KIND_DE",
    "credit_note_pdf",
    "de_amount",
    "de_date",
    "statement_csv",
    "statement_pdf",
    "statement_rows",
]

ISSUER = "Slotline"
KIND_DE = {"topup": "Aufladung", "bonus": "Bonus", "refund": "Erstattung", "adjustment": "Korrektur"}


def de_amount(value: Decimal) -> str:
    """1234.5 → "1.234,50 €" (German grouping and decimal comma; the value is already in cents)."""
    sign = "-" if value < 0 else ""
    whole, cents = f"{abs(value):.2f}".split(".")
    return f"{sign}{int(whole):,}".replace(",", ".") + f",{cents} €"


def de_date(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _month_text(period: str) -> str:
    year, month = period.split("-")
    return f"{month}/{year}"


def statement_rows(statement: Statement) -> list[list[object]]:
    """The statement as (Abschnitt, Datum, Beschreibung, Anrufe, Betrag EUR) rows, shared by CSV and PDF."""
    rows: list[list[object]] = [
        ["Anfangssaldo", None, f"Saldo zum Monatsbeginn {_month_text(statement.period)}", None, statement.opening]
    ]
    dated: list[tuple[date, list[object]]] = [
        (e.day, [KIND_DE.get(e.kind, e.kind), de_date(e.day), e.ref or "", None, e.amount]) for e in statement.entries
    ]
    dated += [(d.day, ["Anrufe", de_date(d.day), "Anrufe des Tages", d.calls, -d.amount]) for d in statement.call_days]
    rows += [row for _day, row in sorted(dated, key=lambda pair: pair[0])]  # by day; stable within a day
    rows.append(["Endsaldo", None, "Saldo zum Monatsende", None, statement.closing])
    rows.append(["Netto", None, "Anrufe im Monat (netto)", sum(d.calls for d in statement.call_days), statement.net])
    rows.append(["USt", None, f"Umsatzsteuer {statement.vat_pct} %", None, statement.vat])
    rows.append(["Brutto", None, "Rechnungsbetrag (brutto)", None, statement.gross])
    return rows


HEADER = ("Abschnitt", "Datum", "Beschreibung", "Anrufe", "Betrag EUR")


def statement_csv(statement: Statement) -> bytes:
    """The statement as a German CSV (`;`, decimal comma, BOM), UTF-8 bytes."""
    head: list[list[object]] = [
        ["Kontoauszug", None, f"{statement.tenant_name} ({statement.tenant_id})", None, None],
        ["Zeitraum", None, statement.period, None, None],
        ["Rechnungsnummer", None, statement.invoice_number or "vorläufig (Monat läuft)", None, None],
    ]
    return to_csv(HEADER, head + statement_rows(statement), "de").encode("utf-8")


def _table(rows: Sequence[Sequence[str]], widths: Sequence[float], bold_from: int | None = None) -> Table:
    table = Table([list(r) for r in rows], colWidths=widths, repeatRows=1)
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 9),
        ("ALIGN", (-1, 0), (-1, -1), "RIGHT"),
        ("ALIGN", (-2, 0), (-2, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f3f4f6")]),
    ]
    if bold_from is not None:
        style += [
            ("FONT", (0, bold_from), (-1, -1), "Helvetica-Bold", 9),
            ("LINEABOVE", (0, bold_from), (-1, bold_from), 0.6, colors.black),
        ]
    table.setStyle(TableStyle(style))
    return table


def _pdf(title: str, flowables: list[Any]) -> bytes:
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=title,
        author=ISSUER,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )
    document.build(flowables)
    return out.getvalue()


def statement_pdf(statement: Statement) -> bytes:
    """The statement and invoice as a one-or-more-page A4 PDF."""
    styles = getSampleStyleSheet()
    number = statement.invoice_number or "vorläufig (der Monat läuft noch)"
    flow = [
        Paragraph(f"{ISSUER} · Kontoauszug und Rechnung", styles["Title"]),
        Paragraph(f"<b>{_esc(statement.tenant_name)}</b> ({_esc(statement.tenant_id)})", styles["Normal"]),
        Paragraph(
            f"Zeitraum: {_month_text(statement.period)} · Rechnungsnummer: <b>{_esc(number)}</b>"
            + (f" · Datum: {de_date(statement.issued_at.date())}" if statement.issued_at else ""),
            styles["Normal"],
        ),
        Spacer(1, 6 * mm),
    ]
    body = [list(HEADER)]
    rows = statement_rows(statement)
    for section, day, text, calls, amount in rows:
        assert isinstance(amount, Decimal)
        count = "" if calls is None else str(calls)
        body.append([str(section), str(day or ""), _clip(str(text)), count, de_amount(amount)])
    flow.append(_table(body, (28 * mm, 24 * mm, 72 * mm, 18 * mm, 30 * mm), bold_from=len(body) - 4))
    flow += [
        Spacer(1, 6 * mm),
        Paragraph(
            "Guthaben und Anrufbeträge sind Nettobeträge. Ein negatives Guthaben sperrt keine Anrufe; "
            "bitte laden Sie Ihr Guthaben auf.",
            styles["Normal"],
        ),
    ]
    return _pdf(f"Kontoauszug {statement.tenant_id} {statement.period}", flow)


def credit_note_pdf(document: BillingDocument, tenant_name: str) -> bytes:
    """A refund's credit note (Gutschrift) with its own number."""
    styles = getSampleStyleSheet()
    payment = (document.details or {}).get("payment", "")
    body = [
        ["Position", "Betrag"],
        [_clip(f"Erstattung der Aufladung {payment}"), de_amount(document.net)],
        [f"Umsatzsteuer {document.vat_pct} %", de_amount(document.vat)],
        ["Gutschrift (brutto)", de_amount(document.gross)],
    ]
    flow = [
        Paragraph(f"{ISSUER} · Gutschrift", styles["Title"]),
        Paragraph(f"<b>{_esc(tenant_name)}</b> ({_esc(document.tenant_id)})", styles["Normal"]),
        Paragraph(
            f"Gutschriftnummer: <b>{_esc(document.number_text)}</b> · Datum: {de_date(document.issued_at.date())}",
            styles["Normal"],
        ),
        Spacer(1, 6 * mm),
        _table(body, (130 * mm, 40 * mm), bold_from=3),
    ]
    return _pdf(f"Gutschrift {document.number_text}", flow)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clip(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

"""The admin cost page as HTML: totals, a server-rendered SVG chart of daily cost vs billed, the call table.

No scripts and no external assets (the page is served with a `default-src 'none'` CSP); amounts in
German display (1.234,56 €). Pure: plain values in, a string out.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any
from urllib.parse import quote, urlencode

from booking_core.costs import money
from booking_core.costs.csv_export import report_csv
from booking_core.costs.report import Report, daily_series
from booking_core.tenant_config import TenantConfig

MAX_TABLE_CALLS = 2000
NO_CALLS_ROW = "<tr><td class=t colspan=11>Keine Anrufe im Zeitraum.</td></tr>"

COST_COLOUR = "#d9534f"
BILLED_COLOUR = "#2b7bb9"

CSS = "\n".join(
    (
        "",
        'body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;'
        "margin:24px;color:#1f2933;background:#f7f8fa}",
        "h1{font-size:22px;margin:0 0 4px}.sub{color:#616e7c;margin:0 0 16px}",
        "form{margin:0 0 16px;display:flex;gap:8px;align-items:end;flex-wrap:wrap}"
        "label{font-size:12px;color:#616e7c;display:flex;flex-direction:column}",
        "input,button{font:inherit;padding:4px 6px}",
        ".cards{display:flex;gap:12px;flex-wrap:wrap;margin:0 0 16px}",
        ".card{background:#fff;border:1px solid #e4e7eb;border-radius:6px;padding:10px 14px;min-width:120px}",
        ".card .v{font-size:20px;font-weight:600}.card .l{font-size:12px;color:#616e7c}",
        ".panel{background:#fff;border:1px solid #e4e7eb;border-radius:6px;padding:12px;margin:0 0 16px}",
        "table{border-collapse:collapse;width:100%;font-size:13px}"
        "th,td{padding:4px 8px;border-bottom:1px solid #e4e7eb;text-align:right;white-space:nowrap}",
        "th{background:#f0f2f5;position:sticky;top:0}td.t,th.t{text-align:left}tfoot td{font-weight:600}",
        ".badge{font-size:11px;padding:1px 5px;border-radius:8px;background:#e4e7eb}"
        ".badge.estimated{background:#fde8c8}.badge.final{background:#d4edda}",
        ".neg{color:#b42318}.err{color:#b42318}"
        ".legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}",
        "a{color:#2b7bb9}",
        "",
    )
)


def page_shell(title: str, inner: str) -> str:
    """A whole HTML document around `inner` (already escaped), with the page's inline CSS."""
    return (
        f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head>'
        f"<body>{inner}</body></html>"
    )


def error_page(message: str) -> str:
    """A page that only says what was wrong with the query."""
    return page_shell("Kosten", f'<p class="err">{escape(message)}</p>')


def tenant_list_page(message: str, tenants: list[str], token: str | None) -> str:
    """The tenants to choose from, each a link to its page (carrying `token` when the page came with one)."""
    items = "".join(
        f'<li><a href="?{escape(urlencode({"tenant": t, **({"token": token} if token else {})}))}">{escape(t)}</a></li>'
        for t in tenants
    )
    return page_shell("Kosten", f"<h1>Kosten</h1><p>{escape(message)}</p><ul>{items}</ul>")


def _eur(value: Any) -> str:
    """German display: 1.234,56 €."""
    if value is None:
        return "–"
    amount = money(Decimal(value))
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{groups},{cents} €"


def _num(value: Any, places: int = 2) -> str:
    if value is None:
        return "–"
    return f"{Decimal(value):.{places}f}".replace(".", ",")


def _cls(value: Any) -> str:
    return ' class="neg"' if value is not None and Decimal(value) < 0 else ""


def _nice_max(value: Decimal) -> Decimal:
    """A round axis maximum at or above value (1, 2, 2.5, 5 x 10^n)."""
    if value <= 0:
        return Decimal("1")
    exponent = value.adjusted()
    for step in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        candidate = step.scaleb(exponent)
        if candidate >= value:
            return candidate
    return Decimal(10).scaleb(exponent)


def render_chart(series: list[tuple[str, Decimal, Decimal]], width: int = 1100, height: int = 300) -> str:
    """Grouped bars, cost vs billed per label; server-rendered SVG, no scripts."""
    left, right, top, bottom = 64, 12, 14, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max((max(c, b) for _l, c, b in series), default=Decimal(0)))
    n = max(1, len(series))
    slot = plot_w / n
    bar = max(1.0, min(28.0, slot * 0.38))
    parts = [
        f'<svg id="cost-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" height="{height}" role="img" aria-label="Kosten und Abrechnung pro Tag">'
    ]
    for i in range(5):
        value = top_value * i / 4
        y = top + plot_h - float(value / top_value) * plot_h
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e4e7eb"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="#616e7c">'
            f"{escape(_eur(value))}</text>"
        )
    label_every = max(1, round(n / 16))
    for i, (label, cost, billed) in enumerate(series):
        x0 = left + i * slot + (slot - 2 * bar) / 2
        for j, (value, colour, name) in enumerate(
            ((cost, COST_COLOUR, "Kosten"), (billed, BILLED_COLOUR, "Abgerechnet"))
        ):
            h = float(value / top_value) * plot_h if value > 0 else 0.0
            if 0 < h < 1:
                h = 1.0  # a tiny amount stays visible
            x = x0 + j * bar
            parts.append(
                f'<rect class="bar {"cost" if j == 0 else "billed"}" data-day="{escape(label)}" x="{x:.1f}" '
                f'y="{top + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}">'
                f"<title>{escape(label)}: {name} {escape(_eur(value))}</title></rect>"
            )
        if i % label_every == 0:
            cx = left + i * slot + slot / 2
            parts.append(
                f'<text x="{cx:.1f}" y="{height - bottom + 16}" font-size="11" text-anchor="middle" fill="#616e7c">'
                f"{escape(label[5:] if len(label) == 10 else label)}</text>"
            )
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#9aa5b1"/>')
    parts.append("</svg>")
    return "".join(parts)


def _series(report: Report) -> list[tuple[str, Decimal, Decimal]]:
    days = daily_series(report.lines, report.zone, report.start, report.end)
    if len(days) <= 92:
        return [(d.isoformat(), c, b) for d, c, b in days]
    months: dict[str, list[Decimal]] = {}
    for d, c, b in days:
        pair = months.setdefault(f"{d.year:04d}-{d.month:02d}", [Decimal(0), Decimal(0)])
        pair[0] += c
        pair[1] += b
    return [(k, v[0], v[1]) for k, v in months.items()]


def render_page(tenant: TenantConfig, report: Report, token: str | None = None, balance: Decimal | None = None) -> str:
    t = report.totals
    # The CSV travels inside the page (a data: link), so downloading it needs no second authenticated request.
    csv_text = report_csv(report.rows, report.totals, "de")
    csv_link = "data:text/csv;charset=utf-8," + quote(csv_text)
    csv_name = f"kosten-{tenant.id}-{report.start}-{report.end}.csv"
    margin_pct = "–" if t["margin_pct"] is None else _num(t["margin_pct"], 1) + " %"
    cards = [
        ("Anrufe", str(t["calls"])),
        ("Minuten", _num(t["minutes"])),
        ("Kosten", _eur(t["cost_eur"])),
        ("Abgerechnet", _eur(t["billed_eur"])),
        ("Marge", f"{_eur(t['margin_eur'])} ({margin_pct})"),
        ("Buchungen", str(t["bookings"])),
        ("Kosten je Buchung", _eur(t["cost_per_booking_eur"])),
        *([("Guthaben" + (" (unter null)" if balance < 0 else ""), _eur(balance))] if balance is not None else []),
    ]
    cards_html = "".join(
        f'<div class="card"><div class="v">{escape(v)}</div><div class="l">{escape(label)}</div></div>'
        for label, v in cards
    )
    components = (
        f'<p class="sub">Davon Retell {escape(_eur(t["retell_eur"]))}, Telefonie {escape(_eur(t["telephony_eur"]))}, '
        f"LLM {escape(_eur(t['llm_eur']))}. "
        + (f"{t['estimated_calls']} Anruf(e) noch geschätzt. " if t["estimated_calls"] else "")
        + (
            f"Beträge in EUR; {t['fallback_fx_calls']} Anruf(e) mit Ersatzkurs umgerechnet (kein EZB-Kurs "
            "gespeichert). "
            if t["fallback_fx_calls"]
            else "Beträge in EUR zum EZB-Kurs des Anruftags. "
        )
        + f"Anrufe mit Buchung {t['booked_calls']}, Rückrufwunsch {t['callback_calls']}, Fehler {t['error_calls']}, "
        + f"Richtlinie abgelehnt {t['policy_refusal_calls']}.</p>"
    )
    token_field = f'<input type="hidden" name="token" value="{escape(token)}">' if token else ""
    form = (
        f'<form method="get"><input type="hidden" name="tenant" value="{escape(tenant.id)}">{token_field}'
        f'<label>von<input type="date" name="from" value="{report.start.isoformat()}"></label>'
        f'<label>bis<input type="date" name="to" value="{report.end.isoformat()}"></label>'
        f'<button type="submit">Anzeigen</button></form>'
    )
    chart = (
        f'<div class="panel"><div class="legend"><strong>Kosten vs. abgerechnet pro Tag</strong>'
        f'<span style="background:{COST_COLOUR}"></span>Kosten'
        f'<span style="background:{BILLED_COLOUR}"></span>Abgerechnet</div>'
        f"{render_chart(_series(report))}</div>"
    )
    head = (
        "<tr><th class=t>Beginn</th><th class=t>Anruf</th><th>Minuten</th><th class=t>Status</th><th>Retell</th>"
        "<th>Telefonie</th><th>LLM</th><th>Kosten</th><th>Abgerechnet</th><th>Marge</th><th>Buchungen</th></tr>"
    )
    body_rows = []
    for row in report.rows[:MAX_TABLE_CALLS]:
        started = row.get("started_at", "")[:16].replace("T", " ")
        state = row.get("state", "")
        body_rows.append(
            f"<tr><td class=t>{escape(started)}</td><td class=t>{escape(row['key'])}</td>"
            f"<td>{_num(row['minutes'])}</td>"
            f'<td class=t><span class="badge {escape(state)}">{escape(state)}</span></td>'
            f"<td>{_eur(row['retell_eur'])}</td><td>{_eur(row['telephony_eur'])}</td><td>{_eur(row['llm_eur'])}</td>"
            f"<td>{_eur(row['cost_eur'])}</td><td>{_eur(row['billed_eur'])}</td>"
            f"<td{_cls(row['margin_eur'])}>{_eur(row['margin_eur'])}</td><td>{row['bookings']}</td></tr>"
        )
    more = (
        f'<p class="sub">Die ersten {MAX_TABLE_CALLS} von {len(report.rows)} Anrufen; alle im CSV.</p>'
        if len(report.rows) > MAX_TABLE_CALLS
        else ""
    )
    foot = (
        f"<tr><td class=t colspan=2>Summe</td><td>{_num(t['minutes'])}</td><td></td><td>{_eur(t['retell_eur'])}</td>"
        f"<td>{_eur(t['telephony_eur'])}</td><td>{_eur(t['llm_eur'])}</td><td>{_eur(t['cost_eur'])}</td>"
        f"<td>{_eur(t['billed_eur'])}</td><td{_cls(t['margin_eur'])}>{_eur(t['margin_eur'])}</td><td>{t['bookings']}</td></tr>"
    )
    table = (
        f'<div class="panel"><strong>Anrufe</strong> · '
        f'<a href="{escape(csv_link)}" download="{escape(csv_name)}">CSV</a>'
        f'<table id="calls"><thead>{head}</thead><tbody>{"".join(body_rows) or NO_CALLS_ROW}</tbody>'
        f"<tfoot>{foot}</tfoot></table>{more}</div>"
    )
    inner = (
        f"<h1>Kosten · {escape(tenant.name)}</h1>"
        f'<p class="sub">{report.start.strftime("%d.%m.%Y")} – {report.end.strftime("%d.%m.%Y")} · '
        f"Zeitzone {escape(tenant.timezone)}</p>"
        f"{form}<div class=cards>{cards_html}</div>{components}{chart}{table}"
    )
    return page_shell(f"Kosten {tenant.name}", inner)

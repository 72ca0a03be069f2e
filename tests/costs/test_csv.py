from decimal import Decimal as D

from booking_core.costs.csv_export import BOM, escape_text, report_csv, to_csv


def test_text_cells_that_start_a_formula_are_escaped():
    for dangerous in ("=1+1", "+49 30 555", "-2+3", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")'):
        assert escape_text(dangerous) == "'" + dangerous
    assert escape_text("call_1") == "call_1"
    out = to_csv(["key", "amount"], [["=cmd|' /C calc'!A0", D("-1.50")], ["@x", D("2")]], "plain")
    lines = out.splitlines()
    assert lines[1].startswith("'=cmd|")  # a leading apostrophe: shown as text, never run
    assert lines[1].endswith(",-1.50")  # numbers stay numbers, negative ones too
    assert lines[2] == "'@x,2"


def test_de_dialect_semicolon_decimal_comma_and_bom():
    out = to_csv(["key", "cost_eur"], [["2026-11-20", D("4.90")], ["x;y", D("1234.5")]], "de")
    assert out.startswith(BOM)
    assert out[1:].splitlines() == ["key;cost_eur", "2026-11-20;4,90", '"x;y";1234,5']
    assert out.encode("utf-8").startswith(b"\xef\xbb\xbf")


def test_plain_dialect():
    out = to_csv(["key", "cost_eur", "none"], [["a,b", D("4.90"), None]], "plain")
    assert not out.startswith(BOM)
    assert out.splitlines() == ["key,cost_eur,none", '"a,b",4.90,']


def test_report_csv_has_a_total_line():
    row = {"key": "-bad", "calls": 2, "cost_eur": D("0.20"), "margin_eur": D("-0.05")}
    out = report_csv([row], {"calls": 2, "cost_eur": D("0.20"), "margin_eur": D("-0.05")}, "de")
    header, first, total = out[1:].splitlines()
    assert header.split(";")[:3] == ["key", "calls", "minutes"]
    assert first.startswith("'-bad;2;")
    assert ";0,20;" in first and ";-0,05;" in first
    assert total.startswith("total;2;")

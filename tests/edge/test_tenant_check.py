"""`slotline tenants check` lists field errors and broken cross-references in one run (issue 14, item 11)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from agent_functions.cli import main
from booking_core.tenant_file import TenantFileError, parse_tenant, read_tenant_file
from booking_core.tenant_references import reference_problems

DEMO = Path("fixtures/tenants/demo-salon.yaml")


def demo() -> dict:
    return yaml.safe_load(DEMO.read_text(encoding="utf-8"))


def broken_both_ways() -> dict:
    doc = demo()
    doc["timezone"] = "Europe/Nowhere"  # a field error
    doc["services"][0]["duration_min"] = -5  # another
    doc["staff"][0]["services"].append("nagelpflege")  # a staff member offering an unknown service
    doc["staff"][1]["prices"] = {"massage": "10.00"}  # pricing one
    doc["services"].append({"id": "nagelpflege-gel", "name": "Gel", "duration_min": 30})  # nobody does it
    doc["integrations"] = {
        "calcom": {"event_types": {"dauerwelle/Z": 1, "pediküre": 2}, "staff": {"ghost": "g@example.com"}}
    }
    return doc


def test_one_run_lists_field_errors_and_cross_references() -> None:
    with pytest.raises(TenantFileError) as err:
        parse_tenant(broken_both_ways(), "salon.yaml")
    found = {(p.path, p.reason) for p in err.value.problems}
    paths = {p for p, _ in found}
    assert {"timezone", "services.0.duration_min"} <= paths
    assert ("staff.0.services", "unknown service 'nagelpflege'") in found
    assert ("staff.1.prices", "unknown service 'massage'") in found
    assert ("services.18", "nobody on staff does 'nagelpflege-gel'") in found
    assert ("integrations.calcom.event_types", "service 'dauerwelle' has no segment 'Z'") in found
    assert ("integrations.calcom.event_types", "unknown service 'pediküre' in 'pediküre'") in found
    assert ("integrations.calcom.staff", "unknown staff 'ghost'") in found


def test_cross_references_alone_each_with_its_path() -> None:
    doc = demo()
    doc["staff"][0]["services"].append("nagelpflege")
    doc["staff"].append(dict(doc["staff"][1]))  # the same id twice
    with pytest.raises(TenantFileError) as err:
        parse_tenant(doc, "salon.yaml")
    assert [(p.path, p.reason) for p in err.value.problems] == [
        ("staff", "ids repeat: ['emma']"),
        ("staff.0.services", "unknown service 'nagelpflege'"),
    ]


def test_reference_check_tolerates_any_shape() -> None:
    assert reference_problems({"services": "nonsense", "staff": [None, 3, {"services": 7}]}) == []
    assert reference_problems(demo()) == []


def test_cli_check_prints_every_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(broken_both_ways(), allow_unicode=True), encoding="utf-8")
    assert main(["tenants", "check", str(bad), str(DEMO)]) == 1
    out = capsys.readouterr().out
    assert "bad.yaml: 8 problem(s)" in out
    assert "timezone: unknown IANA time zone" in out and "staff.0.services: unknown service 'nagelpflege'" in out
    assert f"{DEMO}: ok (demo-salon" in out
    assert read_tenant_file(DEMO).id == "demo-salon"

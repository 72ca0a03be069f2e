"""The shared development set (a copy in tests/nlu/data/): at least 106 of 110 right."""

from __future__ import annotations

import json
from pathlib import Path

from nlu.evaluate import evaluate_file

DEV = Path(__file__).parent / "data" / "nlu-dev.json"


def test_dev_set_accuracy() -> None:
    report = evaluate_file(DEV)
    assert report.total == 110
    assert report.correct >= 106, report.to_text()


def test_report_shapes() -> None:
    report = evaluate_file(DEV)
    data = report.to_dict()
    json.dumps(data)  # JSON-able
    assert set(data["by_kind"]) >= {"datetime", "date", "window"}
    assert set(data["by_lang"]) == {"de", "en"}
    assert data["total"] == 110 and data["correct"] == report.correct
    text = report.to_text()
    assert text.startswith("accuracy:") and "by kind" in text and "by language" in text


def test_misses_are_listed(tmp_path: Path) -> None:
    items = [
        {
            "id": "x1",
            "text": "morgen um 10",
            "lang": "de",
            "now": "2026-11-20T10:00:00+01:00",
            "tz": "Europe/Berlin",
            "kind": "datetime",
            "expected_start": "2026-11-21T11:00:00+01:00",
        },
        {
            "id": "x2",
            "text": "morgen",
            "lang": "de",
            "now": "2026-11-20T10:00:00+01:00",
            "tz": "Europe/Berlin",
            "kind": "date",
            "expected_date": "2026-11-21",
        },
        {
            "id": "x3",
            "text": "heute Abend",
            "lang": "de",
            "now": "2026-11-20T10:00:00+01:00",
            "tz": "Europe/Berlin",
            "kind": "window",
            "expected_window": ["2026-11-20T18:00:00+01:00", "2026-11-20T22:00:00+01:00"],
        },
        {
            "id": "x4",
            "text": "um 8",
            "lang": "de",
            "now": "2026-11-20T10:00:00+01:00",
            "tz": "Europe/Berlin",
            "kind": "datetime",
            "expected_start": "2026-11-20T20:00:00+01:00",
            "hours": {"4": [["12:00", "21:00"]]},
        },
    ]
    path = tmp_path / "set.json"
    path.write_text(json.dumps(items))
    report = evaluate_file(path)
    assert (report.correct, report.total) == (3, 4)
    assert [m["id"] for m in report.to_dict()["misses"]] == ["x1"]
    assert "x1" in report.to_text() and "expected datetime 2026-11-21T11:00:00+01:00" in report.to_text()

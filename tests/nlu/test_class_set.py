"""Issue 14's classes of date/time phrases (tests/nlu/data/nlu-classes.json): named days, ordinals
counting a noun, day counts, dotted clock times, stale years. Every phrase right, per class."""

from __future__ import annotations

from pathlib import Path

from nlu.evaluate import evaluate_file

CLASSES = Path(__file__).parent / "data" / "nlu-classes.json"


def test_every_class_phrase_is_right() -> None:
    report = evaluate_file(CLASSES)
    assert report.total >= 90
    assert report.correct == report.total, report.to_text()
    by_class = report.to_dict()["by_class"]
    assert set(by_class) == {"named_day", "ordinal_noun", "day_count", "dot_time", "stale_year"}
    assert "by class" in report.to_text()


def test_clarify_items_need_exactly_the_offered_days(tmp_path: Path) -> None:
    path = tmp_path / "set.json"
    path.write_text(
        '[{"id": "c1", "class": "stale_year", "text": "26.11.2024", "lang": "de",'
        ' "now": "2026-11-18T10:00:00+01:00", "tz": "Europe/Berlin", "kind": "clarify",'
        ' "expected_dates": ["2026-11-24"]}]'
    )
    report = evaluate_file(path)  # we offer the 24th and the 26th: not what this item expects
    assert (report.correct, report.total) == (0, 1)
    assert "options ['2026-11-24', '2026-11-26']" in report.to_text()

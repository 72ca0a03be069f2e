"""Score :func:`nlu.parse_when` on a labelled phrase file (the format of ``nlu-dev.json``).

Each item: ``id``, ``text``, ``lang``, ``now`` (ISO with offset), ``tz`` (IANA zone), ``kind`` and
the expectation: ``expected_start`` for "datetime", ``expected_date`` / ``expected_window`` for
"date", ``expected_window`` for "window". Optional ``hours``: {"0": [["09:00", "18:00"]], ...}.

Scoring: a "datetime" must have the exact start; a "date" the right day; a "window" the right
span; each with the right kind. "conflict" items (weekday and date disagree) are right when we ask
back (kind "none" with ``weekday_date_conflict``) or pick the expected date. "clarify" items
(``expected_dates``) are right when we ask back offering exactly those days (kind "none" with them as
``alternatives``), e.g. a stale-year date whose weekday and day-month readings disagree; "none" items
when nothing is read (an ordinal that counts a noun, not a day).

An optional ``class`` per item (the fault class it probes, e.g. "named_day") adds a per-class summary.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from nlu.when import When, parse_when

__all__ = ["EvalItem", "EvalReport", "evaluate_file", "evaluate_items", "score_item"]


@dataclass(frozen=True)
class EvalItem:
    """One scored phrase."""

    id: str
    lang: str
    kind: str
    text: str
    ok: bool
    expected: str
    got: str
    cls: str = ""


@dataclass
class EvalReport:
    """Accuracy overall, per kind and per language, and every miss."""

    items: list[EvalItem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def correct(self) -> int:
        return sum(1 for i in self.items if i.ok)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def misses(self) -> list[EvalItem]:
        return [i for i in self.items if not i.ok]

    def _group(self, key: str) -> dict[str, dict[str, float | int]]:
        groups: dict[str, list[EvalItem]] = defaultdict(list)
        for item in self.items:
            groups[getattr(item, key)].append(item)
        return {
            name: {
                "correct": sum(i.ok for i in items),
                "total": len(items),
                "accuracy": round(sum(i.ok for i in items) / len(items), 4),
            }
            for name, items in sorted(groups.items())
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary: totals, per kind, per language, per (language, kind), misses."""
        by_lang_kind: dict[str, list[EvalItem]] = defaultdict(list)
        for item in self.items:
            by_lang_kind[f"{item.lang}/{item.kind}"].append(item)
        return {
            "correct": self.correct,
            "total": self.total,
            "accuracy": round(self.accuracy, 4),
            "by_kind": self._group("kind"),
            "by_lang": self._group("lang"),
            "by_class": self._group("cls") if any(i.cls for i in self.items) else {},
            "by_lang_kind": {
                k: {
                    "correct": sum(i.ok for i in v),
                    "total": len(v),
                    "accuracy": round(sum(i.ok for i in v) / len(v), 4),
                }
                for k, v in sorted(by_lang_kind.items())
            },
            "misses": [
                {"id": i.id, "lang": i.lang, "kind": i.kind, "text": i.text, "expected": i.expected, "got": i.got}
                for i in self.misses
            ],
        }

    def to_text(self) -> str:
        """Human summary: overall, per kind, per language, then each miss."""
        lines = [f"accuracy: {self.correct}/{self.total} ({self.accuracy:.1%})"]
        sections = [("by kind", self._group("kind")), ("by language", self._group("lang"))]
        if any(i.cls for i in self.items):
            sections.append(("by class", self._group("cls")))
        for title, groups in sections:
            lines.append(f"{title}:")
            for name, g in groups.items():
                lines.append(f"  {name:<12} {g['correct']:>4}/{g['total']:<4} ({g['accuracy']:.1%})")
        misses = self.misses
        lines.append(f"misses: {len(misses)}")
        for i in misses:
            lines.append(f"  {i.id} [{i.lang}/{i.kind}] {i.text!r}")
            lines.append(f"      expected {i.expected}")
            lines.append(f"      got      {i.got}")
        return "\n".join(lines)


def _parse_hours(raw: dict[str, Any] | None) -> dict[int, list[tuple[time, time]]] | None:
    if not raw:
        return None
    return {int(k): [(time.fromisoformat(a), time.fromisoformat(b)) for a, b in v] for k, v in raw.items()}


def _describe(w: When) -> str:
    if w.kind == "none":
        alternatives = f" options {[d.isoformat() for d in w.alternatives]}" if w.alternatives else ""
        return f"none {list(w.issues)}{alternatives}"
    start = w.start.isoformat() if w.start else None
    if w.kind == "datetime":
        return f"datetime {start}"
    return f"{w.kind} {start} .. {w.end.isoformat() if w.end else None}"


def _expected(item: dict[str, Any]) -> str:
    kind = item["kind"]
    if kind == "datetime":
        return f"datetime {item.get('expected_start')}"
    if kind == "date":
        return f"date {item.get('expected_date') or (item.get('expected_window') or [None])[0]}"
    if kind == "window":
        a, b = item.get("expected_window") or [None, None]
        return f"window {a} .. {b}"
    if kind == "clarify":
        return f"ask back: {' or '.join(item.get('expected_dates') or [])}"
    if kind == "none":
        return "none (ask back)"
    return f"{kind} {item.get('expected_date') or item.get('expected_start')} (or ask back)"


def score_item(item: dict[str, Any], got: When) -> bool:
    """Is ``got`` right for the labelled ``item``?"""
    kind = item["kind"]
    if kind == "datetime":
        exp = item.get("expected_start")
        if got.kind != "datetime" or not exp or got.start is None:
            return False
        e = datetime.fromisoformat(exp)
        return got.start == e and got.start.utcoffset() == e.utcoffset()
    if kind == "date":
        if got.kind != "date" or got.start is None:
            return False
        exp_day = item.get("expected_date")
        if exp_day is None and item.get("expected_window"):
            exp_day = item["expected_window"][0][:10]
        return exp_day is not None and got.start.date() == date.fromisoformat(exp_day)
    if kind == "window":
        window = item.get("expected_window")
        if got.kind != "window" or not window or got.start is None or got.end is None:
            return False
        a, b = (datetime.fromisoformat(x) for x in window)
        return got.start == a and got.end == b
    if kind == "conflict":
        if got.kind == "none" and "weekday_date_conflict" in got.issues:
            return True
        exp_day = item.get("expected_date")
        return got.kind == "date" and exp_day is not None and got.day == date.fromisoformat(exp_day)
    if kind == "clarify":
        wanted = {date.fromisoformat(d) for d in item.get("expected_dates") or []}
        return got.kind == "none" and bool(wanted) and set(got.alternatives) == wanted
    if kind == "none":
        return got.kind == "none"
    return False


def evaluate_items(items: list[dict[str, Any]]) -> EvalReport:
    """Score already-loaded items."""
    report = EvalReport()
    for item in items:
        tz = ZoneInfo(item.get("tz") or "Europe/Berlin")
        now = datetime.fromisoformat(item["now"]).astimezone(tz)
        got = parse_when(item["text"], now, item.get("lang", "de"), _parse_hours(item.get("hours")))
        report.items.append(
            EvalItem(
                id=str(item.get("id", "")),
                lang=item.get("lang", "de"),
                kind=item["kind"],
                text=item["text"],
                ok=score_item(item, got),
                expected=_expected(item),
                got=_describe(got),
                cls=str(item.get("class", "")),
            )
        )
    return report


def evaluate_file(path: str | Path) -> EvalReport:
    """Load a JSON list of labelled phrases and score them."""
    items = json.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(items, dict):
        items = items.get("items") or items.get("phrases") or []
    return evaluate_items(items)

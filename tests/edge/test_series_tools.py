"""The tool schema the voice agent is given carries the series and visit arguments (CONTRACT section 10)."""

from __future__ import annotations

from agent_functions.registry import CANONICAL_ARGS
from agent_functions.tools_export import export


def test_check_and_book_take_repeat_count_until_and_cancel_takes_scope() -> None:
    tools = {t["name"]: t["parameters"]["properties"] for t in export("https://slotline.example.com")}
    for name in ("check_availability", "book_appointment"):
        assert {"repeat", "count", "until"} <= set(tools[name])
        assert "several" in tools[name]["service"]["description"]
    assert "scope" in tools["cancel_appointment"]
    assert {"repeat", "count", "until", "scope"} <= CANONICAL_ARGS  # not dropped as unknown arguments

"""Cutting an answer to the size limit keeps the size by difference (agent_functions.replies): the
same answers as measuring the whole body after every cut, which is what it replaced. Pure."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from agent_functions.compact import compact_lists, list_at
from agent_functions.replies import CUTTABLE, MAX_RESPONSE_CHARS, Reply

# Text with what JSON escapes (quotes, backslashes, control characters) and what it keeps (umlauts,
# emoji, U+2028), so the sizes by difference meet every way a string's JSON differs from its length.
TEXT = st.text(alphabet=st.sampled_from(list('aZ 9"\\\n\t\x01äß€😀\u2028,:{}[]')), max_size=80)
SEGMENT = st.fixed_dictionaries(
    {
        "key": st.sampled_from("ABCD"),
        "name": TEXT,
        "start": st.just("2026-11-23T10:00:00+01:00"),
        "end": st.just("2026-11-23T10:30:00+01:00"),
        "staff": st.fixed_dictionaries({"id": st.sampled_from(["emma", "jonas"]), "name": TEXT}),
        "staff_busy": st.booleans(),
    }
)
OPTION = st.fixed_dictionaries(
    {
        "start": st.sampled_from(["2026-11-23T10:00:00+01:00", "2026-11-24T15:30:00+01:00"]),
        "service": st.fixed_dictionaries({"id": st.sampled_from(["cut", "color"]), "name": TEXT}),
        "staff": st.fixed_dictionaries({"id": st.sampled_from(["emma", "jonas"]), "name": TEXT}),
        "segments": st.lists(SEGMENT, max_size=4),
        "price": st.just({"amount": "58.00", "currency": "EUR"}),
        "note": TEXT,
        "count": st.integers(-(10**6), 10**6) | st.floats(allow_nan=False, allow_infinity=False),
    }
)
DATA = st.fixed_dictionaries(
    {},
    optional={
        "slots": st.lists(OPTION, max_size=25),
        "alternatives": st.lists(OPTION, max_size=25),
        "appointments": st.lists(OPTION, max_size=25),
        "services": st.lists(st.fixed_dictionaries({"id": TEXT, "name": TEXT}), max_size=60),
        "context": st.fixed_dictionaries({"caller": st.fixed_dictionaries({"appointments": st.lists(OPTION)})}),
        "slots_truncated": st.sampled_from([True, False, "yes"]),
    },
)


def cut_as_before(reply: Reply) -> dict[str, Any]:
    """Reply.to_json as it was: the whole body measured again after every cut."""

    def size(body: dict[str, Any]) -> int:
        return len(json.dumps(body, ensure_ascii=False))

    body: dict[str, Any] = {"status": reply.status, "message": reply.message, "data": reply.data}
    if size(body) <= MAX_RESPONSE_CHARS:
        return body
    compact_lists(body["data"], lambda: size(body) > MAX_RESPONSE_CHARS)
    for path in CUTTABLE:
        if size(body) <= MAX_RESPONSE_CHARS:
            break
        items = list_at(body["data"], path)
        spoken = path == (reply.spoken,) and reply.render is not None
        while items is not None and len(items) > 1 and size(body) > MAX_RESPONSE_CHARS:
            items.pop()
            body["data"][f"{'_'.join(path)}_truncated"] = True
            if spoken and reply.render is not None:
                body["message"] = reply.render(len(items))
    return body


@settings(max_examples=300, deadline=None)
@given(data=DATA, message=TEXT, spoken=st.sampled_from([None, "slots", "alternatives", "appointments"]))
def test_cutting_by_difference_gives_the_answers_of_measuring_whole(
    data: dict[str, Any], message: str, spoken: str | None
) -> None:
    def render(count: int) -> str:
        return f"{count} Möglichkeiten: " + message * (count % 3)

    def reply() -> Reply:
        return Reply("available", message, copy.deepcopy(data), spoken=spoken, render=render if spoken else None)

    assert reply().to_json() == cut_as_before(reply())


def test_a_long_list_is_cut_to_the_limit_with_its_message() -> None:
    options = [{"start": f"2026-11-23T{i:02d}:00:00+01:00", "note": "ä" * 90} for i in range(40)]

    def render(count: int) -> str:
        return f"{count} Termine: " + ", ".join(o["start"][11:16] for o in options[:count])

    body = Reply("available", render(40), {"slots": options}, spoken="slots", render=render).to_json()
    text = json.dumps(body, ensure_ascii=False)
    assert len(text) <= MAX_RESPONSE_CHARS
    kept = len(body["data"]["slots"])
    assert body["data"]["slots_truncated"] is True and 1 <= kept < 40
    assert body["message"] == render(kept)

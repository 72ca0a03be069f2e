"""`slotline replay --update`: a failing fixture's expectations rewritten from today's answers.

For a deliberate change of behaviour: each request step's `expect` (and `expect_http`) is changed
only where it fails, so matchers that still hold stay as written ("$contains" on a message that
still contains it, "$len" that still fits); a failing literal becomes the actual value, a failing
matcher the actual value (or its updated form: "$len", "$approx", "$absent"), a missing key
"$absent". `expect_final` is left alone. Never silent: the diff is shown first, then a confirmation
is asked for on the terminal; `--yes` skips the question, and without a terminal and without `--yes`
nothing is written.
"""

from __future__ import annotations

import copy
import difflib
import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent_functions.replay.matcher import is_matcher, match

if TYPE_CHECKING:
    from agent_functions.replay.runner import FixtureResult, StepOutcome


def refresh(expected: Any, actual: Any) -> Any:
    """`expected` changed just enough to match `actual` (unchanged when it matches already)."""
    if not match(expected, actual):
        return expected
    if is_matcher(expected):
        return _refresh_matcher(expected, actual)
    if isinstance(expected, dict) and isinstance(actual, dict):
        out: dict[str, Any] = {}
        for key, want in expected.items():
            if is_matcher(want) and "$absent" in want:
                out[key] = (
                    want
                    if not match({key: want}, actual)
                    else ({"$absent": True} if key not in actual or actual[key] is None else actual[key])
                )
            elif key not in actual:
                out[key] = {"$absent": True}
            else:
                out[key] = refresh(want, actual[key])
        return out
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [refresh(w, a) for w, a in zip(expected, actual, strict=True)]
    return actual


def _refresh_matcher(spec: dict[str, Any], actual: Any) -> Any:
    if "$len" in spec and isinstance(actual, (list, dict, str)):
        return {"$len": len(actual)}
    if "$approx" in spec:
        try:
            return {**spec, "$approx": str(Decimal(str(actual)))}
        except (InvalidOperation, ValueError):
            return actual
    if "$absent" in spec:
        return {"$absent": actual is None}
    return actual


def updated(fixture: dict[str, Any], outcomes: list[StepOutcome]) -> dict[str, Any]:
    """The fixture with each answered step's `expect` / `expect_http` refreshed from its outcome."""
    new = copy.deepcopy(fixture)
    steps = new.get("steps", [])
    for outcome in outcomes:
        step = steps[outcome.index]
        if outcome.http_status != step.get("expect_http", 200):
            step["expect_http"] = outcome.http_status
        if "expect" in step:
            step["expect"] = refresh(step["expect"], outcome.response)
    return new


def _text(fixture: dict[str, Any]) -> str:
    return json.dumps(fixture, ensure_ascii=False, indent=1)  # the layout of fixtures/calls


def diff(path: Path, old: dict[str, Any], new: dict[str, Any]) -> str:
    return "".join(
        difflib.unified_diff(
            _text(old).splitlines(keepends=True),
            _text(new).splitlines(keepends=True),
            f"{path} (now)",
            f"{path} (updated)",
            n=2,
        )
    )


def _confirmed(path: Path, assume_yes: bool) -> bool:
    if assume_yes:
        return True
    if not sys.stdin.isatty():
        print(f"     not updated: {path} needs a confirmation and there is no terminal; add --yes to write it")
        return False
    try:
        return input(f"     write the new expectations to {path}? [y/N] ").strip().lower() in ("y", "yes")
    except EOFError:
        return False


def offer_update(path: Path, fixture: dict[str, Any], result: FixtureResult, assume_yes: bool) -> bool:
    """Show the diff of `result`'s failing fixture updated from its answers and write it when
    confirmed; whether the file was written."""
    new = updated(fixture, result.outcomes)
    if new == fixture:
        print(f"     --update: nothing to change in the steps' expectations of {path}")
        return False
    print(diff(path, fixture, new), end="")
    if not _confirmed(path, assume_yes):
        return False
    original = path.read_text(encoding="utf-8")
    path.write_text(_text(new) + ("\n" if original.endswith("\n") else ""), encoding="utf-8")
    print(f"     updated {path}")
    return True

"""What `slotline replay` prints: a line per fixture, a diff line per mismatch, the totals.

`--verbose` adds every request step's body and whole answer under its fixture; `--json` prints one
JSON object at the end instead (with the steps under each fixture when verbose). Files that are JSON
but no fixture are named as such ("not a fixture") and counted apart from passed and failed ones.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent_functions.replay.runner import FixtureResult, StepOutcome


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


class Report:
    """Collects results and prints them as they come (text) or at the end (JSON)."""

    def __init__(self, *, as_json: bool, verbose: bool) -> None:
        self.as_json = as_json
        self.verbose = verbose
        self.results: list[FixtureResult] = []
        self.skipped: list[dict[str, str]] = []

    def add(self, result: FixtureResult, *, replacing_last: bool = False) -> None:
        """One fixture's result; `replacing_last`: the same fixture run again (after `--update`)."""
        if replacing_last:
            self.results.pop()
        self.results.append(result)
        if self.as_json:
            return
        mark = "PASS" if result.ok else "FAIL"
        print(f"{mark} {result.path} — {result.name} ({result.steps} steps, {result.ms:.0f} ms)")
        for problem in result.problems:
            print(f"     {problem}")
        if self.verbose:
            for outcome in result.outcomes:
                print(render_step(outcome))

    def not_a_fixture(self, path: Path, why: str) -> None:
        self.skipped.append({"path": str(path), "reason": why})
        if not self.as_json:
            print(f"SKIP {path} — not a fixture ({why})")

    def finish(self) -> int:
        """Print the totals; the exit code: 0 when every fixture passed, 1 when one failed or none ran."""
        passed = sum(r.ok for r in self.results)
        failed = len(self.results) - passed
        if self.as_json:
            fixtures = [
                {**r.to_dict(), **({"trace": [o.to_dict() for o in r.outcomes]} if self.verbose else {})}
                for r in self.results
            ]
            print(
                json.dumps(
                    {"passed": passed, "failed": failed, "not_fixtures": self.skipped, "fixtures": fixtures},
                    ensure_ascii=False,
                    indent=2,
                    default=str,
                )
            )
        else:
            aside = f", {len(self.skipped)} not a fixture" if self.skipped else ""
            print(f"{passed} passed, {failed} failed{aside}")
        if not self.results:
            print("no fixtures found", file=sys.stderr)
            return 1
        return 0 if failed == 0 else 1


def render_step(outcome: StepOutcome) -> str:
    """A step's request and whole answer, indented under its fixture's line."""
    return (
        f"     {outcome.label}\n"
        f"       request:  {_json(outcome.request)}\n"
        f"       response: HTTP {outcome.http_status} {_json(outcome.response)}"
    )

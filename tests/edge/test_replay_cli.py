"""`slotline replay` as a tool: files that are no fixture named as such, `--verbose` traces, and
`--update` that shows its diff and never writes without a confirmation (CONTRACT sections 5, 13).

The subject is the harness, not the engine: fixtures replay on its default SQLite (`make test` replays
every fixture on both engines).
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from agent_functions.cli import main
from agent_functions.replay.matcher import match
from agent_functions.replay.update import refresh

ROOT = Path(__file__).resolve().parents[2]
SLOTLINE = [sys.executable, "-m", "agent_functions.cli"]


def inline(name: str) -> dict[str, Any]:
    """A fixture of fixtures/calls with its tenant inline, so it can live in any folder."""
    fixture = json.loads((ROOT / "fixtures/calls" / name).read_text(encoding="utf-8"))
    fixture["tenant"] = yaml.safe_load((ROOT / "fixtures/calls" / fixture["tenant"]).read_text(encoding="utf-8"))
    return fixture


def outdated(tmp_path: Path) -> Path:
    """Fixture 14 expecting what the product no longer answers: another reason, two alternatives, a
    field it does not send; its message expectation still holds."""
    fixture = inline("14_alternatives_same_staff.json")
    expect = fixture["steps"][0]["expect"]
    expect["data"].update({"reason": "closed", "alternatives": {"$len": 2}, "retired_field": "x"})
    path = tmp_path / "outdated.json"
    path.write_text(json.dumps(fixture, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def test_files_that_are_no_fixture_are_named_and_not_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "14.json").write_text(json.dumps(inline("14_alternatives_same_staff.json")), encoding="utf-8")
    (tmp_path / "tenant.json").write_text(json.dumps({"id": "x", "services": []}), encoding="utf-8")
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    assert main(["replay", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for name in ("tenant.json", "list.json"):
        assert f"SKIP {tmp_path / name} — not a fixture" in out
    assert out.rstrip().endswith("1 passed, 0 failed, 2 not a fixture")
    assert main(["replay", "--json", str(tmp_path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["passed"], report["failed"]) == (1, 0)
    assert sorted(Path(s["path"]).name for s in report["not_fixtures"]) == ["list.json", "tenant.json"]
    # An incomplete fixture is still a failed one, and nothing but non-fixtures is no success.
    (tmp_path / "14.json").write_text(json.dumps({"steps": []}), encoding="utf-8")
    assert main(["replay", str(tmp_path)]) == 1
    assert "cannot load: a fixture needs at least `tenant` and `now`" in capsys.readouterr().out
    (tmp_path / "14.json").unlink()
    assert main(["replay", str(tmp_path)]) == 1
    assert "no fixtures found" in capsys.readouterr().err


def test_verbose_prints_every_request_and_whole_response(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "--verbose", str(ROOT / "fixtures/calls/14_alternatives_same_staff.json")]) == 0
    lines = capsys.readouterr().out.splitlines()
    request = json.loads(next(line for line in lines if "request:" in line).split("request:", 1)[1])
    assert request["name"] == "check_availability" and request["args"]["time"] == "10 Uhr"
    response_line = next(line for line in lines if "response:" in line).split("response: HTTP 200 ", 1)[1]
    response = json.loads(response_line)
    assert set(response) == {"status", "message", "data"} and len(response["data"]["alternatives"]) == 3
    assert main(["replay", "--verbose", "--json", str(ROOT / "fixtures/calls/14_alternatives_same_staff.json")]) == 0
    trace = json.loads(capsys.readouterr().out)["fixtures"][0]["trace"]
    assert trace[0]["response"] == response and trace[0]["http_status"] == 200


def test_update_without_a_terminal_shows_the_diff_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = outdated(tmp_path)
    before = path.read_text(encoding="utf-8")
    assert main(["replay", "--update", str(path)]) == 1  # pytest's stdin is no terminal
    out = capsys.readouterr().out
    changed = [
        line.replace(" ", "") for line in out.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert '-"reason":"closed",' in changed and '+"reason":"taken",' in changed and '-"$len":2' in changed
    assert out.index("FAIL") < out.index('"reason": "closed"')  # the failure first, then what would change
    assert "not updated" in out and "add --yes" in out
    assert path.read_text(encoding="utf-8") == before


def test_update_with_yes_rewrites_only_what_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = outdated(tmp_path)
    assert main(["replay", "--update", "--yes", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"updated {path}" in out and "PASS" in out and "(updated)" in out
    expect = json.loads(path.read_text(encoding="utf-8"))["steps"][0]["expect"]
    assert (
        expect["message"] == inline("14_alternatives_same_staff.json")["steps"][0]["expect"]["message"]
    )  # still holds
    assert expect["data"] == {"reason": "taken", "alternatives": {"$len": 3}, "retired_field": {"$absent": True}}
    assert path.read_text(encoding="utf-8").endswith("}\n")
    assert main(["replay", str(path)]) == 0


def test_update_asks_on_a_terminal(tmp_path: Path) -> None:
    """Run as a user would, on a pseudo-terminal: "n" keeps the file, "y" writes it."""
    path = outdated(tmp_path)
    before = path.read_text(encoding="utf-8")
    assert converse(["replay", "--update", str(path)], "n") == 1
    assert path.read_text(encoding="utf-8") == before
    assert converse(["replay", "--update", str(path)], "y") == 0
    assert json.loads(path.read_text(encoding="utf-8"))["steps"][0]["expect"]["data"]["reason"] == "taken"


def converse(argv: list[str], answer: str) -> int:
    """`slotline ARGV` with a pseudo-terminal as stdin; `answer` typed at the question."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [*SLOTLINE, *argv], stdin=follower, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT, env=env
    )
    os.close(follower)
    try:
        output = b""
        deadline = time.monotonic() + 120
        while b"[y/N]" not in output and process.poll() is None and time.monotonic() < deadline:
            output += os.read(leader, 4096) if _readable(leader) else b""
            output += _drain(process)
        os.write(leader, f"{answer}\n".encode())
        assert process.wait(timeout=120) is not None
    finally:
        os.close(leader)
    return process.returncode


def _readable(fd: int) -> bool:
    import select

    return bool(select.select([fd], [], [], 0.05)[0])


def _drain(process: subprocess.Popen[bytes]) -> bytes:
    import select

    assert process.stdout is not None
    if select.select([process.stdout], [], [], 0.05)[0]:
        return os.read(process.stdout.fileno(), 65536)
    return b""


@pytest.mark.parametrize(
    "expected, actual, refreshed",
    [
        ({"a": 1, "b": {"$contains": "x"}}, {"a": 2, "b": "xyz"}, {"a": 2, "b": {"$contains": "x"}}),
        ({"l": {"$len": 2}}, {"l": [1, 2, 3]}, {"l": {"$len": 3}}),
        ({"v": {"$approx": "1.00", "tol": "0.01"}}, {"v": "1.50"}, {"v": {"$approx": "1.50", "tol": "0.01"}}),
        ({"gone": {"$absent": True}}, {"gone": 5}, {"gone": 5}),
        ({"here": {"$absent": False}}, {}, {"here": {"$absent": True}}),
        ({"x": {"$regex": "^a"}}, {"x": "b"}, {"x": "b"}),
        ({"list": [1, 2]}, {"list": [1, 2, 3]}, {"list": [1, 2, 3]}),
        (
            {"list": [{"k": 1}, {"k": {"$any": [2, 3]}}]},
            {"list": [{"k": 9}, {"k": 3}]},
            {"list": [{"k": 9}, {"k": {"$any": [2, 3]}}]},
        ),
    ],
)
def test_refresh_changes_only_what_fails(expected: Any, actual: Any, refreshed: Any) -> None:
    assert match(expected, actual), "the case must start failing"
    assert refresh(expected, actual) == refreshed
    assert match(refreshed, actual) == []


def test_replay_refuses_to_empty_a_postgresql_database_it_did_not_make(capsys: pytest.CaptureFixture[str]) -> None:
    """Replay empties the database it is given per fixture; one holding other tables (someone's data)
    is refused with the reason and left alone, unless --wipe says so."""
    import asyncio

    import asyncpg

    from tests.pg_support import create_scratch_database, drop_scratch_database, require_postgres, scratch_name

    require_postgres()
    name = scratch_name("replay_guard")
    url = create_scratch_database(name)

    async def sql(statement: str) -> Any:
        conn = await asyncpg.connect(url)
        try:
            if statement.startswith("SELECT"):
                return await conn.fetchval(statement)
            return await conn.execute(statement)
        finally:
            await conn.close()

    fixture = str(ROOT / "fixtures/calls/14_alternatives_same_staff.json")
    try:
        asyncio.run(sql("CREATE TABLE precious (id int); INSERT INTO precious VALUES (1)"))
        assert main(["replay", "--database-url", url, fixture]) == 1
        assert "scratch database" in capsys.readouterr().err
        assert asyncio.run(sql("SELECT count(*) FROM precious")) == 1

        assert main(["replay", "--database-url", url, "--wipe", fixture]) == 0
        assert asyncio.run(sql("SELECT to_regclass('public.precious') IS NULL")) is True
        # what replay left behind it may empty again without --wipe
        assert main(["replay", "--database-url", url, fixture]) == 0
    finally:
        drop_scratch_database(name)

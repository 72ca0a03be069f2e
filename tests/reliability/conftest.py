"""Fixtures of the reliability and security suite, and its report at the end of the run.

`make test` runs every test here at a short scale; `make reliability` sets SLOTLINE_RELIABILITY=full
(more callers, more fuzzed inputs, longer load). Each test that starts servers gets a PostgreSQL
database of its own, named uniquely per run (created here, dropped after).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg_support import require_postgres, scratch_name
from tests.reliability.app_harness import Harness, database_for
from tests.reliability.support import REPORT, Report, create_database, drop_database


@pytest.fixture(scope="session")
def report() -> Report:
    return REPORT


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    failed = len(terminalreporter.stats.get("failed", [])) + len(terminalreporter.stats.get("error", []))
    if not any(REPORT.counts.values()) and not failed:
        return
    REPORT.counts["failures found"]["failed tests"] = failed
    terminalreporter.write_sep("-", "reliability")
    for line in REPORT.lines():
        terminalreporter.write_line(line)


@pytest.fixture
def reliability_pg(request: pytest.FixtureRequest) -> Iterator[str]:
    """A PostgreSQL database of this test's own: migrated, demo tenants loaded, dropped afterwards."""
    require_postgres()
    name = scratch_name("rel_" + request.node.name)
    url = create_database(name)
    yield url
    drop_database(name)


@pytest.fixture
def server_log(tmp_path: Path) -> Path:
    return tmp_path / "server.log"


@pytest.fixture(params=["sqlite", "postgres"])
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    """The app under fuzzing (app_harness.Harness) on each engine, in a database of the test's own."""
    with Harness(database_for(request)) as running:
        yield running

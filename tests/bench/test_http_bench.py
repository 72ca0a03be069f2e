"""`slotline bench` end to end, at toy size: it must keep working, and its report must add up.

Speed is not asserted here (benchmarks/README.md has the numbers); what is asserted is that the
bench drives a real server process over signed HTTP, that every function the simulated calls use
is measured without errors, and that the JSON has the shape the issue fixed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agent_functions.server_process import ServerProcess

FIELDS = {"p50_ms", "p95_ms", "p99_ms", "max_ms", "count", "errors"}


def test_bench_json_report(tmp_path: Path) -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "agent_functions.cli",
            "bench",
            "--json",
            "--duration",
            "3",
            "--concurrency",
            "4",
            "--appointments",
            "400",
            "--think-ms",
            "0",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout)
    assert report["database"] == "sqlite" and report["concurrency"] == 4 and report["workers"] == 1
    assert report["errors"] == 0, report["error_examples"]
    functions = report["functions"]
    assert {"get_context", "check_availability", "book_appointment"} <= set(functions)
    for summary in [*functions.values(), report["floor"]]:
        assert set(summary) == FIELDS
        assert summary["count"] > 0 and summary["errors"] == 0
        assert 0 < summary["p50_ms"] <= summary["p95_ms"] <= summary["p99_ms"] <= summary["max_ms"]
    requests = sum(s["count"] for s in functions.values()) + report["floor"]["count"]
    assert abs(report["calls_per_s"] - requests / report["duration_s"]) < 0.1 * report["calls_per_s"]
    assert 0 < report["peak_pss_mb"] <= report["peak_rss_mb"]
    assert report["appointments"] >= 300
    assert (tmp_path / "var" / "bench" / "server.log").stat().st_size > 0


def test_bench_spreads_calls_over_many_tenants(tmp_path: Path) -> None:
    """`--tenants N`: N tenants loaded in bulk, the calls ring all of them (the server's log names
    each call's tenant), memory and load time reported."""
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "agent_functions.cli",
            "bench",
            "--json",
            "--duration",
            "4",
            "--concurrency",
            "4",
            "--appointments",
            "300",
            "--think-ms",
            "0",
            "--tenants",
            "3",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout)
    assert report["tenants"] == 3 and report["tenant_cache"] == 256 and report["tenants_load_s"] > 0
    assert report["errors"] == 0, report["error_examples"]
    assert report["functions"]["check_availability"]["count"] > 0
    assert 0 < report["peak_pss_mb"] <= report["peak_rss_mb"]
    log = (tmp_path / "var" / "bench" / "server.log").read_text(encoding="utf-8")
    served = {line.split('"tenant": "')[1].split('"')[0] for line in log.splitlines() if '"tenant": "' in line}
    assert served == {"bench-salon", "bench-salon-001", "bench-salon-002"}


def test_a_server_not_ready_in_time_is_stopped(tmp_path: Path) -> None:
    """`with ServerProcess(...)` never reaches `__exit__` when starting fails: `start` stops it itself."""
    server = ServerProcess(f"sqlite+aiosqlite:///{tmp_path}/x.db", key="k", ready_timeout_s=0.01)
    with pytest.raises(TimeoutError), server:
        pass
    assert server.process is not None and server.process.poll() is not None

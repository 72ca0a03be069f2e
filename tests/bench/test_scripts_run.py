"""Every script in benchmarks/ loads: its imports resolve and its top level runs.

The scripts are outside `make lint`'s mypy run and no test loaded them, so `bench_round_trips.py` kept
importing `prepare_database` from the module it had moved out of, unnoticed until someone ran it. Each
script is loaded in a fresh interpreter under a name other than `__main__`, so nothing is measured.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
SCRIPTS = sorted(BENCHMARKS.glob("bench_*.py"))

LOAD = """
import importlib.util, sys
sys.path.insert(0, sys.argv[2])
spec = importlib.util.spec_from_file_location("loaded_bench_script", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
print("main" if callable(getattr(module, "main", None)) else "no main")
"""


def test_the_benchmarks_folder_has_scripts() -> None:
    assert len(SCRIPTS) >= 5


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_benchmark_script_loads(script: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", LOAD, str(script), str(BENCHMARKS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "main"

"""The bench code lives in one package that the scripts use one way: no product package imports `benchmarks`.

(`agent_functions/cli_bench.py` once imported `benchmarks`, which imported `agent_functions`: a cycle.)
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("agent_functions", "booking_core", "nlu", "integrations")


def imported_packages(path: Path) -> set[str]:
    """The top-level package of every import in the file, also those inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_product_packages_never_import_benchmarks() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for package in PRODUCT
        for path in sorted((ROOT / package).rglob("*.py"))
        if "benchmarks" in imported_packages(path)
    ]
    assert offenders == []


def test_the_check_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from benchmarks.http_bench import run_bench\n", encoding="utf-8")
    assert "benchmarks" in imported_packages(module)

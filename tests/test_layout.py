"""The test folders mirror the packages and are packages: every helper is imported as `tests.<folder>.<module>`.

A bare `from core_helpers import ...` only works when pytest happens to put that folder on sys.path
(and breaks when two folders hold a module of the same name); package imports work from any rootdir.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

TESTS = Path(__file__).resolve().parent
PRODUCT = {
    "agent_functions",
    "booking_core",
    "nlu",
    "integrations",
    "portal",
}  # tests/nlu, tests/integrations, tests/portal mirror these


def test_every_test_folder_is_a_package() -> None:
    folders = {path.parent for path in TESTS.rglob("*.py")}
    assert sorted(str(f.relative_to(TESTS.parent)) for f in folders if not (f / "__init__.py").exists()) == []


def test_no_test_module_is_imported_by_bare_name() -> None:
    local_names = {path.stem for path in TESTS.rglob("*.py")} | {
        path.parent.name for path in TESTS.rglob("__init__.py")
    }
    local_names -= {"__init__", TESTS.name, *PRODUCT}
    # An installed package that shares a test module's name is not that module (tests/fakes/retell.py
    # fakes the API of the `retell` SDK, which the tests also import).
    local_names -= {name for name in local_names if _installed_elsewhere(name)}
    bare = []
    for path in sorted(TESTS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module]
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
                else []
            )
            bare += [
                f"{path.relative_to(TESTS.parent)}:{node.lineno} {name}"
                for name in names
                if name.split(".")[0] in local_names
            ]
    assert bare == []


def _installed_elsewhere(name: str) -> bool:
    """Whether `name` imports as a package from outside the tests folder (an installed library)."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return False
    origin = spec.origin if spec is not None else None
    return origin is not None and TESTS not in Path(origin).resolve().parents

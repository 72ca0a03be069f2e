"""The layering of DESIGN.md, checked on the source: the edges (agent_functions, integrations, the
portal) import from booking_core and nlu only their public modules (`PUBLIC_MODULES` of each package)
and from those only names in `__all__`; nlu and booking_core import neither each other nor the edges;
textfold, the folding rule both share, imports nothing of ours."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

import booking_core
import nlu

ROOT = Path(__file__).resolve().parent.parent
EDGES = ("agent_functions", "integrations", "portal")
OURS = ("agent_functions", "integrations", "portal", "nlu", "booking_core", "textfold", "benchmarks")
PUBLIC = {"booking_core": set(booking_core.PUBLIC_MODULES), "nlu": set(nlu.PUBLIC_MODULES)}
# What each package may import of ours (besides itself).
ALLOWED = {"booking_core": {"textfold"}, "nlu": {"textfold"}, "textfold": set()}


def sources(package: str) -> Iterator[Path]:
    yield from sorted((ROOT / package).rglob("*.py"))


def imports(path: Path) -> Iterator[tuple[int, str, list[str]]]:
    """(line, module, names) of every import in the file, function-level and TYPE_CHECKING ones too;
    names are [] for `import module`."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module, [alias.name for alias in node.names]


def top(module: str) -> str:
    return module.split(".")[0]


def problems_of_edge_import(module: str, names: list[str]) -> list[str]:
    """Why importing `names` from `module` (of booking_core or nlu) reaches past the public surface."""
    public = PUBLIC[top(module)]
    if module == top(module):  # the package itself: `from booking_core.storage import models` style is below
        return [
            f"{module}.{n} is not public"
            for n in names
            if f"{module}.{n}" not in public and n not in getattr(importlib.import_module(module), "__all__", ())
        ]
    if module not in public:
        subs = [f"{module}.{n}" for n in names]
        if names and all(s in public for s in subs):  # `from booking_core.storage import models`
            return []
        return [f"{module} is not a public module"]
    exported = set(importlib.import_module(module).__all__)
    return [f"{module}.{n} is not in its __all__" for n in names if n not in exported and f"{module}.{n}" not in public]


def test_edges_import_only_the_public_surface() -> None:
    found = []
    for edge in EDGES:
        for path in sources(edge):
            for line, module, names in imports(path):
                if top(module) in PUBLIC:
                    found += [f"{path.relative_to(ROOT)}:{line}: {p}" for p in problems_of_edge_import(module, names)]
    assert found == []


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_inner_packages_do_not_import_against_the_arrows(package: str) -> None:
    forbidden = set(OURS) - ALLOWED[package] - {package}
    found = [
        f"{path.relative_to(ROOT)}:{line}: imports {module}"
        for path in sources(package)
        for line, module, _ in imports(path)
        if top(module) in forbidden
    ]
    assert found == []


@pytest.mark.parametrize("module", sorted(booking_core.PUBLIC_MODULES + nlu.PUBLIC_MODULES))
def test_public_modules_say_what_they_export(module: str) -> None:
    loaded = importlib.import_module(module)
    exported = getattr(loaded, "__all__", None)
    assert exported, f"{module} has no __all__"
    assert [n for n in exported if not hasattr(loaded, n)] == []


def test_the_checks_see_a_reach_past_the_surface() -> None:
    """The edge check itself: a private module, a private name and a public one are told apart."""
    assert problems_of_edge_import("booking_core.search", ["check"]) == ["booking_core.search is not a public module"]
    assert problems_of_edge_import("booking_core.service", ["open_context"]) == [
        "booking_core.service.open_context is not in its __all__"
    ]
    assert problems_of_edge_import("booking_core.service", ["BookingService"]) == []
    assert problems_of_edge_import("booking_core.storage", ["models"]) == []
    assert problems_of_edge_import("nlu.when_grammar", ["resolve"]) == ["nlu.when_grammar is not a public module"]

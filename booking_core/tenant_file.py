"""Reading tenant files (YAML or JSON) into a validated `TenantConfig`.

Every problem is reported with the file, the path inside it and the reason, and a file with any
problem yields no config at all: a half-loaded salon is worse than none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from booking_core.tenant_config import TenantConfig
from booking_core.tenant_references import REFERENCES_PREFIX, reference_problems

__all__ = ["Problem", "TenantFileError", "parse_tenant", "read_tenant_file"]


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path or '(top)'}: {self.reason}"


class TenantFileError(Exception):
    """The file could not be used; `problems` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def parse_tenant(data: Any, source: str = "<inline>") -> TenantConfig:
    """Validate an already-parsed document (a dict), raising `TenantFileError` with all problems:
    field errors and broken cross-references (booking_core.tenant_references) alike, in one run."""
    if not isinstance(data, dict):
        raise TenantFileError([Problem(source, "", "a tenant file is a mapping (YAML object)")])
    try:
        return TenantConfig.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(part) for part in err["loc"] if not str(part).startswith("function-"))
            msg = err["msg"].removeprefix("Value error, ")
            if not msg.startswith(REFERENCES_PREFIX):  # listed below, each with its own path
                problems.append(Problem(source, loc, msg))
        problems.extend(Problem(source, path, reason) for path, reason in reference_problems(data))
        raise TenantFileError(problems) from None


def read_tenant_file(path: str | Path) -> TenantConfig:
    """Read and validate a tenant file; YAML (JSON is a subset, and `.json` is parsed as JSON)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TenantFileError([Problem(str(path), "", f"cannot read: {exc.strerror or exc}")]) from None
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise TenantFileError([Problem(str(path), "", f"not valid YAML/JSON: {exc}")]) from None
    return parse_tenant(data, str(path))

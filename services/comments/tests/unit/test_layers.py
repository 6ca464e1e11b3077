"""The layers keep their distance: the domain imports no I/O library, and the service layer
imports no adapter, wiring, entrypoint or I/O library (``bootstrap.py`` wires the real
adapters; the unit tests wire in-memory fakes)."""

from __future__ import annotations

import ast
from pathlib import Path

import comments.domain
import comments.service

DOMAIN = Path(comments.domain.__file__).parent
SERVICE = Path(comments.service.__file__).parent
IO_LIBRARIES = ("httpx", "pymongo", "aiokafka", "faststream", "fastapi", "socket", "itsdangerous")
SERVICE_FORBIDDEN = (
    "comments.adapters",
    "comments.bootstrap",
    "comments.entrypoints",
    "comments.main",
    *IO_LIBRARIES,
)


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def offenders(folder: Path, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    modules = sorted(folder.glob("*.py"))
    assert modules
    found = {
        path.name: sorted(
            m
            for m in imported_modules(path)
            if m.split(".")[0] in forbidden or m.startswith(forbidden)
        )
        for path in modules
    }
    return {name: names for name, names in found.items() if names}


def test_the_domain_imports_no_io_library() -> None:
    assert offenders(DOMAIN, IO_LIBRARIES) == {}


def test_the_service_layer_imports_no_adapter_and_no_io_library() -> None:
    assert offenders(SERVICE, SERVICE_FORBIDDEN) == {}

"""The service layer depends on ports, not on adapters: no module of ``listening.service``
imports an adapter, the wiring, an entrypoint, an I/O library or a model (``bootstrap.py`` wires the
real adapters; the unit tests wire in-memory fakes)."""

from __future__ import annotations

import ast
from pathlib import Path

import listening.service

SERVICE = Path(listening.service.__file__).parent
FORBIDDEN = (
    "listening.adapters",
    "listening.bootstrap",
    "listening.entrypoints",
    "listening.main",
    "httpx",
    "pymongo",
    "py3langid",
    "vaderSentiment",
    "standardwebhooks",
    "aiokafka",
    "faststream",
    "fastapi",
)


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def test_the_service_layer_imports_no_adapter_and_no_io_library() -> None:
    modules = sorted(SERVICE.glob("*.py"))
    assert modules
    found = {
        path.name: sorted(
            m
            for m in imported_modules(path)
            if m.split(".")[0] in FORBIDDEN or m.startswith(FORBIDDEN)
        )
        for path in modules
    }
    assert {name: names for name, names in found.items() if names} == {}

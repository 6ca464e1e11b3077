"""The domain imports no I/O library; the service layer imports no adapter, wiring,
entrypoint or I/O library (bootstrap wires the real adapters; unit tests wire fakes)."""

from __future__ import annotations

import ast
from pathlib import Path

import media.domain
import media.service

IO_LIBRARIES = frozenset(
    {"httpx", "pymongo", "gridfs", "aiokafka", "faststream", "fastapi", "PIL", "filetype", "socket"}
)
SERVICE_FORBIDDEN = (
    "media.adapters",
    "media.bootstrap",
    "media.entrypoints",
    "media.main",
    *IO_LIBRARIES,
)


def imported(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def offenders(package: Path, forbidden: tuple[str, ...] | frozenset[str]) -> dict[str, list[str]]:
    found = {
        path.name: sorted(
            m
            for m in imported(path)
            if m.split(".")[0] in forbidden or m.startswith(tuple(forbidden))
        )
        for path in sorted(package.glob("*.py"))
    }
    return {name: names for name, names in found.items() if names}


def test_the_domain_imports_no_io_library() -> None:
    assert offenders(Path(media.domain.__file__).parent, IO_LIBRARIES) == {}


def test_the_service_layer_imports_no_adapter_and_no_io_library() -> None:
    assert offenders(Path(media.service.__file__).parent, SERVICE_FORBIDDEN) == {}

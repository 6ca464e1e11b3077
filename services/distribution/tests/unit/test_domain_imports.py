"""The domain is plain Python: no client, driver or broker library in ``distribution.domain``
(adapters map their errors and answers to the domain's outcomes)."""

from __future__ import annotations

import ast
from pathlib import Path

import distribution.domain

DOMAIN = Path(distribution.domain.__file__).parent
IO_LIBRARIES = frozenset(
    {"httpx", "pymongo", "aiosmtplib", "aiokafka", "faststream", "fastapi", "smtplib", "socket"}
)


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_domain_imports_no_io_library() -> None:
    modules = sorted(DOMAIN.rglob("*.py"))
    assert modules
    found = {
        str(path.relative_to(DOMAIN)): sorted(imported_roots(path) & IO_LIBRARIES)
        for path in modules
    }
    assert {module: names for module, names in found.items() if names} == {}

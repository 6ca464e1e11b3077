"""The layers of every service keep their distance: the domain imports no I/O library, and the
service layer imports no adapter, wiring, entrypoint or I/O library (each ``bootstrap.py`` wires
the real adapters; the unit tests wire in-memory fakes). One test for all services, found by
their ``services/<name>/src/<name>/domain`` packages."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
SERVICES = sorted(p.parent.name for p in ROOT.glob("services/*/src/*/domain"))
# Client, driver, broker and file-format libraries: adapters wrap them, and map their errors
# and answers to the domain's outcomes.
IO_LIBRARIES = (
    "httpx",
    "requests",
    "socket",
    "urllib.request",
    "pymongo",
    "gridfs",
    "aiobotocore",
    "botocore",
    "aiokafka",
    "faststream",
    "fastapi",
    "aiosmtplib",
    "itsdangerous",
    "PIL",
    "filetype",
    "imageio_ffmpeg",
    "pypdfium2",
    "defusedxml",
    "zipfile",
    "subprocess",
    "py3langid",
    "vaderSentiment",
    "standardwebhooks",
    "feedparser",  # parses feeds, and fetches a URL or opens a file it is given by mistake
)


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def offenders(package: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    folder = Path(importlib.import_module(package).__file__ or "").parent
    modules = sorted(folder.rglob("*.py"))
    assert modules, package
    found = {
        str(path.relative_to(folder)): sorted(
            m
            for m in imported_modules(path)
            if m in forbidden or m.startswith(tuple(f + "." for f in forbidden))
        )
        for path in modules
    }
    return {name: names for name, names in found.items() if names}


def test_every_service_is_covered() -> None:
    assert {"publisher", "distribution", "media", "comments", "listening"} <= set(SERVICES)


@pytest.mark.parametrize("service", SERVICES)
def test_the_domain_imports_no_io_library(service: str) -> None:
    assert offenders(f"{service}.domain", IO_LIBRARIES) == {}


@pytest.mark.parametrize("service", SERVICES)
def test_the_service_layer_imports_no_adapter_and_no_io_library(service: str) -> None:
    own = tuple(f"{service}.{part}" for part in ("adapters", "bootstrap", "entrypoints", "main"))
    assert offenders(f"{service}.service", (*own, *IO_LIBRARIES)) == {}

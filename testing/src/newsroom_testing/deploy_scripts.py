"""The proxy's route module and the local stack's installer, loaded from their files.

Both are scripts under ``deploy/`` (standard library only, run before anything is installed),
not packages: the tests load them the way ``./dev`` runs them.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[3]


def _load(name: str, path: Path) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def routes() -> ModuleType:
    return _load("newsroom_deploy_proxy_routes", ROOT / "deploy" / "proxy" / "routes.py")


def devstack() -> ModuleType:
    return _load("newsroom_deploy_local_devstack", ROOT / "deploy" / "local" / "devstack.py")

"""The browser tests' installer (``devstack.py browser``): quick when all is there, and when
something cannot be installed it says exactly what, and the browser tests fail with that."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from newsroom_testing import browser
from newsroom_testing.deploy_scripts import devstack


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """devstack with its state under tmp_path and no command allowed to run unless a test says."""
    module = devstack()
    monkeypatch.setattr(module, "STATE", tmp_path / "state")

    def no_command(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"ran {args[0]!r}")

    monkeypatch.setattr(module.subprocess, "run", no_command)
    return module


def _installed_axe(stack: Any) -> Path:
    script = stack.STATE / "axe" / "node_modules" / "axe-core" / "axe.min.js"
    script.parent.mkdir(parents=True)
    script.write_text("window.axe = {}")
    (stack.STATE / "axe" / ".package-lock.json").write_text(stack.AXE_LOCK.read_text())
    return script


def test_installed_tools_are_found_without_running_anything(
    stack: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    chromium = tmp_path / "chromium"
    chromium.write_text("")
    monkeypatch.setattr(stack, "CHROMIUM", chromium)
    script = _installed_axe(stack)
    assert stack.browser_tools() == (chromium, script)


def test_without_chromium_and_root_it_says_which_command_to_run(
    stack: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(stack, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setattr(stack.os, "geteuid", lambda: 1000)
    with pytest.raises(SystemExit, match=r"run 'apt-get install -y chromium' as root"):
        stack.chromium_binary()


def test_without_chromium_as_root_it_installs_debians_package(
    stack: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    chromium = tmp_path / "chromium"
    monkeypatch.setattr(stack, "CHROMIUM", chromium)
    monkeypatch.setattr(stack.os, "geteuid", lambda: 0)
    commands: list[list[str]] = []

    def apt_get(argv: list[str], **kwargs: Any) -> None:
        commands.append(argv)
        if "install" in argv:
            chromium.write_text("")  # what the package puts there

    monkeypatch.setattr(stack.subprocess, "run", apt_get)
    assert stack.chromium_binary() == chromium
    assert [c[-1] for c in commands] == ["-qq", "chromium"]
    assert all(c[:3] == ["apt-get", "-o", "DPkg::Lock::Timeout=600"] for c in commands)


def test_without_npm_it_says_so(stack: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stack.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit, match="npm is missing"):
        stack.axe_script()


def test_a_changed_lock_installs_axe_again_with_npm_ci(
    stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = _installed_axe(stack)
    (stack.STATE / "axe" / ".package-lock.json").write_text("an older lock")
    monkeypatch.setattr(stack.shutil, "which", lambda name: f"/usr/bin/{name}")
    ran: list[list[str]] = []
    monkeypatch.setattr(stack.subprocess, "run", lambda argv, **kw: ran.append(argv))
    assert stack.axe_script() == script
    assert ran[0][:2] == ["/usr/bin/npm", "ci"]
    assert (stack.STATE / "axe" / "package-lock.json").read_text() == stack.AXE_LOCK.read_text()


def test_a_browser_test_fails_with_the_installers_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> None:
        raise SystemExit("npm is missing (the browser tests take axe-core from the npm registry)")

    monkeypatch.setattr(devstack(), "browser_tools", missing)
    with pytest.raises(pytest.fail.Exception, match="could not be installed: npm is missing"):
        browser.browser_tools()


def test_a_failed_install_command_fails_the_browser_tests_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def apt_failed() -> None:
        raise subprocess.CalledProcessError(100, ["apt-get", "install", "chromium"])

    monkeypatch.setattr(devstack(), "browser_tools", apt_failed)
    with pytest.raises(pytest.fail.Exception, match="apt-get"):
        browser.browser_tools()

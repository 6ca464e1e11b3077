"""Browser tests: Debian's Chromium driven by Playwright, axe-core injected into each page.

``./dev test`` installs both before pytest starts (``deploy/local/devstack.py browser``); run
directly, the first browser test installs them. What cannot be installed fails the test with
the installer's reason: browser tests are never skipped.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import BrowserContext, Frame, Page, async_playwright

from newsroom_testing.deploy_scripts import ROOT, devstack

# Screenshots of every page a browser test visits (gitignored): kept for a person to look at.
ARTIFACTS = ROOT / "test-artifacts" / "browser"

# Headless Chromium that talks to nothing but the pages under test.
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# axe-core's impact levels that fail a page (WCAG 2.2 AA is the goal; "minor" and "moderate"
# are reported by axe too but are judgement calls).
FAILING_IMPACTS = frozenset({"serious", "critical"})


@dataclass(frozen=True, slots=True)
class BrowserTools:
    chromium: Path
    axe_script: Path


def browser_tools() -> BrowserTools:
    """Chromium and axe-core, installed when missing; a failure says exactly what is missing."""
    try:
        chromium, axe = devstack().browser_tools()
    except SystemExit as failure:
        pytest.fail(f"the browser tests' tools could not be installed: {failure}")
    except (OSError, subprocess.CalledProcessError) as failure:
        pytest.fail(f"the browser tests' tools could not be installed: {failure!r}")
    return BrowserTools(chromium=chromium, axe_script=axe)


@asynccontextmanager
async def chromium(tools: BrowserTools, profile: Path) -> AsyncIterator[BrowserContext]:
    """Headless Chromium with a fresh profile in ``profile``."""
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(tools.chromium),
            headless=True,
            args=CHROMIUM_ARGS,
        )
        try:
            yield context
        finally:
            await context.close()


def _summary(violation: dict[str, Any]) -> str:
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
    return f"{violation['impact']}: {violation['id']} ({violation['help']}) at {targets}"


async def accessibility_failures(page: Page, tools: BrowserTools) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    await page.add_script_tag(path=str(tools.axe_script))
    result: dict[str, Any] = await page.evaluate("async () => await axe.run(document)")
    return [_summary(v) for v in result["violations"] if v["impact"] in FAILING_IMPACTS]


async def assert_accessible(page: Page, tools: BrowserTools, name: str) -> None:
    """No serious or critical axe violation in the light and the dark colour scheme; a
    screenshot of each (``<name>-light.png``, ``<name>-dark.png``)."""
    failures: dict[str, list[str]] = {}
    for scheme in ("light", "dark"):
        await page.emulate_media(color_scheme=scheme)
        await screenshot(page, f"{name}-{scheme}")
        failures[scheme] = await accessibility_failures(page, tools)
    await page.emulate_media(color_scheme="no-preference")
    assert failures == {"light": [], "dark": []}, f"axe-core on {page.url}: {failures}"


async def frame_accessibility_failures(frame: Frame, tools: BrowserTools) -> list[str]:
    """axe-core's serious and critical violations in a frame's document (the comments widget's,
    say). axe is evaluated in the frame (DevTools evaluation): the widget's policy refuses
    injected script tags, and axe run in the page does not look inside frames it is not in."""
    if not await frame.evaluate("typeof axe !== 'undefined'"):
        await frame.evaluate(tools.axe_script.read_text(encoding="utf-8"))
    found: str = await frame.evaluate(
        "async () => JSON.stringify((await axe.run(document)).violations)"
    )
    return [_summary(v) for v in json.loads(found) if v["impact"] in FAILING_IMPACTS]


async def assert_frame_accessible(page: Page, frame: Frame, tools: BrowserTools, name: str) -> None:
    """No serious or critical axe violation in ``frame``, in the light and the dark scheme; a
    screenshot of the page around it in each (``<name>-light.png``, ``<name>-dark.png``)."""
    failures: dict[str, list[str]] = {}
    for scheme in ("light", "dark"):
        await page.emulate_media(color_scheme=scheme)
        await screenshot(page, f"{name}-{scheme}")
        failures[scheme] = await frame_accessibility_failures(frame, tools)
    await page.emulate_media(color_scheme="no-preference")
    assert failures == {"light": [], "dark": []}, f"axe-core in the frame {frame.url}: {failures}"


async def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot under ``test-artifacts/browser/``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path

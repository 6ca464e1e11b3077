"""Pytest fixtures of the browser tests (registered in the root conftest.py): the tools found or
installed once per run, and one headless Chromium for the whole run (each test opens its own
page in it)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import BrowserContext

from newsroom_testing.browser import BrowserTools, browser_tools, chromium


@pytest.fixture(scope="session")
def tools() -> BrowserTools:
    return browser_tools()


@pytest.fixture(scope="session")
async def browser(
    tools: BrowserTools, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[BrowserContext]:
    async with chromium(tools, tmp_path_factory.mktemp("chromium-profile")) as context:
        yield context

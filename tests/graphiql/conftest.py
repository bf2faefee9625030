"""Headless Chromium (Debian's ``chromium``) driven by Playwright, for the browser tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# Never `playwright install`: it downloads a browser of its own, which fails here. The
# system's Chromium is enough, with flags that keep it from calling home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str) -> None:
    """Skip with ``reason``; in CI (``CI=true``) the browser is required, so fail."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"the browser tests are required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the module; each test opens its own context.

    ``OMI_TEST_CHROMIUM`` names another Chromium binary; by default Debian's ``chromium``.
    """
    executable = (
        os.environ.get("OMI_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    )
    if not os.access(executable, os.X_OK):
        _unavailable("no Chromium: install Debian's `chromium` (apt-get install -y chromium)")
    # Imported here so the page and asset tests run without Playwright (a dev dependency).
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()

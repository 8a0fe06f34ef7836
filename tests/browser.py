"""A headless Chromium for the tests that look at pages as a person would, and the session's live server.

Debian's `chromium` and `chromium-driver` are driven through Selenium; one browser is
started per test session (whichever module asks first) with a fresh profile and every
background service that could reach the network switched off. Without the browser the
tests skip with a message saying how to install it, except under CI (CI=true), where a
missing browser is a failure: `.ci/run` installs it.

Test modules import the fixtures they use:

    from .browser import browser_fixture, shared_server_fixture  # noqa: F401 - fixtures `browser`, `server`

`screenshot(driver, name)` saves a PNG under test-artifacts/ (gitignored) to look at.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from xianan_kg.rdf import paths

from .protocol.live_server import shared_server_fixture  # noqa: F401 - the live server, re-exported

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = paths.ROOT / "test-artifacts"
WINDOW = (1400, 1000)
WAIT_SECONDS = 20
INSTALL_HINT = "apt-get install chromium chromium-driver fonts-noto-cjk (.ci/run installs them)"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",  # root in a container has no user namespace for the sandbox
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--metrics-recording-only",
    "--lang=en-GB",
    f"--window-size={WINDOW[0]},{WINDOW[1]}",
)


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    for program in (CHROMIUM, CHROMEDRIVER):
        if not program.is_file():
            return f"{program} not found: {INSTALL_HINT}"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed: pip install -e '.[test]'"
    return None


def require_browser() -> None:
    """Skip (locally) or fail (under CI) when headless Chromium is not here."""
    reason = missing_browser()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


_BROWSER: dict[str, object] = {}


def shared_browser(downloads: Path) -> object:
    """One Chromium for the whole session; its profile and download folder are fresh temporary folders."""
    if "driver" in _BROWSER:
        return _BROWSER["driver"]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = Path(tempfile.mkdtemp(prefix="chromium-profile-"))
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # console messages, CSP reports among them
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(WAIT_SECONDS)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    _BROWSER.update(driver=driver, profile=profile)
    return driver


def quit_browser() -> None:
    driver = _BROWSER.pop("driver", None)
    if driver is not None:
        driver.quit()
    profile = _BROWSER.pop("profile", None)
    if profile is not None:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session", name="downloads")
def downloads_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the browser saves what a page offers for download: one folder, whichever module asks first."""
    if "downloads" not in _BROWSER:
        _BROWSER["downloads"] = tmp_path_factory.mktemp("downloads")
    return _BROWSER["downloads"]


@pytest.fixture(scope="session", name="browser")
def browser_fixture(downloads: Path) -> Iterator[object]:
    """The session's headless Chromium (a selenium WebDriver)."""
    require_browser()
    yield shared_browser(downloads)
    quit_browser()


def wait_until(driver: object, condition: Callable[[object], object], timeout: float = WAIT_SECONDS) -> object:
    """What `condition(driver)` returns once it is truthy; a TimeoutException says what the page showed."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def first_visit(driver: object) -> None:
    """Forget cookies (the language chosen on an earlier page among them) and what the console logged so far."""
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    console_errors(driver)


def console_errors(driver: object) -> list[str]:
    """The console's errors since the last call (a blocked script or style, a failed request, an exception)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def screenshot(driver: object, name: str, full_page: bool = False) -> Path:
    """Save the window (or the whole page) as test-artifacts/NAME.png and return the path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    if full_page:
        import base64

        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        path.write_bytes(base64.b64decode(shot["data"]))
    else:
        driver.save_screenshot(str(path))
    return path

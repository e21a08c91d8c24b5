"""Fixtures for the app tests: a real catalog built with the `recert` CLI, AppTest runs of each page,
and (for @pytest.mark.e2e) a real `streamlit run` server plus headless Debian Chromium."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from harness.app_server import CHROMIUM, CHROMIUM_ARGS, running_app

ROOT = Path(__file__).resolve().parents[2]
RECERT = ROOT / ".venv" / "bin" / "recert"
ARTIFACTS = ROOT / "test-artifacts"
APPTEST_TIMEOUT = 30


def recert(*args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the real `recert` command from the project root."""
    command = [str(RECERT) if RECERT.exists() else "recert", *map(str, args)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=check, timeout=300)


@pytest.fixture(scope="session")
def sample_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample catalog, built once per session with `recert sample`."""
    path = tmp_path_factory.mktemp("app-catalog") / "catalog.duckdb"
    result = recert("sample", "--catalog", path, check=False)
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture(autouse=True)
def recert_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty profile store ($RECERT_HOME) for every test: nothing read from or written to the
    user's own profiles."""
    home = tmp_path / "recert-home"
    monkeypatch.setenv("RECERT_HOME", str(home))
    return home


@pytest.fixture()
def catalog(sample_catalog: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The session's sample catalog, read (never written) by the app under test via $RECERT_CATALOG."""
    monkeypatch.setenv("RECERT_CATALOG", str(sample_catalog))
    return sample_catalog


@pytest.fixture()
def private_catalog(sample_catalog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the sample catalog this test may change; the app reads it via $RECERT_CATALOG."""
    path = tmp_path / "catalog.duckdb"
    shutil.copy(sample_catalog, path)
    monkeypatch.setenv("RECERT_CATALOG", str(path))
    return path


def stored_profile(data: dict[str, Any], name: str = "me") -> None:
    """Store ``data`` as the profile ``name`` in $RECERT_HOME and make it the last used (the app opens it)."""
    from recert.store import ProfileStore

    store = ProfileStore()
    store.write(name, data, expected_version=None)
    store.set_last_used(name)


OpenPage = Callable[[str], AppTest]


def run_page(name: str) -> AppTest:
    """Run app.py in AppTest on app_pages/<name>.py; fails on any uncaught exception."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT)
    if name != "catalog":
        at.switch_page(f"app_pages/{name}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture()
def open_page(catalog: Path, monkeypatch: pytest.MonkeyPatch) -> OpenPage:
    """``open_page("plan")`` → the AppTest of that page over the sample catalog."""
    monkeypatch.chdir(ROOT)
    return run_page


# --- browser ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def app_url(sample_catalog: Path) -> Iterator[str]:
    """The app serving the session's sample catalog (server log next to the catalog)."""
    with (sample_catalog.parent / "streamlit.log").open("wb") as log, running_app(sample_catalog, log) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian Chromium through plain playwright.sync_api (no browser download). Module scope: the
    sync API's event loop ends with the browser tests, so later tests may call asyncio.run()."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture()
def artifacts() -> Path:
    """test-artifacts/ (git-ignored) for screenshots."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS

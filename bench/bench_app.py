"""How fast each app page is ready on the sample catalog (target: ≤ 2 s).

`.venv/bin/python -m bench.bench_app [CATALOG]` — builds the sample catalog with `recert sample` unless a
catalog file is given. Two measurements:

- AppTest (the script run alone): for each page, the first run in a fresh process (imports and cold
  caches: what the first visitor after `make app` waits for) and the median of warm runs (a new session on
  a running server, Streamlit's caches filled). "Plan (make my plan)" is the click on the button until the
  plan is drawn.
- Browser (what a user sees): `streamlit run` on 127.0.0.1 and headless Debian Chromium; each page opened
  by its URL in a new tab (a new session) until its last element is visible, median of the warm loads.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("catalog", "my_credentials", "plan", "compare", "about")
REPEATS = 7
TARGET_S = 2.0
ONE_OFF = "open the app"


def _app_test(page: str) -> object:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if page != "catalog":
        at.switch_page(f"app_pages/{page}.py")
    return at


def _ready(page: str) -> float:
    """Seconds until ``page`` has run to the end with no exception or error shown."""
    at = _app_test(page)
    start = time.perf_counter()
    at.run()  # type: ignore[attr-defined]
    elapsed = time.perf_counter() - start
    assert not at.exception and not at.error, (page, at.exception, at.error)  # type: ignore[attr-defined]
    return elapsed


def _make_plan() -> float:
    """Seconds from clicking "Make my plan" (example profile) until the plan is drawn."""
    at = _app_test("plan")
    at.run()  # type: ignore[attr-defined]
    at.button(key="plan_use_example").click().run()  # type: ignore[attr-defined]
    start = time.perf_counter()
    at.button(key="plan_make").click().run()  # type: ignore[attr-defined]
    elapsed = time.perf_counter() - start
    assert not at.exception and at.metric, "no plan was drawn"  # type: ignore[attr-defined]
    return elapsed


def _measure(name: str, action: Callable[[], float]) -> tuple[str, float, float]:
    first = action()
    warm = statistics.median(action() for _ in range(REPEATS))
    return name, first, warm


# navigation title → text of the element drawn last on that page (the page is ready when it is visible)
BROWSER_PAGES = {
    "Catalog": "courses match.",
    "My credentials": "Your profile file",
    "Plan": "Use the example profile",
    "Compare": "A course's price over time",
    "About the data": "How to refresh",
}


def _browser(catalog: Path) -> list[tuple[str, float, float]]:
    """Seconds from a click in the sidebar until the page's last element is visible: the first visit to
    each page, and the median of later visits. The "open the app" row is the first page load of all
    (frontend, session and a cold server)."""
    from playwright.sync_api import sync_playwright

    from tests.app.conftest import CHROMIUM, CHROMIUM_ARGS, running_app

    times: dict[str, list[float]] = {title: [] for title in BROWSER_PAGES}
    with running_app(catalog) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        tab.set_default_timeout(120_000)
        start = time.perf_counter()
        tab.goto(url)
        tab.get_by_text(BROWSER_PAGES["Catalog"]).first.wait_for(state="visible")
        opened = time.perf_counter() - start
        for _ in range(REPEATS + 1):
            for title, last in [*list(BROWSER_PAGES.items())[1:], *list(BROWSER_PAGES.items())[:1]]:
                start = time.perf_counter()
                tab.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
                tab.get_by_text(last).first.wait_for(state="visible")
                times[title].append(time.perf_counter() - start)
        browser.close()
    rows = [(ONE_OFF, opened, opened)]
    rows += [(title, spent[0], statistics.median(spent[1:])) for title, spent in times.items()]
    return rows


def _catalog() -> Path:
    if len(sys.argv) > 1 and Path(sys.argv[-1]).suffix == ".duckdb":
        return Path(sys.argv[-1])
    folder = Path(tempfile.mkdtemp(prefix="bench-app-"))
    path = folder / "catalog.duckdb"
    recert = ROOT / ".venv" / "bin" / "recert"
    subprocess.run([str(recert), "sample", "--catalog", str(path)], cwd=ROOT, check=True, capture_output=True)
    return path


def main() -> None:
    catalog = _catalog()
    os.environ["RECERT_CATALOG"] = str(catalog)
    os.chdir(ROOT)
    rows = [_measure(page, lambda page=page: _ready(page)) for page in PAGES]
    rows.append(_measure("plan (make my plan)", _make_plan))
    print(f"catalog: {catalog}  (median of {REPEATS} warm runs after one first run; target ≤ {TARGET_S} s)")
    _report("AppTest", rows)
    _report("browser", _browser(catalog))


def _report(how: str, rows: list[tuple[str, float, float]]) -> None:
    print(f"{how:<22}{'first s':>10}{'warm median s':>15}  within target")
    for name, first, warm in rows:
        verdict = "(once per visit)" if name == ONE_OFF else "yes" if warm <= TARGET_S else "NO"
        print(f"{name:<22}{first:>10.2f}{warm:>15.2f}  {verdict}")


if __name__ == "__main__":
    main()

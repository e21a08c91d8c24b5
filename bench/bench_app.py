"""How fast each app page is ready on the sample catalog (target: a warm page view ≤ 1 s).

`.venv/bin/python -m bench.bench_app [--before DIR] [--browser-only] [CATALOG]` — builds the sample catalog
with `recert sample` unless a catalog file is given; ``--before DIR`` also measures the app in another
checkout (e.g. `git worktree add --detach /tmp/before main`), taking turns with this one. Two measurements:

- AppTest (the script run alone): for each page, the first run in a fresh process (imports and cold
  caches: what the first visitor after `make app` waits for) and the median of warm runs (a new session on
  a running server, Streamlit's caches filled). "Plan (make my plan)" is the click on the button until the
  plan is drawn; "plan, N alternatives" is the Plan page's ``ui.make_plan`` alone, in this process
  (target ≤ 0.5 s with 2). The example profile is stored in a fresh $RECERT_HOME; every session opens it.
- Browser (what a user sees): `streamlit run` on 127.0.0.1 and headless Debian Chromium: a cold start
  (server start to the catalog table on screen), each page opened from the sidebar until its last element
  is visible (first visit, then warm visits), and a catalog filter change until the new count is shown.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("catalog", "my_credentials", "plan", "compare", "about")
REPEATS = 7
TARGET_S = 1.0
PLAN_TARGET_S = 0.5  # the Plan page's plan with 2 alternatives, in the app's process
EXAMPLE_NAME = "example"


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
    """Seconds from clicking "Make my plan" (the stored example profile) until the plan is drawn."""
    at = _app_test("plan")
    at.run()  # type: ignore[attr-defined]
    start = time.perf_counter()
    at.button(key="plan_make").click().run()  # type: ignore[attr-defined]
    elapsed = time.perf_counter() - start
    assert not at.exception and at.metric, "no plan was drawn"  # type: ignore[attr-defined]
    return elapsed


def _plan_in_process(alternatives: int) -> Callable[[], float]:
    """Seconds for the Plan page's ``ui.make_plan`` (example profile, its limits, ``alternatives``) in this
    process, with the page's caches (catalog, interest scores) warm after the first call."""
    from dataclasses import replace

    from recert import ui
    from recert.store import ProfileStore
    from recommender.rules.profile import load_profile

    profile = load_profile(ProfileStore().path(EXAMPLE_NAME))
    limits = replace(ui.profile_limits(profile), alternatives=alternatives)

    def plan() -> float:
        start = time.perf_counter()
        result = ui.make_plan(profile, limits)
        elapsed = time.perf_counter() - start
        assert result.status is ui.PlanStatus.OPTIMAL, result.status
        return elapsed

    return plan


def _measure(name: str, action: Callable[[], float]) -> tuple[str, float, float]:
    first = action()
    warm = statistics.median(action() for _ in range(REPEATS))
    return name, first, warm


# navigation title → text of the element drawn last on that page (the page is ready when it is visible)
BROWSER_PAGES = {
    "Catalog": "courses match.",
    "My credentials": "Your profile file",
    "Plan": "Make my plan",
    "Compare": "A course's price over time",
    "About the data": "How to refresh",
}
COLD = "cold start → catalog table"
FILTER = "catalog filter change"
ROUNDS = 3  # servers started per code tree (cold starts), taking turns with the other tree
VISITS = 3  # sidebar visits of each page per server after its first visit


def _table_ready(tab: Any) -> None:
    """The Catalog page is ready for a person once its count and its table are on screen."""
    tab.get_by_text(BROWSER_PAGES["Catalog"]).first.wait_for(state="visible")
    tab.get_by_test_id("stDataFrame").first.wait_for(state="visible")


def _one_server(catalog: Path, root: Path, home: Path, browser: Any, times: dict[str, list[float]]) -> None:
    """One cold start of ``root``'s app, then each page's first visit and warm visits, then filter
    changes ("Free courses only" ticked and unticked, each until the count line shows the new count)."""
    from harness.app_server import running_app

    start = time.perf_counter()
    with running_app(catalog, root=root, home=home) as url:
        tab = browser.new_page(viewport={"width": 1366, "height": 900})
        tab.set_default_timeout(180_000)
        tab.goto(url)
        _table_ready(tab)
        times[COLD].append(time.perf_counter() - start)
        order = [*list(BROWSER_PAGES)[1:], "Catalog"]
        for visit in range(VISITS + 1):
            for title in order:
                start = time.perf_counter()
                tab.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
                if title == "Catalog":
                    _table_ready(tab)
                else:
                    tab.get_by_text(BROWSER_PAGES[title]).first.wait_for(state="visible")
                times[f"{title} ({'first visit' if visit == 0 else 'warm'})"].append(
                    time.perf_counter() - start
                )
        counts = tab.get_by_text(BROWSER_PAGES["Catalog"]).first
        for _ in range(2 * VISITS):
            before = counts.inner_text()
            start = time.perf_counter()
            tab.get_by_text("Free courses only", exact=True).click()
            tab.wait_for_function(
                "before => [...document.querySelectorAll('[data-testid=stCaptionContainer]')]"
                ".some(e => e.innerText.endsWith('courses match.') && e.innerText !== before)",
                arg=before,
            )
            times[FILTER].append(time.perf_counter() - start)
        tab.close()


def _browser(catalog: Path, trees: dict[str, Path], home: Path) -> dict[str, dict[str, list[float]]]:
    """Seconds a person waits, per code tree, measured turn about (tree A, tree B, A, B, …) so that the
    load of this shared machine falls on both alike: a cold start (server start, imports, first page
    until the catalog table is drawn), each page's first visit and warm visits from the sidebar (until
    its last element is visible; the Catalog until its table is), and a filter change."""
    from collections import defaultdict

    from playwright.sync_api import sync_playwright

    from harness.app_server import CHROMIUM, CHROMIUM_ARGS

    times: dict[str, dict[str, list[float]]] = {name: defaultdict(list) for name in trees}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for _ in range(ROUNDS):
            for name, root in trees.items():
                _one_server(catalog, root, home, browser, times[name])
        browser.close()
    return times


def _catalog() -> Path:
    given = [arg for arg in sys.argv[1:] if arg.endswith(".duckdb")]
    if given:
        return Path(given[0])
    folder = Path(tempfile.mkdtemp(prefix="bench-app-"))
    path = folder / "catalog.duckdb"
    recert = ROOT / ".venv" / "bin" / "recert"
    subprocess.run([str(recert), "sample", "--catalog", str(path)], cwd=ROOT, check=True, capture_output=True)
    return path


def _trees() -> dict[str, Path]:
    """This checkout, and with ``--before DIR`` another checkout (e.g. a worktree of main) to compare."""
    trees = {"after": ROOT}
    if "--before" in sys.argv:
        trees = {"before": Path(sys.argv[sys.argv.index("--before") + 1]).resolve(), **trees}
    return trees


def _home() -> Path:
    """A fresh $RECERT_HOME holding the example profile as the last one used (every session opens it)."""
    from recert.store import ProfileStore

    home = Path(tempfile.mkdtemp(prefix="bench-app-home-"))
    os.environ["RECERT_HOME"] = str(home)
    store = ProfileStore(home)
    store.import_file(ROOT / "data" / "examples" / "profile.json", EXAMPLE_NAME)
    store.set_last_used(EXAMPLE_NAME)
    return home


def main() -> None:
    catalog = _catalog()
    os.environ["RECERT_CATALOG"] = str(catalog)
    os.chdir(ROOT)
    home = _home()
    trees = _trees()
    print(f"catalog: {catalog}  (targets: a page view ≤ {TARGET_S} s warm; medians)")
    if "--browser-only" not in sys.argv:
        rows = [_measure(page, partial(_ready, page)) for page in PAGES]
        rows.append(_measure("plan (make my plan)", _make_plan))
        _report("AppTest (this checkout)", rows)
        plans = [_measure(f"plan, {n} alternatives", _plan_in_process(n)) for n in (0, 2)]
        _report(f"ui.make_plan in process (target ≤ {PLAN_TARGET_S} s with 2)", plans)
    times = _browser(catalog, trees, home)
    names = list(trees)
    print(
        f"\nbrowser, median s ({ROUNDS} servers per tree, taking turns)"
        + "".join(f"{n:>12}" for n in names)
        + ("      after/before" if len(names) == 2 else "")
    )
    for row in times[names[-1]]:
        medians = [statistics.median(times[name][row]) for name in names]
        ratio = f"{medians[-1] / medians[0]:>18.2f}" if len(names) == 2 else ""
        print(f"{row:<44}" + "".join(f"{m:>12.2f}" for m in medians) + ratio)


def _report(how: str, rows: list[tuple[str, float, float]]) -> None:
    print(f"{how:<30}{'first s':>10}{'warm median s':>15}")
    for name, first, warm in rows:
        print(f"{name:<30}{first:>10.2f}{warm:>15.2f}")


if __name__ == "__main__":
    main()

"""How fast each app page is ready on the sample catalog (target: ≤ 2 s), measured with Streamlit's AppTest.

`.venv/bin/python -m bench.bench_app [CATALOG]` — builds the sample catalog with `recert sample` unless a
catalog file is given. For each page: the first run in a fresh process (imports and cold caches: what the
first visitor after `make app` waits for) and the median of warm runs (a new session on a running server,
Streamlit's caches filled). "Plan (make my plan)" is the click on the button until the plan is drawn.
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
    print(f"{'page':<22}{'first run s':>12}{'warm median s':>15}  within target")
    for name, first, warm in rows:
        print(f"{name:<22}{first:>12.2f}{warm:>15.2f}  {'yes' if warm <= TARGET_S else 'NO'}")


if __name__ == "__main__":
    main()

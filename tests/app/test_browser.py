"""The app in a real browser: headless Debian Chromium driven by Playwright against `streamlit run`.

Screenshots of every page go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import json
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from recert import ui
from tests.app.conftest import RECERT

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 60_000  # the first page load imports pandas, DuckDB and scikit-learn on a busy 2-core box
VIEWPORT = {"width": 1400, "height": 1000}
# (navigation title, screenshot name, the page's last heading: drawn once the page has run to the end)
PAGES = (
    ("My credentials", "credentials", "Your profile file"),
    ("Compare", "compare", "A course's price over time"),
    ("About the data", "about", "How to refresh"),
)
expect.set_options(timeout=TIMEOUT_MS)
# A CMA with 6 clinical points who takes online courses only: the cheapest plan is not free.
PROFILE = {
    "credentials": [
        {"id": "cma_aama", "certified_on": "2024-03-01", "earned": {"clinical": {"approved": 6, "other": 0}}}
    ],
    "limits": {"formats": ["online"]},
}


def go_to(page: Page, title: str) -> None:
    """Open a page through the sidebar navigation and wait for its title."""
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()


def settled(page: Page) -> None:
    """Wait until Streamlit has finished running the script and every chart has drawn."""
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden()
    charts = page.get_by_test_id("stVegaLiteChart")
    for index in range(charts.count()):
        expect(charts.nth(index).locator("canvas, svg").first).to_be_visible()
    page.wait_for_timeout(500)  # let grids finish drawing


def content_height(page: Page) -> int:
    return int(page.evaluate("Math.max(...[...document.querySelectorAll('*')].map(e => e.scrollHeight))"))


def shot(page: Page, artifacts: Path, name: str, viewport: dict[str, int] = VIEWPORT) -> None:
    """A screenshot of the whole page at ``viewport``'s width: Streamlit scrolls inside its main block,
    so the viewport is stretched to the content's height first (twice: charts may grow once they have
    room); the page is left at ``viewport``."""
    page.set_viewport_size(viewport)
    for _ in range(2):
        settled(page)
        page.set_viewport_size(
            {"width": viewport["width"], "height": max(viewport["height"], content_height(page))}
        )
    settled(page)
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    page.set_viewport_size(viewport)


def test_filter_plan_and_match_the_cli(
    app_url: str, browser: Browser, artifacts: Path, sample_catalog: Path, tmp_path: Path
) -> None:
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps(PROFILE), encoding="utf-8")
    # The CLI's answer, computed while the browser works.
    cli = subprocess.Popen(
        [RECERT, "plan", "--profile", profile, "--catalog", sample_catalog, "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(app_url)
        expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
        counts = page.get_by_text(re.compile(r"^[\d,]+ of [\d,]+ courses match\.$"))
        expect(counts).to_be_visible()
        everything = counts.inner_text()
        expect(page.get_by_text("Sample data:", exact=False).first).to_be_visible()

        search = page.get_by_label("Search titles and descriptions")
        search.fill("coding")
        search.press("Enter")
        expect(counts).not_to_have_text(everything)
        found = int(counts.inner_text().split(" of ")[0])
        assert 0 < found < int(everything.split(" of ")[0].replace(",", ""))
        shot(page, artifacts, "catalog")

        go_to(page, "My credentials")
        uploader = page.get_by_test_id("stFileUploader").filter(has_text="Upload a profile")
        uploader.locator("input[type=file]").set_input_files(str(profile))
        expect(page.get_by_text("Counted so far")).to_be_visible()
        go_to(page, "Plan")
        page.get_by_role("button", name="Make my plan").click()
        total = page.get_by_test_id("stMetric").filter(has_text="Total cost").get_by_test_id("stMetricValue")
        expect(total).to_be_visible()
        out, _ = cli.communicate(timeout=300)
        assert cli.returncode == 0
        expected = Decimal(str(json.loads(out)["total_cost"]))
        assert expected > 0
        assert total.inner_text() == ui.money(expected)
        expect(page.get_by_text("Coverage per area")).to_be_visible()
        shot(page, artifacts, "plan")

        for title, name, last_heading in PAGES:
            go_to(page, title)
            expect(page.get_by_test_id("stHeading").filter(has_text=last_heading)).to_be_visible()
            expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
            shot(page, artifacts, name)
    finally:
        page.close()
        if cli.poll() is None:
            cli.kill()
        cli.communicate()

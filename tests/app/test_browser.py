"""The app in a real browser: headless Debian Chromium driven by Playwright against `streamlit run`.

Screenshots of every page go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from recert import ui
from tests.app.conftest import ROOT, recert

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 60_000  # the first page load imports pandas, DuckDB and scikit-learn on a busy 2-core box
PAGES = (("My credentials", "credentials"), ("Compare", "compare"), ("About the data", "about"))
expect.set_options(timeout=TIMEOUT_MS)


def go_to(page: Page, title: str) -> None:
    """Open a page through the sidebar navigation and wait for its title."""
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()


def shot(page: Page, artifacts: Path, name: str) -> None:
    page.wait_for_timeout(500)  # let charts finish drawing
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def test_filter_plan_and_match_the_cli(
    app_url: str, browser: Browser, artifacts: Path, sample_catalog: Path
) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
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

        go_to(page, "Plan")
        page.get_by_role("button", name="Use the example profile").click()
        page.get_by_role("button", name="Make my plan").click()
        total = page.get_by_test_id("stMetric").filter(has_text="Total cost").get_by_test_id("stMetricValue")
        expect(total).to_be_visible()
        cli = recert("plan", "--profile", ROOT / "data/examples/profile.json", "--catalog", sample_catalog,
                     "--format", "json")  # fmt: skip
        expected = json.loads(cli.stdout)["total_cost"]
        assert total.inner_text() == ui.money(Decimal(str(expected)))
        expect(page.get_by_text("Coverage per area")).to_be_visible()
        shot(page, artifacts, "plan")

        for title, name in PAGES:
            go_to(page, title)
            expect(page.get_by_test_id("stHeading").first).to_be_visible()
            expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
            shot(page, artifacts, name)
    finally:
        page.close()

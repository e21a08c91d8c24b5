"""The Schedule page in headless Debian Chromium against `streamlit run`: the example profile's schedule
with its timeline chart and calendar download, at a desktop (1366 px) and a phone (390 px) width.
Screenshots go to test-artifacts/ (git-ignored)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 90_000  # the first plan imports HiGHS on a busy 2-core box
FIRST_LOAD_MS = 180_000  # the shared server's first page load may take minutes on a busy box
expect.set_options(timeout=TIMEOUT_MS)


def _settled(page: Page) -> None:
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden()
    chart = page.get_by_test_id("stVegaLiteChart").first
    expect(chart.locator("canvas, svg").first).to_be_visible()
    page.wait_for_timeout(500)


@pytest.mark.parametrize("width", [1366, 390])
def test_schedule_page_draws_the_timeline_at_desktop_and_phone_width(
    app_url: str, browser: Browser, artifacts: Path, width: int
) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(f"{app_url}/schedule")
        make = page.get_by_role("button", name="Make my schedule")
        example = page.get_by_role("button", name="Use the example profile")
        # The app server keeps the last profile used (another test's, or this test's first width): the
        # example button shows only before any profile exists.
        expect(make.or_(example)).to_be_visible(timeout=FIRST_LOAD_MS)
        if example.is_visible():
            example.click()
        make.click()
        expect(page.get_by_text("Credit over time")).to_be_visible()
        _settled(page)
        expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
        expect(page.get_by_role("button", name="Download the calendar (.ics)")).to_be_visible()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page scrolls sideways by {overflow} px at {width} px"
        height = int(
            page.evaluate("Math.max(...[...document.querySelectorAll('*')].map(e => e.scrollHeight))")
        )
        page.set_viewport_size({"width": width, "height": max(900, height)})
        _settled(page)
        page.screenshot(path=str(artifacts / f"schedule-{width}.png"), full_page=True)
    finally:
        page.close()

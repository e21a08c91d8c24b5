"""The Catalog page's address and every page at phone width, in headless Debian Chromium (one app server
for the session, see conftest.app_url)."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.app.catalog_flags import address, cli_count, random_params

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 60_000
FIRST_LOAD_MS = 180_000  # the server's first page imports pandas, DuckDB and more on a busy 2-core box
COMBINATIONS = 20
SEED = 13
# (path in the address, a text the page shows once it has run to the end)
PAGES = (
    ("", "courses match"),
    ("my_credentials", "My credentials"),
    ("plan", "Your cheapest plan"),
    ("schedule", "Your schedule"),
    ("compare", "A course's price over time"),
    ("about", "How to refresh"),
)
PHONE = {"width": 390, "height": 844}
COUNTS = re.compile(r"^[\d,]+ of [\d,]+ courses match\.$")


# A phone's user agent: Streamlit closes the sidebar after a page is chosen on phones, which it recognises
# by the user agent (a narrow desktop window keeps it open).
PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/156.0.0.0 Mobile Safari/537.36"
)


@pytest.fixture(scope="module")
def phone(browser: Browser) -> Iterator[Page]:
    """A phone 390 px wide: touch, a phone's user agent."""
    context = browser.new_context(
        viewport=PHONE, user_agent=PHONE_AGENT, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()


def settled(page: Page) -> None:
    """Wait until the script has run (the running indicator is gone) and grids have drawn."""
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=TIMEOUT_MS)
    page.wait_for_timeout(400)


def test_filters_in_the_address_show_the_clis_count(
    app_url: str, browser: Browser, sample_catalog: Path
) -> None:
    """20 seeded random filter sets, opened through the address, each show `recert catalog`'s count."""
    rng = random.Random(SEED)
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.set_default_timeout(TIMEOUT_MS)
    counts = page.get_by_text(COUNTS)
    try:
        page.goto(app_url)
        expect(counts).to_be_visible(timeout=FIRST_LOAD_MS)
        everything = counts.inner_text().split(" of ")[1]
        seen = set()
        for _ in range(COMBINATIONS):
            params = random_params(sample_catalog, rng)
            expected = cli_count(sample_catalog, params)
            seen.add(expected)
            page.goto(app_url + "/" + address(params))
            expect(counts).to_have_text(f"{expected:,} of {everything}")
            expect(page.get_by_text("Ignored in the page address")).to_have_count(0)
        assert len(seen) > 5, "the random filters hardly differ"
    finally:
        page.close()


def test_every_page_fits_a_phone(app_url: str, phone: Page, tmp_path_factory: pytest.TempPathFactory) -> None:
    """At 390 px: every page draws without an error and without sideways scrolling; choosing a page
    in the sidebar closes it. Screenshots of each page go to a temporary folder."""
    shots = tmp_path_factory.mktemp("phone-screenshots")
    sidebar = phone.get_by_test_id("stSidebar")
    phone.goto(app_url + "/?area=clinical")
    expect(phone.get_by_text(COUNTS)).to_be_visible(timeout=FIRST_LOAD_MS)
    for path, last in PAGES:
        expect(sidebar).to_have_attribute("data-collapsed", "true")
        phone.get_by_test_id("stExpandSidebarButton").click()
        expect(sidebar).to_have_attribute("data-collapsed", "false")
        link = phone.get_by_test_id("stSidebarNavLink").and_(phone.locator(f'[href$="/{path}"]'))
        link.click()
        expect(sidebar).to_have_attribute("data-collapsed", "true")
        expect(phone.get_by_text(last).first).to_be_visible()
        settled(phone)
        expect(phone.get_by_test_id("stException")).to_have_count(0)
        expect(phone.get_by_test_id("stAlertContentError")).to_have_count(0)
        widths = phone.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth,"
            " ...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stMainBlockContainer]')]"
            ".map(e => e.scrollWidth - e.clientWidth)]"
        )
        assert widths[0] <= widths[1] and all(extra <= 1 for extra in widths[2:]), (path, widths)
        phone.screenshot(path=str(shots / f"{path or 'catalog'}.png"), full_page=True)
    assert len(list(shots.glob("*.png"))) == len(PAGES)
    # Every page of the app was visited (a new page must be added to PAGES).
    assert phone.get_by_test_id("stSidebarNavLink").count() == len(PAGES)
